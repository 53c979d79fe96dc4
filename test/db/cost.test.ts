import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, stageReader, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { addUsage } from '../../src/db/stage-usage-repo.js';
import { addProgress } from '../../src/db/stages-repo.js';

type Money = { amount: string; value: number; currency: string };
type StageView = { id: string; kind: string; status: string; total: number; done: number; message: string | null; promptTokens: number; completionTokens: number; cost: Money | null; unpricedModels: string[] };

const INSTRUCTIONS = Array.from({ length: 12 }, (_, i) => JSON.stringify({ instruction: `Describe use number ${i + 1} of a lever in daily life, with one example.` })).join('\n');
const STAGE = 'id kind status total done message promptTokens completionTokens cost { amount value currency } unpricedModels';
// Micro-USD per million tokens (= pico-USD per token): the test's own integer arithmetic.
const GENERATOR = { input: 1_250_000n, output: 3_333_333n };
const JUDGE = { input: 150_000n, output: 600_001n };

/** USD text of pico-USD, trailing zeros dropped: what the API must say. */
function usd(pico: bigint): string {
  const digits = pico.toString().padStart(13, '0');
  const fraction = digits.slice(-12).replace(/0+$/, '');
  return `${digits.slice(0, -12)}${fraction ? `.${fraction}` : ''}`;
}
const costOf = (s: StageView, price: { input: bigint; output: bigint }) => BigInt(s.promptTokens) * price.input + BigInt(s.completionTokens) * price.output;

describe.skipIf(NO_DATABASE)(`cost in money (${TEST_DB})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-cost-'));
    const prices = path.join(dir, 'prices.json');
    // sim-judge is priced; a judge named otherwise (the unpriced case) is not.
    writeFileSync(prices, JSON.stringify({ prices: { default: { 'sim-generator': { inputPerMillion: 1.25, outputPerMillion: 3.333333 }, 'sim-judge': { inputPerMillion: '0.15', outputPerMillion: 0.600001, batchDiscount: 0.5 } } } }));
    // One small batch at a time, so that a budget is reached with most of a stage still to do.
    app = await startTestApp({ STE_PRICES: prices, SIM_LATENCY_MS: '5', WORKER_JOB_CONCURRENCY: '1', WORKER_BATCH_SIZE: '2' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const { stage, waitFor } = stageReader<StageView>(() => app, STAGE);
  const experimentWithPairs = async (name: string, config = '{ samplesPerOrder: 2 }') => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "${name}", config: ${config}) { id } }`)).createExperiment.id;
    dataOf(await app.gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, { id, content: INSTRUCTIONS }));
    const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id })).generatePairs;
    const generated = await waitFor(pairs.id, 'SUCCEEDED');
    const iteration = dataOf(await app.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id })).startIteration;
    return { id, generated, iterationId: iteration.id };
  };
  const judge = async (iterationId: string) => dataOf(await app.gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iterationId })).judgePairs.id;

  it('costs each stage its tokens x the price table, exactly, and sums them per iteration and experiment', async () => {
    const { id, generated, iterationId } = await experimentWithPairs('priced');
    const judged = await waitFor(await judge(iterationId), 'SUCCEEDED');
    expect(generated.promptTokens).toBeGreaterThan(0);
    expect(judged.completionTokens).toBeGreaterThan(0);
    expect(generated.cost).toEqual({ amount: usd(costOf(generated, GENERATOR)), value: Number(usd(costOf(generated, GENERATOR))), currency: 'USD' });
    expect(judged.cost?.amount).toBe(usd(costOf(judged, JUDGE)));
    expect(judged.unpricedModels).toEqual([]);

    const read = dataOf(await app.gql<{ experiment: { cost: Money; unpricedModels: string[]; iterations: { cost: Money }[] } }>(
      `query ($id: ID!) { experiment(id: $id) { cost { amount currency } unpricedModels iterations { cost { amount currency } } } }`,
      { id },
    )).experiment;
    expect(read.iterations).toEqual([{ cost: { amount: usd(costOf(judged, JUDGE)), currency: 'USD' } }]);
    expect(read.cost).toEqual({ amount: usd(costOf(generated, GENERATOR) + costOf(judged, JUDGE)), currency: 'USD' });
    expect(read.unpricedModels).toEqual([]);
  });

  it('gives usage recorded as BATCH the price table\'s batch discount', async () => {
    const { generated } = await experimentWithPairs('batch priced');
    // What batch mode records for lines ingested from a Batch API output file: the same tokens as
    // a BATCH usage line (written here as the runner's commit writes it, stage counts included).
    const batch = { promptTokens: 123_457, completionTokens: 9_876 };
    await addProgress(app.database.db, Number(generated.id), { done: 0, failed: 0, ...batch });
    await addUsage(app.database.db, Number(generated.id), { endpoint: 'default', model: 'sim-judge', execution: 'BATCH', ...batch });
    const after = await stage(generated.id);
    // sim-judge at 0.15 / 0.600001 per million, half off: exact to the last digit.
    const batchPico = (BigInt(batch.promptTokens) * JUDGE.input + BigInt(batch.completionTokens) * JUDGE.output) / 2n;
    expect(after.promptTokens).toBe(generated.promptTokens + batch.promptTokens);
    expect(after.cost?.amount).toBe(usd(costOf(generated, GENERATOR) + batchPico));
  });

  it('pauses a stage when the money budget is reached, with the amounts in its message, and resumes it when the budget is removed', async () => {
    const { id, generated, iterationId } = await experimentWithPairs('money budget');
    // Just above what generation cost, in whole micro-USD (a budget has at most 6 decimals): the first judge batch reaches it.
    const budget = usd(((costOf(generated, GENERATOR) + 999_999n) / 1_000_000n + 1n) * 1_000_000n);
    const set = dataOf(await app.gql<{ setMoneyBudget: { config: { moneyBudget: number } } }>(
      `mutation ($id: ID!, $budget: Float) { setMoneyBudget(experimentId: $id, moneyBudget: $budget) { config { moneyBudget } } }`,
      { id, budget: Number(budget) },
    ));
    expect(set.setMoneyBudget.config.moneyBudget).toBe(Number(budget));
    const judgeId = await judge(iterationId);
    const paused = await waitFor(judgeId, 'PAUSED');
    expect(paused.done).toBeGreaterThan(0);
    expect(paused.done).toBeLessThan(paused.total);
    const spent = usd(costOf(generated, GENERATOR) + costOf(paused, JUDGE));
    expect(paused.message).toBe(`paused: the experiment's money budget of ${budget} USD is reached (${spent} USD spent); raise it with setMoneyBudget to resume`);

    const refused = await app.gql(`mutation ($id: ID!) { resumeStage(stageId: $id) { id } }`, { id: judgeId });
    expect(refused.errors?.[0]?.message).toBe(`stage ${judgeId} is ${paused.message}`);

    dataOf(await app.gql(`mutation ($id: ID!) { setMoneyBudget(experimentId: $id, moneyBudget: null) { id } }`, { id }));
    const done = await waitFor(judgeId, 'SUCCEEDED');
    expect(done).toMatchObject({ done: done.total, message: null });
  });

  it('has no cost for usage without a price, names the model, and pauses a money budget it cannot keep', async () => {
    const { id, iterationId } = await experimentWithPairs('unpriced', '{ samplesPerOrder: 1, judgeModel: "sim-judge-unpriced", moneyBudget: 1000 }');
    const paused = await waitFor(await judge(iterationId), 'PAUSED');
    expect(paused.cost).toBeNull();
    expect(paused.unpricedModels).toEqual(['default/sim-judge-unpriced']);
    expect(paused.message).toBe(
      "paused: the experiment's money budget of 1000 USD cannot be kept: no price for default/sim-judge-unpriced in the price table; add the price or remove the budget with setMoneyBudget",
    );
    const read = dataOf(await app.gql<{ experiment: { cost: Money | null; unpricedModels: string[] } }>(`query ($id: ID!) { experiment(id: $id) { cost { amount } unpricedModels } }`, { id })).experiment;
    expect(read).toEqual({ cost: null, unpricedModels: ['default/sim-judge-unpriced'] });
  });

  it('refuses a money budget that is not a positive amount of USD', async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "bad money") { id } }`)).createExperiment.id;
    for (const budget of [0, -1, 0.0000001]) {
      const response = await app.gql(`mutation ($id: ID!, $b: Float) { setMoneyBudget(experimentId: $id, moneyBudget: $b) { id } }`, { id, b: budget });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'moneyBudget' });
    }
    const created = await app.gql(`mutation { createExperiment(name: "bad", config: { moneyBudget: -2 }) { id } }`);
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.moneyBudget' });
  });
});
