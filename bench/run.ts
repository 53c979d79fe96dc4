/**
 * `npm run bench [-- options]`: the performance figures of the README, as ratios within one run.
 * Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres):
 * every scenario runs in a fresh database of its own, dropped afterwards (`pglite` also in a fresh
 * PGlite folder, beside PostgreSQL).
 *
 *   --quick              tiny sizes (the smoke run the test suite uses)
 *   --runs N             runs per figure, the median is reported (default 3)
 *   --pairs N            pairs of the efficiency scenario (default 2000)
 *   --peer-pairs N       pairs of the peer comparison: N x 2 orders x 4 samples completions (default 2000)
 *   --skip-promptfoo     peer comparison without promptfoo (the test suite's smoke run)
 *   --only a,b           scenarios: efficiency, peers, overhead, memory, queries, pglite (the
 *                        default set), and paper, paper-split, paper-one-thread, scaleout (run
 *                        only when named: they take minutes; paper-split runs the paper scenario
 *                        with the API and the worker in two processes, paper-one-thread in one
 *                        process with WORKER_THREAD=off)
 *   --paper-pairs N      pairs of the paper-scale scenario (default 20000: 600,000 judgments)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './lib.js';
import { judgeCalls, plainScript, promptfoo } from './peers.js';
import { paperScale, scaleOut } from './paper.js';
import type { PaperRun, ScaleOutRun } from './paper.js';
import { bareClient, judgeStage, queriesAtSize } from './scenarios.js';
import { syntheticInstructions } from './lib.js';
import type { StageRun } from './scenarios.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    pairs: { type: 'string' },
    only: { type: 'string' },
    'peer-pairs': { type: 'string' },
    'paper-pairs': { type: 'string' },
    'skip-promptfoo': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 1 : 3));
const only = new Set((values.only ?? 'efficiency,peers,overhead,memory,queries,pglite').split(','));
const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const size = {
  efficiencyPairs: Number(values.pairs ?? (quick ? 40 : 2_000)),
  efficiencyLatencyMs: quick ? 20 : 200,
  overheadPairs: quick ? 40 : 2_000,
  memoryPairs: quick ? 50 : 12_500,
  queryJudgments: quick ? 20_000 : 1_000_000,
  peerPairs: Number(values['peer-pairs'] ?? (quick ? 10 : 2_000)),
  paperPairs: Number(values['paper-pairs'] ?? (quick ? 100 : 20_000)),
  scaleOutPairs: quick ? 40 : 2_000,
};

type Row = { figure: string; target: string; measured: string; ok: boolean | null };
const rows: Row[] = [];
const results: Record<string, unknown> = {};

async function medianOf(label: string, fn: () => Promise<StageRun>): Promise<StageRun[]> {
  const all: StageRun[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await fn();
    process.stderr.write(`${label} run ${i + 1}/${runs}: ${JSON.stringify(run)}\n`);
    all.push(run);
  }
  return all;
}

async function efficiency(): Promise<void> {
  const latency = size.efficiencyLatencyMs;
  const concurrency = 64;
  for (const [label, maxN] of [['n choices per request', null], ['one choice per request', 1]] as const) {
    const all = await medianOf(`efficiency (${label})`, () =>
      judgeStage({ databaseServer, llmConcurrency: concurrency, workers: 1 }, { latencyMs: latency, maxConcurrency: concurrency, maxN }, size.efficiencyPairs, 4),
    );
    const ratios = all.map((r) => (r.requests * latency) / concurrency / r.wallMs);
    const value = median(ratios);
    results[`efficiency ${label}`] = { runs: all, ratios };
    rows.push({
      figure: `Judge stage efficiency, ${label} (${all[0]!.requests} requests at ${latency} ms, concurrency ${concurrency})`,
      target: '>= 0.95',
      measured: value.toFixed(3),
      ok: value >= 0.95,
    });
  }
}

async function peers(): Promise<void> {
  const latency = size.efficiencyLatencyMs;
  const concurrency = 64;
  const ours = await medianOf('peers (this service)', () =>
    judgeStage({ databaseServer, llmConcurrency: concurrency, workers: 1 }, { latencyMs: latency, maxConcurrency: concurrency, maxN: 1 }, size.peerPairs, 4),
  );
  const calls = judgeCalls(syntheticInstructions(size.peerPairs), 4);
  const plain: number[] = [];
  const pf: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    plain.push(await plainScript(databaseServer, calls, latency, concurrency));
    process.stderr.write(`peers (plain script) run ${i + 1}/${runs}: ${plain[i]!.toFixed(0)} ms\n`);
    if (values['skip-promptfoo']) continue;
    pf.push(await promptfoo(calls, latency, concurrency));
    process.stderr.write(`peers (promptfoo) run ${i + 1}/${runs}: ${pf[i]!.toFixed(0)} ms\n`);
  }
  const oursMs = median(ours.map((r) => r.wallMs));
  const ideal = (calls.length * latency) / concurrency;
  results.peers = { ours, plainMs: plain, promptfooMs: pf, completions: calls.length, idealMs: ideal };
  if (pf.length > 0) rows.push({
    figure: `${calls.length} judge completions, one per request: wall time ours / promptfoo 0.121.20 (-j ${concurrency})`,
    target: '<= 0.5',
    measured: `${(oursMs / median(pf)).toFixed(3)} (${(oursMs / 1000).toFixed(1)} s vs ${(median(pf) / 1000).toFixed(1)} s; promptfoo at ${(ideal / median(pf)).toFixed(2)} of the endpoint bound)`,
    ok: oursMs / median(pf) <= 0.5,
  });
  rows.push({
    figure: 'Same completions: wall time ours / plain openai script inserting each result',
    target: '<= 1.0',
    measured: `${(oursMs / median(plain)).toFixed(3)} (plain script at ${(ideal / median(plain)).toFixed(2)} of the endpoint bound)`,
    ok: oursMs / median(plain) <= 1.0,
  });
}

async function overhead(): Promise<void> {
  for (const n of [1, 4]) {
    const all = await medianOf(`overhead n=${n}`, () =>
      judgeStage({ databaseServer, llmConcurrency: 256, workers: 1 }, { latencyMs: 0, maxConcurrency: null, maxN: null }, size.overheadPairs, n),
    );
    const rate = median(all.map((r) => r.judgments / (r.wallMs / 1000)));
    const cpu = median(all.map((r) => r.serviceCpuMs / r.judgments));
    const bare = await bareClient(all[0]!.requests, 256, n);
    results[`overhead n=${n}`] = { runs: all, bare };
    rows.push({
      figure: `Judgments stored per second, n=${n} (zero latency, concurrency 256); bare openai client ${bare.completionsPerSecond.toFixed(0)}/s`,
      target: n === 1 ? '>= 0.8 of the bare client' : '>= 2,000/s',
      measured: `${rate.toFixed(0)}/s (${(rate / bare.completionsPerSecond).toFixed(2)} of bare), ${cpu.toFixed(2)} CPU ms per judgment`,
      ok: n === 1 ? rate >= 0.8 * bare.completionsPerSecond : rate >= 2_000,
    });
  }
  const two = await medianOf('overhead 2 workers', () =>
    judgeStage({ databaseServer, llmConcurrency: 256, workers: 2 }, { latencyMs: 0, maxConcurrency: null, maxN: null }, size.overheadPairs, 4),
  );
  const one = results['overhead n=4'] as { runs: StageRun[] };
  results['overhead 2 workers'] = { runs: two };
  const rateOf = (list: StageRun[]) => median(list.map((r) => r.judgments / (r.wallMs / 1000)));
  // Where the CPU went, ms per 1,000 judgments (medians): each service process, the simulator,
  // PostgreSQL, and every process of the machine (the two cores give 2,000 ms per second).
  const cpuOf = (list: StageRun[]) => {
    const per = (pick: (r: StageRun) => number) => median(list.map((r) => (1_000 * pick(r)) / r.judgments)).toFixed(0);
    const services = list[0]!.cpuMs.service.map((_, i) => per((r) => r.cpuMs.service[i] ?? 0)).join(' + ');
    return `service ${services}, simulator ${per((r) => r.cpuMs.simulator)}, PostgreSQL ${per((r) => r.cpuMs.postgres)}, machine ${per((r) => r.cpuMs.machine)}`;
  };
  rows.push({
    figure: 'Two worker processes against one (n=4, zero latency)',
    target: 'faster than one',
    measured: `${rateOf(two).toFixed(0)}/s vs ${rateOf(one.runs).toFixed(0)}/s; CPU ms per 1,000 judgments: ${cpuOf(two)} vs ${cpuOf(one.runs)}`,
    ok: rateOf(two) > rateOf(one.runs),
  });
}

async function memory(): Promise<void> {
  const all = await medianOf('memory', () =>
    judgeStage({ databaseServer, llmConcurrency: 256, workers: 1 }, { latencyMs: 0, maxConcurrency: null, maxN: null }, size.memoryPairs, 4),
  );
  const peak = Math.max(...all.map((r) => r.peakRssBytes)) / 2 ** 20;
  results.memory = { runs: all };
  rows.push({ figure: `Peak RSS of the service during a ${all[0]!.judgments}-judgment stage`, target: '< 400 MB', measured: `${peak.toFixed(0)} MB`, ok: peak < 400 });
}

/**
 * The embedded default beside PostgreSQL, in the same run: a judge stage at 50 ms per request,
 * 64 at once, n=4 (efficiency against the endpoint bound, and PGlite's as a share of
 * PostgreSQL's), the service's peak RSS during it, and its RSS idle and at its peak while starting
 * on an empty database.
 */
async function pglite(): Promise<void> {
  const latency = 50;
  const concurrency = 64;
  const runsOf = async (label: string, embedded: boolean) =>
    medianOf(`pglite comparison (${label})`, () =>
      judgeStage({ databaseServer, llmConcurrency: concurrency, workers: 1, pglite: embedded }, { latencyMs: latency, maxConcurrency: concurrency, maxN: null }, size.efficiencyPairs, 4),
    );
  const postgres = await runsOf('PostgreSQL', false);
  const embedded = await runsOf('PGlite', true);
  results.pglite = { postgres, pglite: embedded };
  const efficiency = (list: StageRun[]) => median(list.map((r) => (r.requests * latency) / concurrency / r.wallMs));
  const mb = (list: StageRun[], pick: (r: StageRun) => number) => median(list.map(pick)) / 2 ** 20;
  const share = efficiency(embedded) / efficiency(postgres);
  const judgments = embedded[0]!.judgments;
  rows.push({
    figure: `Judge stage on PGlite, ${judgments} judgments at ${latency} ms, concurrency ${concurrency}, n=4: efficiency as a share of PostgreSQL's in the same run`,
    target: '>= 0.8',
    measured: `${share.toFixed(2)} (PGlite ${efficiency(embedded).toFixed(2)}, PostgreSQL ${efficiency(postgres).toFixed(2)} of the endpoint bound)`,
    ok: share >= 0.8,
  });
  const peak = mb(embedded, (r) => r.peakRssBytes);
  rows.push({
    figure: `Peak RSS of the service during that stage, PGlite (PostgreSQL beside it)`,
    target: '< 400 MB',
    measured: `${peak.toFixed(0)} MB (PostgreSQL ${mb(postgres, (r) => r.peakRssBytes).toFixed(0)} MB)`,
    ok: peak < 400,
  });
  const startup = mb(embedded, (r) => r.startupPeakRssBytes);
  rows.push({
    figure: 'Peak RSS of the service while starting on an empty database, PGlite (PostgreSQL beside it)',
    target: '< 400 MB',
    measured: `${startup.toFixed(0)} MB (PostgreSQL ${mb(postgres, (r) => r.startupPeakRssBytes).toFixed(0)} MB)`,
    ok: startup < 400,
  });
  const idle = mb(embedded, (r) => r.idleRssBytes);
  rows.push({
    figure: 'RSS of the service started and idle, PGlite (PostgreSQL beside it)',
    target: '< 250 MB',
    measured: `${idle.toFixed(0)} MB (PostgreSQL ${mb(postgres, (r) => r.idleRssBytes).toFixed(0)} MB)`,
    ok: idle < 250,
  });
}

async function queries(): Promise<void> {
  const figures = await queriesAtSize(databaseServer, size.queryJudgments, quick ? 5 : 40);
  results.queries = figures;
  for (const [name, ms] of Object.entries(figures)) {
    rows.push({ figure: `${name.replace('P95Ms', '')} at ${size.queryJudgments.toLocaleString('en')} judgments, p95`, target: '< 50 ms', measured: `${ms.toFixed(1)} ms`, ok: ms < 50 });
  }
}

/**
 * One iteration at the paper's size on PostgreSQL (see bench/paper.ts). Long (generation of the
 * pairs, then about 600,000 judgments): `--runs` applies, the README says how many were run.
 */
async function paper(topology: 'thread' | 'split' | 'one-thread'): Promise<void> {
  const name = { thread: 'paper', split: 'paper-split', 'one-thread': 'paper-one-thread' }[topology];
  const all: PaperRun[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await paperScale(databaseServer, size.paperPairs, { split: topology === 'split', oneThread: topology === 'one-thread' });
    process.stderr.write(`${name} run ${i + 1}/${runs}: ${JSON.stringify(run)}\n`);
    all.push(run);
  }
  results[name] = { runs: all };
  // Rows of the other topologies say so; the service's figures are then its two processes' when split.
  const scale = { thread: 'Paper scale', split: 'Paper scale, API and worker in two processes', 'one-thread': 'Paper scale, one process, worker on the API thread' }[topology];
  const first = all[0]!;
  const med = (pick: (r: PaperRun) => number) => median(all.map(pick));
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const label = `${first.judgments.toLocaleString('en')} judgments (${first.pairs.toLocaleString('en')} pairs x 2 orders x 15, n=15, ${first.requests.toLocaleString('en')} requests at ${first.meanLatencyMs} ms, ${first.concurrency} at once)`;
  const efficiency = med((r) => r.judgeEfficiency);
  rows.push({ figure: `${scale}: judge stage efficiency, ${label}`, target: '>= 0.9', measured: `${efficiency.toFixed(3)} (${(med((r) => r.judgeWallMs) / 1000).toFixed(1)} s, CPU s: service ${(med((r) => r.serviceCpuMs) / 1000).toFixed(1)}, simulator ${(med((r) => r.cpuMs.simulator) / 1000).toFixed(1)}, PostgreSQL ${(med((r) => r.cpuMs.postgres) / 1000).toFixed(1)}, machine ${(med((r) => r.cpuMs.machine) / 1000).toFixed(1)})`, ok: efficiency >= 0.9 });
  const peak = Math.max(...all.map((r) => r.peakRssBytes));
  const preparing = Math.max(...all.map((r) => r.preparePeakRssBytes));
  const how = all.every((r) => r.peakExact) ? 'VmHWM reset at the stage start, and sampled every 100 ms' : 'sampled every 100 ms (VmHWM could not be reset)';
  rows.push({ figure: `${scale}: peak RSS of the service during the judge stage`, target: '< 400 MB', measured: `${mb(peak)} (${how}; before the stage, importing and generating the pairs: ${mb(preparing)})`, ok: peak < 400 * 2 ** 20 });
  rows.push({
    figure: `${scale}: API during the stage, first page of 50 judgments and iteration stats, p95`,
    target: '< 50 ms',
    measured: `${med((r) => r.duringStage.firstPageP95Ms).toFixed(1)} ms and ${med((r) => r.duringStage.statsP95Ms).toFixed(1)} ms (p50 ${med((r) => r.duringStage.firstPageP50Ms).toFixed(1)} / ${med((r) => r.duringStage.statsP50Ms).toFixed(1)} ms)`,
    ok: med((r) => r.duringStage.firstPageP95Ms) < 50 && med((r) => r.duringStage.statsP95Ms) < 50,
  });
  const select = med((r) => r.selectMs);
  rows.push({ figure: `${scale}: SELECT over ${first.judgments.toLocaleString('en')} judgments`, target: '< 10 s', measured: `${(select / 1000).toFixed(1)} s (${first.selected.toLocaleString('en')} selected)`, ok: select < 10_000 });
  for (const file of Object.keys(first.exports)) {
    const ms = med((r) => r.exports[file]!.ms);
    const rss = Math.max(...all.map((r) => r.exports[file]!.peakRssBytes));
    rows.push({
      figure: `${scale}: export ${file} (streamed)`,
      target: '< 15 s, flat memory',
      measured: `${(ms / 1000).toFixed(1)} s, ${first.exports[file]!.lines.toLocaleString('en')} lines, ${mb(first.exports[file]!.bytes)}; service RSS at most ${mb(rss)} while streaming`,
      ok: ms < 15_000 && rss < 400 * 2 ** 20,
    });
  }
  rows.push({ figure: `${scale}: database bytes per judgment (judgments table with its indexes and TOAST)`, target: '', measured: `${med((r) => r.bytesPerJudgment).toFixed(0)} B (${mb(first.judgmentsTableBytes)} in all)`, ok: null });
}

/** 1, 2 and 4 worker processes against an endpoint that takes 256 at once at 200 ms (bench/paper.ts). */
async function scaleout(): Promise<void> {
  const latency = quick ? 20 : 200;
  const byWorkers = new Map<number, ScaleOutRun[]>();
  for (const workers of [1, 2, 4]) {
    const all: ScaleOutRun[] = [];
    for (let i = 0; i < runs; i += 1) {
      const run = await scaleOut(databaseServer, workers, size.scaleOutPairs, latency);
      process.stderr.write(`scaleout ${workers} worker(s) run ${i + 1}/${runs}: ${JSON.stringify(run)}\n`);
      all.push(run);
    }
    byWorkers.set(workers, all);
  }
  results.scaleout = Object.fromEntries(byWorkers);
  const rate = (workers: number) => median(byWorkers.get(workers)!.map((r) => r.judgmentsPerSecond));
  const judgments = byWorkers.get(1)![0]!.run.judgments;
  for (const workers of [2, 4]) {
    const ratio = rate(workers) / rate(1);
    rows.push({
      figure: `Scale-out, endpoint-bound: ${workers} worker processes against one, each LLM_CONCURRENCY 64, endpoint 256 at once at ${latency} ms, ${judgments} judgments (one per request)`,
      target: workers === 4 ? '>= 3.5x' : '',
      measured: `${ratio.toFixed(2)}x (${rate(workers).toFixed(0)}/s vs ${rate(1).toFixed(0)}/s)`,
      ok: workers === 4 ? ratio >= 3.5 : null,
    });
  }
}

const started = new Date();
if (only.has('efficiency')) await efficiency();
if (only.has('peers')) await peers();
if (only.has('overhead')) await overhead();
if (only.has('memory')) await memory();
if (only.has('queries')) await queries();
if (only.has('pglite')) await pglite();
if (only.has('paper')) await paper('thread');
if (only.has('paper-split')) await paper('split');
if (only.has('paper-one-thread')) await paper('one-thread');
if (only.has('scaleout')) await scaleout();

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const table = [
  `Benchmarks of ${started.toISOString().slice(0, 10)} on ${machine}${quick ? ' (quick sizes)' : ''}; median of ${runs} run(s).`,
  '',
  '| figure | target | measured | |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.target} | ${r.measured} | ${r.ok === null ? '' : r.ok ? 'met' : 'missed'} |`),
].join('\n');
process.stdout.write(`${table}\n`);
const out = values.out ?? `bench/results/scratch/${started.toISOString().replace(/[:.]/g, '-')}.json`;
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ started, machine, quick, runs, size, rows, results }, null, 2));
process.stderr.write(`results written to ${out}\n`);
