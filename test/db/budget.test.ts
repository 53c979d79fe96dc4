import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, stageReader, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

type StageView = { id: string; status: string; total: number; done: number; failed: number; message: string | null; promptTokens: number; completionTokens: number };

const INSTRUCTIONS = Array.from({ length: 12 }, (_, i) => JSON.stringify({ instruction: `Explain idea number ${i + 1} of thermodynamics with an everyday example.` })).join('\n');
const STAGE = 'id status total done failed message promptTokens completionTokens';

describe.skipIf(NO_DATABASE)(`token budgets (${TEST_DB})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    // One small batch at a time, so that the budget is reached with most of the stage still to do.
    app = await startTestApp({ SIM_LATENCY_MS: '20', WORKER_JOB_CONCURRENCY: '1', WORKER_BATCH_SIZE: '2' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const { stage, waitFor } = stageReader<StageView>(() => app, STAGE);

  it('pauses a running stage when the budget is reached, and resumes it when the budget is raised', async () => {
    const { createExperiment } = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "budget", config: { samplesPerOrder: 2 }) { id } }`));
    const id = createExperiment.id;
    dataOf(await app.gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, { id, content: INSTRUCTIONS }));
    const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id })).generatePairs;
    const generated = await waitFor(pairs.id, 'SUCCEEDED');
    const iteration = dataOf(await app.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id })).startIteration;

    // A budget just above what pair generation used: the first judge batch reaches it.
    const used = generated.promptTokens + generated.completionTokens;
    const set = dataOf(await app.gql<{ setTokenBudget: { config: { tokenBudget: number | null } } }>(
      `mutation ($id: ID!, $budget: Float) { setTokenBudget(experimentId: $id, tokenBudget: $budget) { config { tokenBudget } } }`,
      { id, budget: used + 1 },
    ));
    expect(set.setTokenBudget.config.tokenBudget).toBe(used + 1);
    const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iteration.id })).judgePairs;
    const paused = await waitFor(judge.id, 'PAUSED');
    expect(paused.message).toMatch(/token budget of [\d,]+ is reached .*setTokenBudget/);
    expect(paused.done).toBeGreaterThan(0);
    expect(paused.done).toBeLessThan(paused.total);

    const refused = await app.gql(`mutation ($id: ID!) { resumeStage(stageId: $id) { id } }`, { id: judge.id });
    expect(refused.errors?.[0]?.message).toMatch(/token budget/);
    expect((await stage(judge.id)).status).toBe('PAUSED');

    dataOf(await app.gql(`mutation ($id: ID!) { setTokenBudget(experimentId: $id, tokenBudget: null) { id } }`, { id }));
    const done = await waitFor(judge.id, 'SUCCEEDED');
    expect(done).toMatchObject({ done: done.total, failed: 0, message: null });
    const stats = dataOf(await app.gql<{ iteration: { stats: { judgments: number } } }>(`query ($id: ID!) { iteration(id: $id) { stats { judgments } } }`, { id: iteration.id }));
    expect(stats.iteration.stats.judgments).toBe(done.total * 2);
  });

  it('refuses a budget that is not a positive number of tokens', async () => {
    const { createExperiment } = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "bad budget") { id } }`));
    const response = await app.gql(`mutation ($id: ID!) { setTokenBudget(experimentId: $id, tokenBudget: 0) { id } }`, { id: createExperiment.id });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tokenBudget' });
  });
});
