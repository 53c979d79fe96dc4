/**
 * DEFAULT_TOKEN_BUDGET: costly work counts against a budget even when no experiment sets one: the
 * stages of an experiment without tokenBudget (runLoop's included), over all of them, and an
 * evaluation outside any experiment (evaluateJudge with a bare model), on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, stageReader, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

type StageView = { id: string; status: string; total: number; done: number; message: string | null; promptTokens: number; completionTokens: number };
const STAGE = 'id status total done message promptTokens completionTokens';
const INSTRUCTIONS = Array.from({ length: 12 }, (_, i) => JSON.stringify({ instruction: `Explain idea number ${i + 1} of thermodynamics with an everyday example.` })).join('\n');
const BUDGET = 1;

describe.skipIf(NO_DATABASE)(`the default token budget (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    // One small batch at a time, so that the budget is reached with most of a stage still to do.
    app = await startTestApp({ DEFAULT_TOKEN_BUDGET: String(BUDGET), WORKER_JOB_CONCURRENCY: '1', WORKER_BATCH_SIZE: '2' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const { stage, waitFor } = stageReader<StageView>(() => app, STAGE);
  const used = (s: StageView) => (s.promptTokens + s.completionTokens).toLocaleString('en-US');

  it("pauses runLoop's first stage in an experiment without tokenBudget, refuses resumeStage, and resumes once the experiment has a budget", async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "no budget", config: { samplesPerOrder: 1 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    const first = await eventually(async () => {
      const { experiment } = dataOf(await app.gql<{ experiment: { stages: StageView[] } }>(`query ($id: ID!) { experiment(id: $id) { stages { ${STAGE} } } }`, { id }));
      return experiment.stages.find((s) => s.status === 'PAUSED');
    }, 60_000);
    expect(first.message).toBe(
      `paused: the server's default token budget of ${BUDGET} for an experiment without tokenBudget (DEFAULT_TOKEN_BUDGET) is reached (${used(first)} tokens used); give the experiment a budget with setTokenBudget to resume`,
    );
    expect(first.done).toBeLessThan(first.total);

    const refused = await app.gql('mutation ($id: ID!) { resumeStage(stageId: $id) { id } }', { id: first.id });
    expect(refused.errors?.[0]).toMatchObject({ message: `stage ${first.id} is ${first.message}`, extensions: { code: 'CONFLICT', field: 'stageId' } });

    dataOf(await app.gql('mutation ($id: ID!) { setTokenBudget(experimentId: $id, tokenBudget: 1000000000) { id } }', { id }));
    const resumed = await eventually(async () => {
      const s = await stage(first.id);
      return s.status !== 'PAUSED' ? s : undefined;
    }, 60_000);
    expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(resumed.status);
    dataOf(await app.gql('mutation ($id: ID!) { setTokenBudget(experimentId: $id, tokenBudget: 1) { id } }', { id }));
  });

  it('pauses an evaluation of a bare model outside any experiment with its own message', async () => {
    const benchmark = dataOf(await app.gql<{ importBundledBenchmark: { benchmark: { id: string } } }>('mutation { importBundledBenchmark(name: "llmbar") { benchmark { id } } }')).importBundledBenchmark.benchmark;
    const evaluation = dataOf(
      await app.gql<{ evaluateJudge: { stage: { id: string } } }>('mutation ($b: ID!) { evaluateJudge(benchmarkId: $b, model: "sim-judge") { stage { id } } }', { b: benchmark.id }),
    ).evaluateJudge;
    const paused = await waitFor(evaluation.stage.id, 'PAUSED');
    expect(paused.message).toBe(
      `paused: the server's default token budget of ${BUDGET} for an evaluation outside an experiment (DEFAULT_TOKEN_BUDGET) is reached (${used(paused)} tokens used); raise DEFAULT_TOKEN_BUDGET and resumeStage, or cancelStage`,
    );
    expect(paused.done).toBeLessThan(paused.total);
    const refused = await app.gql('mutation ($id: ID!) { resumeStage(stageId: $id) { id } }', { id: paused.id });
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', field: 'stageId' });
    dataOf(await app.gql('mutation ($id: ID!) { cancelStage(stageId: $id) { id } }', { id: paused.id }));
  });
});
