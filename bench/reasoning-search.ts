/**
 * `tsx bench/reasoning-search.ts --database URL [--runs 3] [--out FILE]`: the API's search of a
 * finished iteration's judgment reasoning, without and with the iteration's full-text index
 * (SEARCH_INDEX_MIN_JUDGMENTS), on a database holding a judged iteration, such as the one
 * `tsx bench/judge-cpu.ts --pairs 20000 --keep` leaves (592,500 judgments). For each word (one the
 * reasoning never contains, one every judgment contains, one a third contain): the first page of
 * 50 and the count, median of `runs` after one warm-up. The service is started twice, as `npm start`
 * runs it: first with the index dropped and none built, then with the default threshold, once its
 * workers have built the index. The index is left in place. Writes the result as `npm run bench`
 * does (bench/table.ts reads it).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { graphql, median, startService } from './lib.js';

const { values } = parseArgs({ options: { database: { type: 'string' }, runs: { type: 'string', default: '3' }, out: { type: 'string' } } });
if (!values.database) throw new Error('--database URL: a database with a judged iteration (tsx bench/judge-cpu.ts --pairs 20000 --keep prints one)');
const runs = Number(values.runs);
const WORDS = [
  ['a word no reasoning contains', 'zebra'],
  ['a word every judgment contains', 'assistant'],
  ['a word a third of them contain', 'balance'],
] as const;

const admin = new pg.Client({ connectionString: values.database });
await admin.connect();
const [{ id, judgments }] = (await admin.query<{ id: string; judgments: string }>('select id, judgments_count as judgments from iterations order by judgments_count desc limit 1')).rows as [{ id: string; judgments: string }];
const index = `judgments_reasoning_search_${Number(id)}`;
const hasIndex = async () => (await admin.query('select 1 from pg_class c join pg_index x on x.indexrelid = c.oid where c.relname = $1 and x.indisvalid', [index])).rowCount === 1;

const PAGE = 'query ($id: ID!, $f: JudgmentFilter) { iteration(id: $id) { judgments(first: 50, filter: $f) { edges { node { seq } } } } }';
const COUNT = 'query ($id: ID!, $f: JudgmentFilter) { iteration(id: $id) { judgments(first: 1, filter: $f) { totalCount } } }';

/** From the indexed service's start to its index being valid (its first sweep comes after SWEEP seconds). */
let builtMs = 0;

async function measure(env: Record<string, string>): Promise<Map<string, { pageMs: number; countMs: number; count: number }>> {
  // No endpoint is called: the service only answers queries.
  const service = await startService({ DATABASE_URL: values.database!, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'unused', ...env });
  try {
    const gql = graphql(service.url);
    const waiting = performance.now();
    if (env.SEARCH_INDEX_MIN_JUDGMENTS !== '0') for (let waited = 0; !(await hasIndex()); waited += 1) {
      if (waited > 6_000) throw new Error(`the service did not build ${index} within 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    builtMs = performance.now() - waiting;
    const out = new Map<string, { pageMs: number; countMs: number; count: number }>();
    for (const [, word] of WORDS) {
      const timed = async (query: string) => {
        const started = performance.now();
        const data = await gql<{ iteration: { judgments: { totalCount?: number } } }>(query, { id, f: { search: word } });
        return { ms: performance.now() - started, count: data.iteration.judgments.totalCount ?? 0 };
      };
      await timed(PAGE);
      const pages = [];
      const counts = [];
      for (let r = 0; r < runs; r++) {
        pages.push((await timed(PAGE)).ms);
        counts.push(await timed(COUNT));
      }
      out.set(word, { pageMs: median(pages), countMs: median(counts.map((c) => c.ms)), count: counts[0]!.count });
    }
    return out;
  } finally {
    await service.stop();
  }
}

const started = new Date();
await admin.query(`drop index if exists ${index}`);
const scanned = await measure({ SEARCH_INDEX_MIN_JUDGMENTS: '0' });
const indexed = await measure({});
const [{ size }] = (await admin.query<{ size: string }>('select pg_relation_size($1::regclass) as size', [index])).rows as [{ size: string }];
await admin.end();

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const rows = WORDS.flatMap(([what, word]) => {
  const a = scanned.get(word)!;
  const b = indexed.get(word)!;
  const scope = `Search of a finished iteration's reasoning (${Number(judgments).toLocaleString('en-US')} judgments), "${word}" (${what}: ${b.count.toLocaleString('en-US')} matches)`;
  return [
    { figure: `${scope}: first page of 50`, target: '', measured: `${ms(a.pageMs)} scanned, ${ms(b.pageMs)} through the index`, ok: null },
    { figure: `${scope}: totalCount`, target: '', measured: `${ms(a.countMs)} scanned, ${ms(b.countMs)} through the index`, ok: null },
  ];
});
rows.push({ figure: `Its full-text index (${Number(judgments).toLocaleString('en-US')} judgments): built by the workers once the JUDGE stage has ended`, target: '', measured: `${(builtMs / 1000).toFixed(1)} s from the service's start to a valid index, ${(Number(size) / 2 ** 20).toFixed(1)} MB`, ok: null });
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const result = { started: started.toISOString(), machine, runs, quick: false, rows };
for (const row of rows) console.log(`${row.figure}: ${row.measured}`);
if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
