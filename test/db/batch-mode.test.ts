/**
 * Execution BATCH: GENERATE_PAIRS and JUDGE through the simulator's Batch API (files + /v1/batches),
 * offline, against the same stages run ONLINE with the same seed; an expiring, failing batch whose
 * lines are sent again; and the unhappy inputs (an endpoint without /v1/batches, an unknown value).
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const TWELVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12).join('\n');

type Stage = { id: string; kind: string; status: string; error: string | null; total: number; done: number; failed: number };
type Iteration = { id: string; status: string; stats: { judgments: number } };
type Experiment = { loop: { status: string; error: string | null }; stages: Stage[]; iterations: Iteration[] };

const BATCH_ENV = { SIM_BATCH_MS: '100', BATCH_POLL_MS: '50', LLM_CONCURRENCY: '8', WORKER_JOB_CONCURRENCY: '4' };

/** A one-iteration loop with `config`; returns the experiment once the loop stopped, and its judgments (export lines, canonical). */
async function runLoop(app: TestApp, config: Record<string, unknown>): Promise<{ id: string; experiment: Experiment; judgments: string[] }> {
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($c: ExperimentConfigInput) { createExperiment(name: "batch", config: $c) { id } }', { c: { samplesPerOrder: 2, seed: 5, ...config } })).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE }));
  dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
  const experiment = await eventually(async () => {
    const data = dataOf(await app.gql<{ experiment: Experiment }>(
      `query ($id: ID!) { experiment(id: $id) { loop { status error } stages { id kind status error total done failed } iterations { id status stats { judgments } } } }`,
      { id },
    ));
    return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
  }, 120_000, 200);
  const judgments: string[] = [];
  for (const iteration of experiment.iterations) {
    const response = await fetch(app.url.replace('/graphql', `/exports/iterations/${iteration.id}/judgments.jsonl`));
    expect(response.status).toBe(200);
    const lines = (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    judgments.push(...lines.map((l) => JSON.stringify([l.instruction, l.order, l.sample, l.verdict, l.correct, l.reasoning])));
  }
  return { id, experiment, judgments: judgments.sort() };
}

const stageOf = (r: { experiment: Experiment }, kind: string) => r.experiment.stages.find((s) => s.kind === kind)!;

describe.skipIf(NO_DATABASE)(`execution BATCH through the simulator's Batch API (${TEST_DB})`, () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const app = await startTestApp({ ...BATCH_ENV, ...env });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });

  it('runs a whole loop with GENERATE_PAIRS and JUDGE in batches, storing what the same seed stores online', async () => {
    const app = await start();
    const sim = app.simulator!;
    const online = await runLoop(app, { execution: 'ONLINE' });
    expect(online.experiment.loop.status).toBe('SUCCEEDED');
    expect(sim.stats().batches.created).toBe(0);
    const judgeRequestsOnline = sim.stats().requests.byKind.judge;
    expect(judgeRequestsOnline).toBeGreaterThan(0);

    const batch = await runLoop(app, { execution: 'BATCH' });
    expect(batch.experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    // No judge request went online: every one was a batch line.
    expect(sim.stats().requests.byKind.judge).toBe(judgeRequestsOnline);
    const stats = sim.stats().batches;
    // GENERATE_PAIRS: y_w (round 0), then the y_l prompt that shows y_w (round 1); JUDGE: one round.
    expect(stats.created).toBe(3);
    expect(stats.completed).toBe(3);
    expect(stats.errorLines).toBe(0);
    const judge = stageOf(batch, 'JUDGE');
    expect(judge.status).toBe('SUCCEEDED');
    expect(judge.failed).toBe(0);
    expect(judge.done).toBe(judge.total);
    expect(judge.total).toBe(stageOf(online, 'JUDGE').total);
    expect(batch.judgments.length).toBe(judge.total * 2);
    expect(batch.experiment.iterations[0]!.stats.judgments).toBe(judge.total * 2);
    // The simulator answers a batch line as it answers the same request online.
    expect(batch.judgments).toEqual(online.judgments);
  }, 180_000);

  it('sends the lines of expired and failed batches again and stores every judgment exactly once', async () => {
    const app = await start({ SIM_BATCH_EXPIRE_RATE: '0.3', SIM_BATCH_ERROR_RATE: '0.1', BATCH_MAX_ATTEMPTS: '8' });
    const sim = app.simulator!;
    const run = await runLoop(app, { execution: 'BATCH' });
    expect(run.experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const stats = sim.stats().batches;
    expect(stats.expired).toBeGreaterThan(0);
    expect(stats.expiredLines).toBeGreaterThan(0);
    expect(stats.errorLines).toBeGreaterThan(0);
    const judge = stageOf(run, 'JUDGE');
    expect(judge).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
    expect(judge.done).toBe(judge.total);
    // Two samples per (pair, order), each stored once.
    expect(run.judgments.length).toBe(judge.total * 2);
    const keys = run.judgments.map((j) => JSON.stringify((JSON.parse(j) as unknown[]).slice(0, 3)));
    expect(new Set(keys).size).toBe(keys.length);
  }, 180_000);

  it('sends the retries online when batchRetry is ONLINE', async () => {
    const app = await start({ SIM_BATCH_ERROR_RATE: '0.3' });
    const sim = app.simulator!;
    const run = await runLoop(app, { execution: 'BATCH', batchRetry: 'ONLINE' });
    expect(run.experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const stats = sim.stats().batches;
    expect(stats.errorLines).toBeGreaterThan(0);
    // Retries went online: no batch beyond the first of each round.
    expect(stats.created).toBe(3);
    expect(sim.stats().requests.total).toBeGreaterThan(0);
    const judge = stageOf(run, 'JUDGE');
    expect(judge).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
    expect(run.judgments.length).toBe(judge.total * 2);
  }, 180_000);

  it('fails the stage at its start with a clear error when the endpoint has no /v1/batches', async () => {
    const app = await start({ SIM_BATCHES: 'false' });
    const run = await runLoop(app, { execution: 'BATCH' });
    expect(run.experiment.loop.status).toBe('FAILED');
    const pairs = stageOf(run, 'GENERATE_PAIRS');
    expect(pairs.status).toBe('FAILED');
    expect(pairs.error).toContain('the endpoint check before sending failed: endpoint "default" has no Batch API (GET /batches answered HTTP 404');
    expect(pairs.error).toContain('set execution ONLINE');
    expect(pairs.done).toBe(0);
    expect(app.simulator!.stats().requests.byKind.answer).toBe(0);
  }, 60_000);

  it('refuses an unknown execution value and stores nothing', async () => {
    const app = await start();
    const bad = await app.gql('mutation ($c: ExperimentConfigInput) { createExperiment(name: "bad", config: $c) { id } }', { c: { execution: 'SOMETIMES' } });
    expect(bad.data ?? null).toBeNull();
    expect(bad.errors?.[0]?.message).toContain('Value "SOMETIMES" does not exist in "Execution" enum');
    const listed = dataOf(await app.gql<{ experiments: { totalCount: number } }>('{ experiments { totalCount } }'));
    expect(listed.experiments.totalCount).toBe(0);
  }, 60_000);
});
