/**
 * Execution BATCH: GENERATE_PAIRS and JUDGE through the simulator's Batch API (files + /v1/batches),
 * offline, against the same stages run ONLINE with the same seed; an expiring, failing batch whose
 * lines are sent again; and the unhappy inputs (an endpoint without /v1/batches, an unknown value).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/server.js';
import { evaluate, exportedVerdicts, finished, importBundled } from '../helpers/evaluation.js';
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

  it("sends JUDGE's extra negatives (DPO) in a second batch, storing what the same seed stores online", async () => {
    const app = await start();
    const sim = app.simulator!;
    const dpo = { training: { method: 'DPO', dpo: { extraNegatives: { samples: 2, temperature: 1 } } } };
    const online = await runLoop(app, { execution: 'ONLINE', ...dpo });
    expect(online.experiment.loop.status).toBe('SUCCEEDED');
    const batch = await runLoop(app, { execution: 'BATCH', ...dpo });
    expect(batch.experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    // GENERATE_PAIRS' two rounds, then JUDGE's: the judgments, then the extra draws of the items without a negative.
    expect(sim.stats().batches.created).toBe(4);
    expect(batch.judgments.length).toBeGreaterThan(stageOf(batch, 'JUDGE').total * 2);
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
    // The tokens of the lines re-sent online are billed ONLINE (no batch discount), the rest BATCH,
    // and together they are the stage's tokens.
    const { rows } = await app.database.executeSql(
      'select execution, prompt_tokens::float8 as prompt, completion_tokens::float8 as completion from stage_usage where stage_id = $1 order by execution',
      [Number(judge.id)],
    );
    expect(rows.map((r) => r.execution)).toEqual(['BATCH', 'ONLINE']);
    for (const row of rows) expect(Number(row.prompt)).toBeGreaterThan(0);
    const tokens = dataOf(await app.gql<{ stage: { promptTokens: number; completionTokens: number } }>('query ($id: ID!) { stage(id: $id) { promptTokens completionTokens } }', { id: judge.id })).stage;
    expect(rows.reduce((sum, r) => sum + Number(r.prompt), 0)).toBe(tokens.promptTokens);
    expect(rows.reduce((sum, r) => sum + Number(r.completion), 0)).toBe(tokens.completionTokens);
  }, 180_000);

  it('cancels the provider batch with its stage, and a resumed stage submits its items anew', async () => {
    // Batches that would take 10 minutes: the stage is cancelled while its batch runs.
    const app = await start({ SIM_BATCH_MS: '600000' });
    const sim = app.simulator!;
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($c: ExperimentConfigInput) { createExperiment(name: "cancel", config: $c) { id } }', { c: { execution: 'BATCH' } })).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE }));
    const stageId = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    await eventually(async () => (sim.stats().batches.created === 1 ? true : undefined), 30_000, 50);
    const cancelled = dataOf(await app.gql<{ cancelStage: { status: string } }>('mutation ($s: ID!) { cancelStage(stageId: $s) { status } }', { s: stageId }));
    expect(cancelled.cancelStage.status).toBe('CANCELLED');
    await eventually(async () => (sim.stats().batches.cancelled === 1 ? true : undefined), 30_000, 50);
    expect(sim.stats().batches).toMatchObject({ created: 1, cancelled: 1, completed: 0 });

    sim.setOptions({ batchMs: 100 });
    dataOf(await app.gql('mutation ($s: ID!) { resumeStage(stageId: $s) { id } }', { s: stageId }));
    const stage = await eventually(async () => {
      const data = dataOf(await app.gql<{ stage: Stage }>('query ($s: ID!) { stage(id: $s) { id kind status error total done failed } }', { s: stageId }));
      return ['SUCCEEDED', 'FAILED'].includes(data.stage.status) ? data.stage : undefined;
    }, 60_000, 100);
    expect(stage).toMatchObject({ status: 'SUCCEEDED', error: null, total: 12, done: 12, failed: 0 });
    // The resumed stage's two rounds (y_w, then y_l); the cancelled batch was not polled again.
    expect(sim.stats().batches).toMatchObject({ created: 3, cancelled: 1, completed: 2 });
    const listed = dataOf(await app.gql<{ stage: { providerBatches: { batchId: string; round: number; part: number; endpoint: string; lines: number; status: string; outputFileId: string | null }[] } }>(
      'query ($s: ID!) { stage(id: $s) { providerBatches { batchId round part endpoint lines status outputFileId } } }',
      { s: stageId },
    )).stage.providerBatches;
    expect(listed.map(({ round, part, endpoint, lines, status }) => ({ round, part, endpoint, lines, status }))).toEqual([
      { round: 0, part: 0, endpoint: 'default', lines: 12, status: 'cancelled' },
      { round: 0, part: 0, endpoint: 'default', lines: 12, status: 'completed' },
      { round: 1, part: 0, endpoint: 'default', lines: 12, status: 'completed' },
    ]);
    expect(listed.every((b) => /^batch_[0-9a-f]{24}$/.test(b.batchId))).toBe(true);
    expect(listed[0]!.outputFileId).toBeNull();
    expect(listed[2]!.outputFileId).toMatch(/^file-/);
  }, 120_000);

  it('splits a round into batches under the endpoint\'s line limit (batchMaxLines)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-batch-limits-'));
    const sim = await startSimulator({ batchMs: 50 });
    try {
      const file = path.join(dir, 'ste.json');
      writeFileSync(file, JSON.stringify({ endpoints: { small: { baseUrl: sim.url, batchMaxLines: 5 } } }));
      const app = await start({ OPENAI_BASE_URL: sim.url, STE_CONFIG: file });
      const run = await runLoop(app, { execution: 'BATCH', generatorModel: 'sim-generator', judgeModel: 'sim-judge', endpoints: { generator: 'small', judge: 'small' } });
      expect(run.experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
      const judge = stageOf(run, 'JUDGE');
      expect(judge).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
      // 12 y_w lines (3 batches), 12 y_l lines (3 batches), then one line per ready pair and order in batches of 5.
      expect(sim.stats().batches.created).toBe(3 + 3 + Math.ceil(judge.total / 5));
      expect(sim.stats().batches.lines).toBe(12 + 12 + judge.total);
      expect(run.judgments.length).toBe(judge.total * 2);
    } finally {
      await sim.close();
    }
  }, 120_000);

  it("runs EVALUATE of an experiment's judge in batches, with the verdicts the same evaluation gives online", async () => {
    const app = await start();
    const sim = app.simulator!;
    const benchmark = await importBundled(app, 'llmeval2');
    const verdictsOf = async (execution: string) => {
      const experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($c: ExperimentConfigInput) { createExperiment(name: "eval", config: $c) { id } }', { c: { execution } })).createExperiment.id;
      const id = await evaluate(app, { benchmarkId: benchmark.benchmark.id, experimentId, options: { samples: 2, temperature: 0.7, seed: 3 } });
      const done = await finished(app, id);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.stage).toMatchObject({ total: 396, done: 396, failed: 0 });
      return (await exportedVerdicts(app, id)).map((v) => JSON.stringify([v.position, v.order, v.sample, v.verdict, v.reasoning])).sort();
    };
    const online = await verdictsOf('ONLINE');
    const judgeRequests = sim.stats().requests.byKind.judge;
    const batched = await verdictsOf('BATCH');
    expect(sim.stats().batches).toMatchObject({ created: 1, completed: 1, lines: 396 });
    expect(sim.stats().requests.byKind.judge).toBe(judgeRequests);
    expect(batched).toHaveLength(792);
    expect(batched).toEqual(online);
  }, 180_000);

  it('runs one stage in batches when its command says so, in an ONLINE experiment', async () => {
    const app = await start();
    const sim = app.simulator!;
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "override", config: { samplesPerOrder: 2 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE }));
    const waitFor = async (stageId: string) =>
      eventually(async () => {
        const data = dataOf(await app.gql<{ stage: Stage }>('query ($s: ID!) { stage(id: $s) { id kind status error total done failed } }', { s: stageId }));
        return ['QUEUED', 'RUNNING'].includes(data.stage.status) ? undefined : data.stage;
      }, 60_000, 100);
    const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    expect(await waitFor(pairs)).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
    expect(sim.stats().batches.created).toBe(0);
    const iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
    const judgeId = dataOf(await app.gql<{ judgePairs: { id: string } }>('mutation ($i: ID!) { judgePairs(iterationId: $i, execution: BATCH) { id } }', { i: iterationId })).judgePairs.id;
    const judge = await waitFor(judgeId);
    expect(judge).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
    expect(judge.done).toBe(judge.total);
    expect(sim.stats().batches).toMatchObject({ created: 1, completed: 1, lines: judge.total });
    expect(sim.stats().requests.byKind.judge).toBe(0);
  }, 120_000);

  it('sends the lines again when the provider no longer knows a batch (a simulator restarted without its state)', async () => {
    const first = await startSimulator({ batchMs: 600_000 });
    let second: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      const app = await start({ OPENAI_BASE_URL: first.url });
      const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($c: ExperimentConfigInput) { createExperiment(name: "lost", config: $c) { id } }', { c: { execution: 'BATCH', generatorModel: 'sim-generator', judgeModel: 'sim-judge' } })).createExperiment.id;
      dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE }));
      const stageId = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
      await eventually(async () => (first.stats().batches.created === 1 ? true : undefined), 30_000, 50);
      await first.close();
      // The same address, a fresh simulator: it answers 404 for the batch the stage polls.
      second = await startSimulator({ port: first.port, batchMs: 50 });
      const stage = await eventually(async () => {
        const data = dataOf(await app.gql<{ stage: Stage }>('query ($s: ID!) { stage(id: $s) { id kind status error total done failed } }', { s: stageId }));
        return ['SUCCEEDED', 'FAILED'].includes(data.stage.status) ? data.stage : undefined;
      }, 60_000, 100);
      expect(stage).toMatchObject({ status: 'SUCCEEDED', error: null, total: 12, done: 12, failed: 0 });
      expect(second.stats().batches).toMatchObject({ created: 2, completed: 2, lines: 24 });
    } finally {
      await first.close();
      await second?.close();
    }
  }, 120_000);

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
