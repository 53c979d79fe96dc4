/**
 * The benchmark scenarios. Each starts the simulator and the service as child processes on a
 * fresh PostgreSQL database, builds pairs at zero latency, then times one judge stage under the
 * scenario's endpoint settings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt } from '../src/domain/prompts.js';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db } from '../src/db/database.js';
import { rebuildIterationCounters } from '../src/db/judgments/index.js';
import type { Child, Gql } from './lib.js';
import { freshDatabase, graphql, machineBusyMs, peakRss, postgresCpuMs, postgresProcesses, processStats, startService, startSimulatorProcess, syntheticInstructions, waitForStage } from './lib.js';

export type StageRun = {
  pairs: number;
  judgments: number;
  requests: number;
  wallMs: number;
  serviceCpuMs: number;
  peakRssBytes: number;
  /** RSS of the service started and idle, before any request. */
  idleRssBytes: number;
  /** Peak RSS of the service from its start until it was idle (VmHWM). */
  startupPeakRssBytes: number;
  failed: number;
  /**
   * CPU ms during the stage of each service process (the API+worker first, then the extra
   * workers), the simulator, every PostgreSQL process, and all processes of the machine.
   */
  cpuMs: { service: number[]; simulator: number; postgres: number; machine: number };
};

export type Endpoint = { latencyMs: number; maxConcurrency: number | null; maxN: number | null };

export async function simOptions(sim: Child, options: Record<string, unknown>): Promise<void> {
  const response = await fetch(sim.url.replace(/\/v1$/, '/sim/options'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) });
  if (!response.ok) throw new Error(`simulator options: ${await response.text()}`);
}

export async function simRequests(sim: Child): Promise<number> {
  const stats = (await (await fetch(sim.url.replace(/\/v1$/, '/sim/stats'))).json()) as { requests: { total: number } };
  return stats.requests.total;
}

/** Creates an experiment with `pairs` ready pairs and an iteration, at zero latency. */
export async function prepare(gql: Gql, pairs: number, samples: number): Promise<string> {
  const { createExperiment } = await gql<{ createExperiment: { id: string } }>(
    'mutation ($c: ExperimentConfigInput) { createExperiment(name: "bench", config: $c) { id } }',
    { c: { samplesPerOrder: samples, maxTokens: 256, generationMaxTokens: 4096, generatorModel: 'sim-generator', judgeModel: 'sim-judge' } },
  );
  const id = createExperiment.id;
  const lines = syntheticInstructions(pairs).map((instruction) => JSON.stringify({ instruction }));
  for (let i = 0; i < lines.length; i += 2_000) {
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: lines.slice(i, i + 2_000).join('\n') });
  }
  const { generatePairs } = await gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id });
  const stage = await waitForStage(gql, generatePairs.id, 200);
  if (stage.status !== 'SUCCEEDED') throw new Error(`pair generation ended ${stage.status}`);
  const { startIteration } = await gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id });
  return startIteration.id;
}

/** `pglite`: the embedded database in a fresh temporary DATA_DIR instead of a database on the server. */
export type ServiceSetup = { databaseServer: string; llmConcurrency: number; workers: number; env?: Record<string, string>; pglite?: boolean };

/** A fresh database for one run: a database on the server, or an empty PGlite folder. */
export async function runDatabase(setup: ServiceSetup): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (!setup.pglite) {
    const database = await freshDatabase(setup.databaseServer, 'judge');
    return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'ste-bench-'));
  return { env: { DATA_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * One judge stage, timed from the mutation to SUCCEEDED, with the service's CPU and peak RSS;
 * also the service's RSS once started and idle, and its peak RSS during start-up (VmHWM then).
 */
export async function judgeStage(setup: ServiceSetup, endpoint: Endpoint, pairs: number, samples: number): Promise<StageRun> {
  const database = await runDatabase(setup);
  const sim = await startSimulatorProcess({ SIM_LOG_REQUESTS: '0' });
  const env = {
    ...database.env,
    OPENAI_BASE_URL: sim.url,
    LLM_CONCURRENCY: String(setup.llmConcurrency),
    DATABASE_POOL_SIZE: '16',
    // Benchmarks measure throughput: no default token budget may pause a big stage, and no query
    // limit may refuse the harness's polls (every 20 ms: 3,000 a minute on a stage of a minute).
    DEFAULT_TOKEN_BUDGET: '0',
    QUERIES_PER_MINUTE: '0',
    ...setup.env,
  };
  const service = await startService(env);
  // Idle: started, nothing asked of it yet (a second for the start-up's last timers).
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idleRssBytes = processStats(service.process.pid!).rssBytes;
  const startupPeakRssBytes = peakRss(service.process.pid!);
  const workers: Child[] = [];
  for (let i = 1; i < setup.workers; i += 1) workers.push(await startService(env, 'worker'));
  try {
    const gql = graphql(service.url);
    const iterationId = await prepare(gql, pairs, samples);
    await simOptions(sim, { latencyMs: endpoint.latencyMs, maxConcurrency: endpoint.maxConcurrency ?? 1e9, maxN: endpoint.maxN ?? 1e9 });
    const pids = [service, ...workers].map((c) => c.process.pid!);
    const before = pids.map(processStats);
    const simBefore = processStats(sim.process.pid!).cpuMs;
    const postgresBefore = postgresProcesses();
    const machineBefore = machineBusyMs();
    const requestsBefore = await simRequests(sim);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, processStats(pids[0]!).rssBytes);
    }, 100);
    const start = performance.now();
    let stage: Awaited<ReturnType<typeof waitForStage>>;
    try {
      const { judgePairs } = await gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId });
      stage = await waitForStage(gql, judgePairs.id, 20);
    } finally {
      // (also when the stage could not be run: the service may be gone, and its /proc entry with it)
      clearInterval(sampler);
    }
    const wallMs = performance.now() - start;
    const after = pids.map(processStats);
    const cpuMs = {
      service: after.map((s, i) => s.cpuMs - before[i]!.cpuMs),
      simulator: processStats(sim.process.pid!).cpuMs - simBefore,
      postgres: postgresCpuMs(postgresBefore),
      machine: machineBusyMs() - machineBefore,
    };
    peak = Math.max(peak, after[0]!.rssBytes);
    const { iteration } = await gql<{ iteration: { stats: { judgments: number } } }>('query ($id: ID!) { iteration(id: $id) { stats { judgments } } }', { id: iterationId });
    return {
      pairs: stage.total / 2,
      judgments: iteration.stats.judgments,
      requests: (await simRequests(sim)) - requestsBefore,
      wallMs,
      serviceCpuMs: cpuMs.service.reduce((sum, ms) => sum + ms, 0),
      peakRssBytes: peak,
      idleRssBytes,
      startupPeakRssBytes,
      failed: stage.failed,
      cpuMs,
    };
  } finally {
    for (const w of workers) await w.stop();
    await service.stop();
    await sim.stop();
    await database.drop();
  }
}

/**
 * The ceiling: a bare `openai` client loop sending the same judge prompts at the same concurrency,
 * counting completions per second (no database, no queue).
 */
export async function bareClient(requests: number, concurrency: number, n: number): Promise<{ completionsPerSecond: number; cpuMsPerCompletion: number }> {
  const sim = await startSimulatorProcess({ SIM_LOG_REQUESTS: '0' });
  try {
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'sim', maxRetries: 0 });
    const prompts = syntheticInstructions(256).map((q) => judgePrompt(DEFAULT_JUDGE_TEMPLATE, q, `An answer to: ${q}`, `An answer to a related question.`));
    let next = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const i = next++;
          await client.chat.completions.create({ model: 'sim-judge', messages: prompts[i % prompts.length]!, n, temperature: 0.7, max_tokens: 256, seed: i });
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return { completionsPerSecond: (requests * n) / seconds, cpuMsPerCompletion: (used.user + used.system) / 1000 / (requests * n) };
  } finally {
    await sim.stop();
  }
}

/**
 * Queries at size: `judgments` synthetic judgments written with SQL into a fresh database, then
 * p95 of the API's first page and a deep page of 100 filtered judgments, and of an iteration's stats.
 */
export async function queriesAtSize(databaseServer: string, judgments: number, repeats: number): Promise<Record<string, number>> {
  const database = await freshDatabase(databaseServer, 'queries');
  const service = await startService({ DATABASE_URL: database.url, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, 'api');
  const client = new pg.Client({ connectionString: database.url });
  client.on('error', () => {});
  await client.connect();
  try {
    const pairs = Math.ceil(judgments / 16);
    await client.query(`insert into experiments (name, config) values ('bench', '{"samplesPerOrder": 8}')`);
    await client.query(`insert into instructions (experiment_id, text, text_hash) select 1, 'instruction ' || g, md5(g::text) from generate_series(1, $1) g`, [pairs]);
    await client.query(
      `insert into pairs (experiment_id, instruction_id, status, chosen, rejected) select 1, g, 'READY', 'good answer ' || g, 'other answer ' || g from generate_series(1, $1) g`,
      [pairs],
    );
    await client.query(`insert into iterations (experiment_id, index, judge_model, status, last_seq) values (1, 1, 'sim-judge', 'RUNNING', $1)`, [judgments]);
    await client.query(
      `insert into judgments (iteration_id, pair_id, "order", sample, seq, reasoning, verdict, correct, model, prompt_tokens, completion_tokens)
       select 1, 1 + (g - 1) / 16, case when ((g - 1) / 8) % 2 = 0 then 'CHOSEN_FIRST' else 'CHOSEN_SECOND' end, (g - 1) % 8, g,
              'Reasoning about both answers, number ' || g || '. [[' || v || ']]', v,
              (v = 'A') = (((g - 1) / 8) % 2 = 0), 'sim-judge', 400, 120
       from (select g, case when g % 7 = 0 then 'B' when g % 5 = 0 then 'UNPARSEABLE' else 'A' end as v from generate_series(1, $1) g) s`,
      [judgments],
    );
    // Written around insertJudgments, so the iteration's counters are set from the rows, as the
    // migration that introduced them does for an upgraded database.
    await rebuildIterationCounters(drizzle(client) as unknown as Db, 1);
    await client.query('analyze');
    const gql = graphql(service.url);
    const { iteration } = await gql<{ iteration: { stats: { judgments: number } } }>('{ iteration(id: "1") { stats { judgments } } }');
    if (iteration.stats.judgments !== judgments) throw new Error(`stats report ${iteration.stats.judgments} judgments, ${judgments} stored`);
    const time = async (query: string, variables: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < repeats; i += 1) {
        const start = performance.now();
        await gql(query, variables);
        samples.push(performance.now() - start);
      }
      samples.sort((a, b) => a - b);
      return samples[Math.min(samples.length - 1, Math.ceil(0.95 * samples.length) - 1)]!;
    };
    const page = 'query ($after: String) { iteration(id: "1") { judgments(first: 100, after: $after, filter: { verdict: A, correct: true }) { edges { cursor node { seq verdict reasoning } } } } }';
    const deepCursor = Buffer.from(`c:${Math.floor(judgments * 0.9)}`).toString('base64url');
    return {
      firstPageP95Ms: await time(page, {}),
      deepPageP95Ms: await time(page, { after: deepCursor }),
      statsP95Ms: await time('{ iteration(id: "1") { stats { judgments correct incorrect unparseable selected pairOrdersWithoutCorrect promptTokens } } }', {}),
    };
  } finally {
    await client.end();
    await service.stop();
    await database.drop();
  }
}
