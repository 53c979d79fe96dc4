/**
 * `npm start` (role all) on PostgreSQL runs its worker in a thread of its own (WORKER_THREAD auto):
 * the stages run there, with the simulator it starts when no endpoint is set; the API on the main
 * thread serves one /metrics with both sides' counts; SIGTERM stops both; a thread that cannot
 * start ends the start with the same line as without it.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freshDatabase, TEST_DB } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/app.js';
import { parsePrometheusText } from '../helpers/prom-text.js';
import { spawnService, startService, stopAll } from '../helpers/service-process.js';
import type { StartedService } from '../helpers/service-process.js';

const TWENTY = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');
const THREAD_LINE = '; worker: in a thread of its own';

describe.skipIf(TEST_DB !== 'postgres' || !process.env.DATABASE_URL)('the worker thread of --role all on PostgreSQL', () => {
  let database: TestDatabase;
  let service: StartedService;

  beforeAll(async () => {
    database = await freshDatabase();
    service = await startService({ DATABASE_URL: database.url!, WORKER_BATCH_SIZE: '8' });
  }, 60_000);
  afterAll(async () => {
    await stopAll();
    await database?.drop();
  });

  it('runs the stages in the thread and serves one /metrics with its counts', async () => {
    expect(service.output()).toContain(`database: postgres; endpoint: simulator${THREAD_LINE}\n`);
    const { gql } = service;
    const { id } = (await gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "thread", config: { samplesPerOrder: 2 }) { id } }')).createExperiment;
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY });
    type Stage = { status: string; total: number; done: number };
    const finished = (stageId: string) =>
      eventually(async () => {
        const { stage } = await gql<{ stage: Stage }>('query ($id: ID!) { stage(id: $id) { status total done } }', { id: stageId });
        return stage.status === 'SUCCEEDED' ? stage : undefined;
      }, 60_000, 100);
    const pairs = await finished((await gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id);
    const iterationId = (await gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
    const judge = await finished((await gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId })).judgePairs.id);
    const { iteration } = await gql<{ iteration: { stats: { judgments: number } } }>('query ($id: ID!) { iteration(id: $id) { stats { judgments } } }', { id: iterationId });
    expect(pairs.total).toBe(20);
    expect(judge.total).toBeGreaterThan(0);
    expect(iteration.stats.judgments).toBe(judge.total * 2);

    const response = await fetch(service.url.replace(/\/graphql$/, '/metrics'));
    expect(response.status).toBe(200);
    const metrics = parsePrometheusText(await response.text());
    const values = (name: string, labels: Record<string, string> = {}) =>
      metrics.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
    // The worker thread's counters, read through the API's /metrics.
    expect(values('ste_stage_items_total', { kind: 'GENERATE_PAIRS', outcome: 'done' })).toEqual([pairs.total]);
    expect(values('ste_stage_items_total', { kind: 'JUDGE', outcome: 'done' })).toEqual([judge.total]);
    expect(values('ste_llm_request_duration_seconds_count', { endpoint: 'default', model: 'sim-judge' })).toEqual([judge.total]);
    // Process-wide figures and the queue's depth once, not once per thread.
    expect(values('process_start_time_seconds')).toHaveLength(1);
    expect(values('nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
    expect(values('ste_queue_depth', { queue: 'stage-batch' })).toEqual([0]);
    expect(values('ste_llm_in_flight', { endpoint: 'default' })).toEqual([0]);
    // The limiter's gauge from the worker's side only (summed with the API's it would read 128).
    expect(values('ste_llm_concurrency_limit', { endpoint: 'default' })).toEqual([64]);
    // The worker thread's own event-loop lag, beside the main thread's.
    const lag = values('ste_worker_thread_eventloop_lag_seconds', { quantile: 'p99' });
    expect(lag).toHaveLength(1);
    expect(lag[0]).toBeGreaterThan(0);
  });

  it('stops both sides on SIGTERM, exit code 0', async () => {
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).not.toMatch(/failed|error/i);
  });
});

describe.skipIf(TEST_DB !== 'postgres' || !process.env.DATABASE_URL)('WORKER_THREAD', () => {
  // One database for these starts, each stopped before the next.
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await stopAll();
    await database?.drop();
  });

  it('off: the worker runs on the main thread, as on PGlite', async () => {
    const service = await startService({ DATABASE_URL: database.url!, WORKER_THREAD: 'off' });
    expect(service.output()).toContain('database: postgres; endpoint: simulator\n');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it("wakes the thread's idle workers when the API thread queues a stage's jobs, instead of leaving them to the next poll", async () => {
    // An idle worker polls once a minute here: without the wake, the stage below would wait for that poll.
    const service = await startService({ DATABASE_URL: database.url!, QUEUE_POLL_MS: '60000' });
    expect(service.output()).toContain(THREAD_LINE);
    const { gql } = service;
    const { id } = (await gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "wake", config: { samplesPerOrder: 1 }) { id } }')).createExperiment;
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY.split('\n').slice(0, 4).join('\n') });
    const stageId = (await gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    const stage = await eventually(async () => {
      const { stage: s } = await gql<{ stage: { status: string; done: number } }>('query ($id: ID!) { stage(id: $id) { status done } }', { id: stageId });
      return s.status === 'SUCCEEDED' ? s : undefined;
    }, 20_000, 100);
    expect(stage).toEqual({ status: 'SUCCEEDED', done: 4 });
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('with a configured endpoint: starts, serves one /metrics with the thread\'s gauges, and stops on SIGTERM', async () => {
    // Nothing listens there: no request is sent while no stage runs.
    const service = await startService({ DATABASE_URL: database.url!, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', JUDGE_MODEL: 'j', GENERATOR_MODEL: 'g' });
    expect(service.output()).toContain(`database: postgres; endpoint: http://127.0.0.1:9/v1${THREAD_LINE}\n`);
    const metrics = parsePrometheusText(await (await fetch(service.url.replace(/\/graphql$/, '/metrics'))).text());
    expect(metrics.samples.filter((m) => m.name === 'ste_llm_concurrency_limit').map((m) => [m.labels.endpoint, m.value])).toEqual([['default', 64]]);
    expect(metrics.types.get('ste_worker_thread_eventloop_lag_seconds')).toBe('gauge');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('ends a start whose port is taken with the line and exit code it has without the thread', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const env = { DATABASE_URL: database.url!, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', PORT: String((taken.address() as net.AddressInfo).port) };
      const threaded = spawnService(env);
      expect(await threaded.exited).toBe(1);
      const plain = spawnService({ ...env, WORKER_THREAD: 'off' });
      expect(await plain.exited).toBe(1);
      expect(plain.output()).toMatch(/^self-taught-evaluator: .*in use.*\n$/);
      expect(threaded.output()).toBe(plain.output());
    } finally {
      taken.close();
    }
  });

  it('ends a start whose database is unreachable with the line and exit code it has without the thread', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    const threaded = spawnService(env);
    const plain = spawnService({ ...env, WORKER_THREAD: 'off' });
    expect(await threaded.exited).toBe(1);
    expect(await plain.exited).toBe(1);
    expect(plain.output()).toMatch(/^self-taught-evaluator: .*127\.0\.0\.1:1.*\n$/);
    expect(threaded.output()).toBe(plain.output());
  });
});
