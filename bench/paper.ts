/**
 * The paper's scale and the endpoint-bound scale-out, as benchmark scenarios.
 *
 * Paper scale: one iteration as the paper ran it (20,582 instructions x 2 orders x 15 samples,
 * about 600,000 judgments), on PostgreSQL: `pairs` pairs, `samplesPerOrder` 15 with `n` = 15 per
 * request, the simulator at 200 ms a request on average (175 ms + up to 50 ms of jitter) taking 256
 * at once. Measured: the judge stage against the endpoint bound, the service's peak RSS, the API's
 * first page and stats while the stage runs, SELECT's time, the streamed training exports' time and
 * the service's RSS while it streams them, and the database's bytes per judgment.
 *
 * Scale-out: 1, 2 and 4 worker processes, each with LLM_CONCURRENCY 64, against an endpoint that
 * takes 256 requests at once at 200 ms: throughput should grow with the workers, because the
 * endpoint, not this machine, is the bound.
 */
import pg from 'pg';
import type { Child, Gql } from './lib.js';
import { graphql, machineBusyMs, peakRss, percentile, postgresCpuMs, postgresProcesses, processStats, resetPeakRss, startService, startSimulatorProcess, waitForStage } from './lib.js';
import { judgeStage, prepare, runDatabase, simOptions, simRequests } from './scenarios.js';
import type { StageRun } from './scenarios.js';

export type PaperRun = {
  pairs: number;
  judgments: number;
  requests: number;
  /** Mean simulated latency of one request (latency + half the jitter). */
  meanLatencyMs: number;
  concurrency: number;
  judgeWallMs: number;
  /** requests x mean latency / concurrency / wall time. */
  judgeEfficiency: number;
  judgeFailed: number;
  serviceCpuMs: number;
  /** CPU ms during the judge stage: the simulator, every PostgreSQL process, the whole machine (2 cores: 2,000 a second). */
  cpuMs: { simulator: number; postgres: number; machine: number };
  /**
   * Highest RSS of the service from the judge stage's start to its end: sampled every 100 ms, and
   * the kernel's high-water mark (VmHWM) when it could be reset at the stage's start (`peakExact`).
   */
  peakRssBytes: number;
  peakExact: boolean;
  /** Highest RSS of the service before the judge stage: its start, the import and the generation of the pairs. */
  preparePeakRssBytes: number;
  idleRssBytes: number;
  /** p50 / p95 of the API's first page of judgments and of the iteration's stats, while the stage ran. */
  duringStage: { firstPageP50Ms: number; firstPageP95Ms: number; statsP50Ms: number; statsP95Ms: number; samples: number };
  selectMs: number;
  selected: number;
  exports: Record<string, { ms: number; bytes: number; lines: number; peakRssBytes: number }>;
  judgmentsTableBytes: number;
  bytesPerJudgment: number;
};

export const FIRST_PAGE = 'query ($id: ID!) { iteration(id: $id) { judgments(first: 50) { edges { node { seq verdict correct reasoning } } } } }';
const STATS = 'query ($id: ID!) { iteration(id: $id) { stats { judgments correct incorrect unparseable selected promptTokens completionTokens } } }';

/** Times `query` every `everyMs` until `stop()` resolves; returns the durations. */
export function sampleQuery(gql: Gql, query: string, variables: Record<string, unknown>, everyMs: number): { stop(): Promise<number[]> } {
  const durations: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      await gql(query, variables);
      durations.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return durations;
    },
  };
}

/** Streams one export, counting bytes and lines, while sampling the service's RSS. */
async function timeExport(serviceUrl: string, pid: number, iterationId: string, file: string): Promise<{ ms: number; bytes: number; lines: number; peakRssBytes: number }> {
  const url = new URL(`/exports/iterations/${iterationId}/${file}`, serviceUrl);
  let peak = processStats(pid).rssBytes;
  const sampler = setInterval(() => {
    peak = Math.max(peak, processStats(pid).rssBytes);
  }, 50);
  const start = performance.now();
  try {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`export ${file}: HTTP ${response.status} ${await response.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    return { ms: performance.now() - start, bytes, lines, peakRssBytes: Math.max(peak, processStats(pid).rssBytes) };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * One paper-scale iteration. `split`: the API (`--role api`) and the worker (`--role worker`) in
 * processes of their own, as "Running at scale" in the README advises, instead of one `--role all`
 * process; the service's CPU is then both processes', its peak RSS during the stage the larger of
 * the two, and the exports' RSS the API's (it streams them). `oneThread`: one `--role all` process
 * with WORKER_THREAD=off (the worker on the API's event loop, as before the worker thread).
 */
export async function paperScale(
  databaseServer: string,
  pairs: number,
  options: { samples?: number; latencyMs?: number; jitterMs?: number; concurrency?: number; split?: boolean; oneThread?: boolean } = {},
): Promise<PaperRun> {
  const samples = options.samples ?? 15;
  const latencyMs = options.latencyMs ?? 175;
  const jitterMs = options.jitterMs ?? 50;
  const concurrency = options.concurrency ?? 256;
  const database = await runDatabase({ databaseServer, llmConcurrency: concurrency, workers: 1 });
  // Whatever was started is stopped at the end, also when a later child fails to start.
  const children: Child[] = [];
  try {
    const sim = await startSimulatorProcess({ SIM_LOG_REQUESTS: '0' });
    children.push(sim);
    // No default token budget (600,000 judgments are far past it) and no read limit for the sampling queries.
    const env = { ...database.env, OPENAI_BASE_URL: sim.url, LLM_CONCURRENCY: String(concurrency), DATABASE_POOL_SIZE: '16', DEFAULT_TOKEN_BUDGET: '0', QUERIES_PER_MINUTE: '0', ...(options.oneThread && { WORKER_THREAD: 'off' }) };
    const service = await startService(env, options.split ? 'api' : 'all');
    children.push(service);
    const worker = options.split ? await startService(env, 'worker') : undefined;
    if (worker) children.push(worker);
    const pid = service.process.pid!;
    const pids = [pid, ...(worker ? [worker.process.pid!] : [])];
    const cpuOf = () => pids.reduce((sum, p) => sum + processStats(p).cpuMs, 0);
    const rssOf = () => Math.max(...pids.map((p) => processStats(p).rssBytes));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleRssBytes = rssOf();
    const gql = graphql(service.url);
    const iterationId = await prepare(gql, pairs, samples);
    await simOptions(sim, { latencyMs, jitterMs, maxConcurrency: concurrency, maxN: 1e9 });
    const requestsBefore = await simRequests(sim);
    const cpuBefore = cpuOf();
    const simBefore = processStats(sim.process.pid!).cpuMs;
    const postgresBefore = postgresProcesses();
    const machineBefore = machineBusyMs();
    // VmHWM so far is the preparation's (importing and generating 20,000 pairs): measured apart, then reset.
    const preparePeakRssBytes = Math.max(...pids.map((p) => peakRss(p)));
    const peakExact = pids.map((p) => resetPeakRss(p)).every(Boolean);
    let peak = rssOf();
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf());
    }, 100);
    const start = performance.now();
    const { judgePairs } = await gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId });
    const firstPage = sampleQuery(gql, FIRST_PAGE, { id: iterationId }, 1_000);
    const stats = sampleQuery(gql, STATS, { id: iterationId }, 1_000);
    const stage = await waitForStage(gql, judgePairs.id, 200);
    const judgeWallMs = performance.now() - start;
    clearInterval(sampler);
    const [pageTimes, statsTimes] = await Promise.all([firstPage.stop(), stats.stop()]);
    const serviceCpuMs = cpuOf() - cpuBefore;
    const cpuMs = { simulator: processStats(sim.process.pid!).cpuMs - simBefore, postgres: postgresCpuMs(postgresBefore), machine: machineBusyMs() - machineBefore };
    const requests = (await simRequests(sim)) - requestsBefore;
    if (peakExact) peak = Math.max(peak, ...pids.map((p) => peakRss(p)));

    const selectStart = performance.now();
    const { selectJudgments } = await gql<{ selectJudgments: { id: string } }>('mutation ($id: ID!) { selectJudgments(iterationId: $id) { id } }', { id: iterationId });
    const selection = await waitForStage(gql, selectJudgments.id, 50);
    const selectMs = performance.now() - selectStart;
    if (selection.status !== 'SUCCEEDED') throw new Error(`selection ended ${selection.status}`);

    const exports: PaperRun['exports'] = {};
    for (const file of ['openai-sft.jsonl', 'trl-dpo.jsonl']) exports[file] = await timeExport(service.url, pid, iterationId, file);

    const { iteration } = await gql<{ iteration: { stats: { judgments: number; selected: number } } }>(STATS, { id: iterationId });
    const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
    client.on('error', () => {});
    await client.connect();
    const judgmentsTableBytes = Number((await client.query<{ bytes: string }>(`select pg_total_relation_size('judgments') as bytes`)).rows[0]!.bytes);
    await client.end();
    const meanLatencyMs = latencyMs + jitterMs / 2;
    return {
      pairs,
      judgments: iteration.stats.judgments,
      requests,
      meanLatencyMs,
      concurrency,
      judgeWallMs,
      judgeEfficiency: (requests * meanLatencyMs) / concurrency / judgeWallMs,
      judgeFailed: stage.failed,
      serviceCpuMs,
      cpuMs,
      peakRssBytes: peak,
      peakExact,
      preparePeakRssBytes,
      idleRssBytes,
      duringStage: {
        firstPageP50Ms: percentile(pageTimes, 50),
        firstPageP95Ms: percentile(pageTimes, 95),
        statsP50Ms: percentile(statsTimes, 50),
        statsP95Ms: percentile(statsTimes, 95),
        samples: pageTimes.length,
      },
      selectMs,
      selected: iteration.stats.selected,
      exports,
      judgmentsTableBytes,
      bytesPerJudgment: judgmentsTableBytes / iteration.stats.judgments,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    await database.drop();
  }
}

export type ScaleOutRun = { workers: number; run: StageRun; judgmentsPerSecond: number };

/** One judge stage with `workers` processes of LLM_CONCURRENCY 64 each, against an endpoint taking 256 at once at `latencyMs`. */
export async function scaleOut(databaseServer: string, workers: number, pairs: number, latencyMs: number): Promise<ScaleOutRun> {
  const run = await judgeStage({ databaseServer, llmConcurrency: 64, workers }, { latencyMs, maxConcurrency: 256, maxN: 1 }, pairs, 4);
  return { workers, run, judgmentsPerSecond: run.judgments / (run.wallMs / 1000) };
}
