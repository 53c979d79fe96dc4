/**
 * `npx tsx bench/wildchat-import.ts [-- options]`: time and peak memory of importing a WildChat-shaped
 * Parquet file of conversations through POST /imports/experiments/{id}/instructions (the first user
 * turn of each, toxic and redacted rows skipped). The file is generated here (hyparquet-writer),
 * with WildChat's columns and realistic text sizes; the service runs as a child process, so its
 * peak resident memory (VmHWM from /proc, the whole life of the process) is its own.
 * Targets: 20,000 conversations in under 30 s, peak RSS under 400 MB.
 *
 *   --conversations N   rows in the file (default 20000)
 *   --db postgres|pglite  PostgreSQL (fresh database on DATABASE_URL, default
 *                       postgres://postgres@127.0.0.1:5432/postgres) or embedded PGlite in a temporary folder
 *   --out FILE          where to write the result JSON (default: print only)
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parquetWriteFile } from 'hyparquet-writer';
import { freshDatabase, graphql, startService } from './lib.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '20000' },
    db: { type: 'string', default: 'postgres' },
    out: { type: 'string' },
  },
});
const count = Number(values.conversations);
const LANGUAGES = ['English', 'English', 'English', 'Chinese', 'Russian', 'French', 'Spanish'];
const WORDS = 'the a of to and in that is for it with as was on be by this are or from at an which but not have all were when we there can more if will one about up out do so what time has into only some could them these two may then first any like now my over such our even most after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');

function text(seed: number, words: number): string {
  const out: string[] = [];
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < words; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(' ');
}

/** Conversation i: 1 to 3 user turns of about 60 words, answers of about 250 words; every 10th toxic, every 25th redacted. */
function conversations(n: number) {
  const rows = { hash: [] as string[], model: [] as string[], conversation: [] as unknown[], turn: [] as number[], language: [] as string[], toxic: [] as boolean[], redacted: [] as boolean[] };
  for (let i = 0; i < n; i += 1) {
    const turns = 1 + (i % 3);
    const language = LANGUAGES[i % LANGUAGES.length]!;
    const toxic = i % 10 === 9;
    const redacted = i % 25 === 24;
    const conversation = [];
    for (let t = 0; t < turns; t += 1) {
      conversation.push({ role: 'user', content: `Question ${i}.${t}: ${text(i * 8 + t, 60)}?`, language, toxic, redacted });
      conversation.push({ role: 'assistant', content: text(i * 8 + t + 4, 250), language, toxic: false, redacted: false });
    }
    rows.hash.push(`h${i.toString(16).padStart(12, '0')}`);
    rows.model.push('gpt-3.5-turbo');
    rows.conversation.push(conversation);
    rows.turn.push(turns);
    rows.language.push(language);
    rows.toxic.push(toxic);
    rows.redacted.push(redacted);
  }
  return rows;
}

function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ste-bench-wildchat-'));
  const file = path.join(dir, 'wildchat.parquet');
  const generatedAt = Date.now();
  const rows = conversations(count);
  parquetWriteFile({
    filename: file,
    rowGroupSize: 2_000,
    columnData: [
      { name: 'conversation_hash', data: rows.hash, type: 'STRING' },
      { name: 'model', data: rows.model, type: 'STRING' },
      { name: 'conversation', data: rows.conversation as never },
      { name: 'turn', data: rows.turn, type: 'INT32' },
      { name: 'language', data: rows.language, type: 'STRING' },
      { name: 'toxic', data: rows.toxic, type: 'BOOLEAN' },
      { name: 'redacted', data: rows.redacted, type: 'BOOLEAN' },
    ],
  });
  const fileBytes = statSync(file).size;
  const generateSeconds = (Date.now() - generatedAt) / 1000;

  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = values.db === 'pglite' ? null : await freshDatabase(serverUrl, 'wildchat');
  // PGlite on disk in a temporary folder, as the default deployment (./.data) runs it.
  const service = await startService(database ? { DATABASE_URL: database.url } : { DATA_DIR: path.join(dir, 'pglite') });
  try {
    const gql = graphql(service.url);
    const created = (await gql('mutation { createExperiment(name: "wildchat bench") { id } }')) as { createExperiment: { id: string } };
    const id = created.createExperiment.id;
    const rssBefore = peakRssBytes(service.process.pid!);
    const body = readFileSync(file);
    const started = Date.now();
    const response = await fetch(service.url.replace('/graphql', `/imports/experiments/${id}/instructions?format=WILDCHAT_PARQUET&source=bench`), { method: 'POST', body });
    const lines = (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { progress?: { rows: number }; result?: Record<string, unknown> });
    const seconds = (Date.now() - started) / 1000;
    const peak = peakRssBytes(service.process.pid!);
    const result = lines[lines.length - 1]?.result;
    if (response.status !== 200 || !result) throw new Error(`import failed: HTTP ${response.status} ${JSON.stringify(lines.slice(-1))}`);
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    const report = {
      benchmark: 'wildchat-import',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      database: values.db,
      conversations: count,
      fileBytes,
      rowGroupSize: 2_000,
      generateSeconds,
      importSeconds: seconds,
      progressLines: lines.filter((l) => l.progress).length,
      accepted: result.accepted,
      skipped: result.skipped,
      rejected: (result.rejected as unknown[]).length,
      instructionCount: result.instructionCount,
      servicePeakRssBeforeImportMB: mb(rssBefore),
      servicePeakRssMB: mb(peak),
      // VmHWM is the peak of the whole process life: PGlite's own start-up can set it before any import.
      peakRaisedByImportMB: mb(peak - rssBefore),
      targets: { importSeconds: 30, servicePeakRssMB: 400 },
      met: seconds < 30 && mb(peak) < 400,
    };
    console.log(JSON.stringify(report, null, 2));
    if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await service.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
