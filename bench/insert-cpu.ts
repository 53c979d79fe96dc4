/**
 * `tsx bench/insert-cpu.ts DATABASE_URL [--batches N] [--items N] [--samples N] [--setup SQL]`:
 * PostgreSQL CPU of the judge stage's write alone. On a database a judge stage ran in (see
 * `bench/judge-cpu.ts --keep`), starts a new iteration of its experiment and writes the stage's
 * judgments again, batch by batch as the stage does (one transaction each: insertJudgments, then
 * commit), reading the backend's CPU time from /proc before and after. `--setup` runs SQL on the
 * connection first (e.g. to try a session setting); `--source TABLE` reads the judgments to write
 * from a copy (e.g. to write them into an emptied judgments table).
 */
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../src/db/database.js';
import { insertJudgments } from '../src/db/judgments/index.js';
import type { NewJudgment } from '../src/db/judgments/index.js';
import { processStats } from './lib.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { batches: { type: 'string', default: '60' }, items: { type: 'string', default: '32' }, setup: { type: 'string' }, source: { type: 'string', default: 'judgments' } },
});
const url = positionals[0];
if (!url) throw new Error('usage: tsx bench/insert-cpu.ts DATABASE_URL [--batches N] [--items N] [--setup SQL]');
const client = new pg.Client({ connectionString: url });
await client.connect();
const db = drizzle(client) as unknown as Db;
if (values.setup) await client.query(values.setup);
const source = await client.query<{ iteration_id: string }>(`select max(iteration_id) as iteration_id from ${values.source}`);
const from = source.rows[0]!.iteration_id;
const { rows: stored } = await client.query<{ pair_id: string; order: 'CHOSEN_FIRST' | 'CHOSEN_SECOND'; sample: number; reasoning: string; verdict: NewJudgment['verdict']; correct: boolean; finish_reason: string | null; model: string; prompt_tokens: number; completion_tokens: number }>(
  `select pair_id, "order", sample, reasoning, verdict, correct, finish_reason, model, prompt_tokens, completion_tokens from ${values.source} where iteration_id = $1 order by pair_id, "order", sample`,
  [from],
);
const { rows: it } = await client.query<{ id: string }>(
  `insert into iterations (experiment_id, index, judge_model, status) select experiment_id, (select max(index) + 1 from iterations), judge_model, 'RUNNING' from iterations where id = $1 returning id`,
  [from],
);
const iterationId = Number(it[0]!.id);
const perBatch = Number(values.items) * (stored.length / (2 * new Set(stored.map((r) => r.pair_id)).size));
const rows: NewJudgment[] = stored.map((r) => ({ pairId: Number(r.pair_id), order: r.order, sample: r.sample, reasoning: r.reasoning, verdict: r.verdict, correct: r.correct, finishReason: r.finish_reason, model: r.model, promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens }));
const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
const batches = Math.min(Number(values.batches), Math.floor(rows.length / perBatch));
const before = processStats(backend).cpuMs;
const start = performance.now();
let written = 0;
for (let b = 0; b < batches; b += 1) {
  await client.query('begin');
  written += (await insertJudgments(db, iterationId, rows.slice(b * perBatch, (b + 1) * perBatch))).length;
  await client.query('commit');
}
const cpuMs = processStats(backend).cpuMs - before;
process.stdout.write(`${JSON.stringify({ iterationId, batches, rowsPerBatch: perBatch, written, backendCpuSecondsPer1000: Number((cpuMs / written).toFixed(4)), wallMs: Math.round(performance.now() - start) })}\n`);
await client.end();
