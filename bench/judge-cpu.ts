/**
 * `tsx bench/judge-cpu.ts [--pairs N] [--runs N] [--node-flags "..."] [--env K=V,...]`: the paper-scale
 * judge stage (samplesPerOrder 15, `n`=15 per request, simulator at 175 ms + up to 50 ms jitter,
 * 256 at once, PostgreSQL) at a smaller size, reporting CPU seconds per 1,000 stored judgments for
 * each process: the service, the PostgreSQL backends of the run's own database (found through
 * pg_stat_activity, so other users of the server do not count; autovacuum workers on it apart) and
 * the simulator. CPU time is
 * robust to other load on the machine where wall time is not; the wall-time figures are printed
 * for reference only.
 *
 * `--log-statements` logs every statement of the run's database with its duration (server log).
 * `--explain-slow MS` logs the plans of statements slower than MS ms (auto_explain, server log).
 * `--keep` keeps the run's database (to study its queries) and prints its URL.
 * `--node-flags` replaces the service's node flags (default: those of `npm start`).
 * `--timeline` samples the simulator's requests in flight every 100 ms and reports where the stage's
 * time went against the endpoint's cap: the ramp-up (to 90% of the cap), the mean in flight in
 * between, and the tail (from the last moment at 90% of the cap to the stage's end); and, from the
 * service's /metrics, the batches' commits: how many, their mean wait for the stage's turn and
 * their mean transaction time.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { graphql, median, peakRss, percentile, processStats, resetPeakRss, startService, startSimulatorProcess, waitForStage } from './lib.js';
import { FIRST_PAGE, sampleQuery } from './paper.js';
import { prepare, runDatabase, simOptions, simRequests } from './scenarios.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '1' },
    'node-flags': { type: 'string' },
    env: { type: 'string', default: '' },
    'log-statements': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'explain-slow': { type: 'string' },
    timeline: { type: 'boolean', default: false },
  },
});
const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * CPU ms of the processes connected to `database` (the service's backends, and autovacuum workers
 * while they work on it), by pid; sampled often, so processes that end are counted up to their
 * last sample.
 */
function backendSampler(client: pg.Client, database: string) {
  const last = new Map<number, number>();
  const autovacuum = new Set<number>();
  const sample = async () => {
    const { rows } = await client.query<{ pid: number; backend_type: string }>('select pid, backend_type from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
    for (const { pid, backend_type: type } of rows) {
      try {
        last.set(pid, processStats(pid).cpuMs);
        if (type === 'autovacuum worker') autovacuum.add(pid);
      } catch {
        // ended between the query and the read
      }
    }
  };
  /** Processes present at the start count from then, later ones from zero. */
  const used = (before: Map<number, number>, keep: (pid: number) => boolean) =>
    [...last].filter(([pid]) => keep(pid)).reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
  return {
    sample,
    backendsMs: (before: Map<number, number>) => used(before, (pid) => !autovacuum.has(pid)),
    autovacuumMs: (before: Map<number, number>) => used(before, (pid) => autovacuum.has(pid)),
    snapshot: () => new Map(last),
  };
}

/** Sum and count of a histogram's JUDGE series in the service's /metrics. */
async function judgeHistogram(serviceUrl: string, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(new URL('/metrics', serviceUrl))).text();
  const value = (suffix: string) => Number(new RegExp(`^${name}_${suffix}\\{kind="JUDGE"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('sum'), count: value('count') };
}

/** The simulator's requests in flight, sampled every 100 ms (see `--timeline`). */
function inFlightSampler(sim: { url: string }, cap: number) {
  const samples: { ms: number; inFlight: number }[] = [];
  const start = performance.now();
  const timer = setInterval(() => {
    void fetch(sim.url.replace(/\/v1$/, '/sim/stats'))
      .then((r) => r.json() as Promise<{ inFlight: number }>)
      .then(({ inFlight }) => samples.push({ ms: performance.now() - start, inFlight }))
      .catch(() => {});
  }, 100);
  return {
    stop(wallMs: number) {
      clearInterval(timer);
      const high = cap * 0.9;
      const first = samples.find((s) => s.inFlight >= high);
      const last = samples.findLast((s) => s.inFlight >= high);
      const middle = samples.filter((s) => first && last && s.ms >= first.ms && s.ms <= last.ms);
      const mean = (xs: typeof samples) => (xs.length === 0 ? 0 : Math.round(xs.reduce((a, s) => a + s.inFlight, 0) / xs.length));
      return {
        rampUpMs: first ? Math.round(first.ms) : null,
        tailMs: last ? Math.round(wallMs - last.ms) : null,
        meanInFlight: mean(samples),
        meanInFlightBetween: mean(middle),
        belowCapBetween: middle.filter((s) => s.inFlight < high).length / Math.max(1, middle.length),
      };
    },
  };
}

/** The judge stage's batch commits (see `--timeline`): count, mean wait for the turn, mean transaction, ms. */
async function commitFigures(serviceUrl: string) {
  const wait = await judgeHistogram(serviceUrl, 'ste_stage_batch_commit_wait_seconds');
  const transaction = await judgeHistogram(serviceUrl, 'ste_stage_batch_commit_seconds');
  const mean = (h: { sum: number; count: number }) => (h.count === 0 ? 0 : Number(((h.sum / h.count) * 1000).toFixed(1)));
  return { count: transaction.count, meanWaitMs: mean(wait), meanTransactionMs: mean(transaction), transactionSeconds: Number(transaction.sum.toFixed(1)) };
}

async function run(pairs: number) {
  const extraEnv = Object.fromEntries(values.env.split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  const database = await runDatabase({ databaseServer, llmConcurrency: 256, workers: 1 });
  const dbName = new URL(database.env.DATABASE_URL!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: databaseServer });
  admin.on('error', () => {});
  await admin.connect();
  // Every statement of the service with its duration in the server's log (set before the service connects).
  if (values['log-statements']) await admin.query(`alter database ${dbName} set log_min_duration_statement = 0`);
  // The plans of statements slower than this many ms, with their actual rows (auto_explain, server log).
  if (values['explain-slow'] !== undefined) {
    await admin.query(`alter database ${dbName} set session_preload_libraries = 'auto_explain'`);
    await admin.query(`alter database ${dbName} set auto_explain.log_min_duration = ${Number(values['explain-slow'])}`);
    await admin.query(`alter database ${dbName} set auto_explain.log_analyze = on`);
    await admin.query(`alter database ${dbName} set auto_explain.log_buffers = on`);
  }
  const sim = await startSimulatorProcess({ SIM_LOG_REQUESTS: '0' });
  const nodeFlags = values['node-flags'] === undefined ? undefined : values['node-flags'].split(/\s+/).filter(Boolean);
  const service = await startService(
    { ...database.env, OPENAI_BASE_URL: sim.url, LLM_CONCURRENCY: '256', DATABASE_POOL_SIZE: '16', DEFAULT_TOKEN_BUDGET: '0', QUERIES_PER_MINUTE: '0', ...extraEnv },
    'all',
    nodeFlags,
  );
  const pid = service.process.pid!;
  try {
    const gql = graphql(service.url);
    const iterationId = await prepare(gql, pairs, 15);
    await simOptions(sim, { latencyMs: 175, jitterMs: 50, maxConcurrency: 256, maxN: 1e9 });
    const backends = backendSampler(admin, dbName);
    await backends.sample();
    const backendsBefore = backends.snapshot();
    const requestsBefore = await simRequests(sim);
    const serviceBefore = processStats(pid).cpuMs;
    // The peak from the stage's start (the preparation's is higher and not this figure's); null when it cannot be reset.
    const peakFromStage = resetPeakRss(pid);
    const simBefore = processStats(sim.process.pid!).cpuMs;
    const timer = setInterval(() => void backends.sample().catch(() => {}), 250);
    const timeline = values.timeline ? inFlightSampler(sim, 256) : undefined;
    const start = performance.now();
    const { judgePairs } = await gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId });
    const pages = sampleQuery(gql, FIRST_PAGE, { id: iterationId }, 1_000);
    const stage = await waitForStage(gql, judgePairs.id, 100);
    const wallMs = performance.now() - start;
    clearInterval(timer);
    const inFlight = timeline?.stop(wallMs);
    const commits = values.timeline ? await commitFigures(service.url) : undefined;
    await backends.sample();
    const serviceMs = processStats(pid).cpuMs - serviceBefore;
    const simMs = processStats(sim.process.pid!).cpuMs - simBefore;
    const postgresMs = backends.backendsMs(backendsBefore);
    const autovacuumMs = backends.autovacuumMs(backendsBefore);
    const pageTimes = await pages.stop();
    const requests = (await simRequests(sim)) - requestsBefore;
    const { iteration } = await gql<{ iteration: { stats: { judgments: number } } }>('query ($id: ID!) { iteration(id: $id) { stats { judgments } } }', { id: iterationId });
    const k = iteration.stats.judgments / 1000;
    return {
      pairs,
      judgments: iteration.stats.judgments,
      requests,
      status: stage.status,
      failed: stage.failed,
      wallMs: Math.round(wallMs),
      efficiency: Number(((requests * 200) / 256 / wallMs).toFixed(3)),
      cpuSecondsPer1000: { service: serviceMs / 1000 / k, postgresBackends: postgresMs / 1000 / k, autovacuum: autovacuumMs / 1000 / k, simulator: simMs / 1000 / k },
      servicePeakRssMB: peakFromStage ? Math.round(peakRss(pid) / 2 ** 20) : null,
      firstPageMs: { p50: percentile(pageTimes, 50), p95: percentile(pageTimes, 95), samples: pageTimes.length },
      ...(inFlight ? { inFlight, commits } : {}),
    };
  } finally {
    await admin.end();
    await service.stop();
    await sim.stop();
    if (values.keep) process.stderr.write(`kept the database: ${database.env.DATABASE_URL}\n`);
    else await database.drop();
  }
}

const results: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < Number(values.runs); i += 1) {
  const r = await run(Number(values.pairs));
  process.stderr.write(`${JSON.stringify(r)}\n`);
  results.push(r);
}
const med = (pick: (r: (typeof results)[number]) => number) => Number(median(results.map(pick)).toFixed(4));
process.stdout.write(
  `${JSON.stringify({
    runs: results.length,
    judgments: results[0]!.judgments,
    cpuSecondsPer1000Median: {
      service: med((r) => r.cpuSecondsPer1000.service),
      postgresBackends: med((r) => r.cpuSecondsPer1000.postgresBackends),
      autovacuum: med((r) => r.cpuSecondsPer1000.autovacuum),
      simulator: med((r) => r.cpuSecondsPer1000.simulator),
    },
  })}\n`,
);
