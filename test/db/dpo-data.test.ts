import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import * as judgmentsRepo from '../../src/db/judgments/index.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 24).join('\n');
const NUM_PAIRS = 3;

type Judgment = { id: string; pair_id: string; order: string; correct: boolean; verdict: string; reasoning: string };
type DpoLine = { prompt: { role: string; content: string }[]; chosen: { content: string }[]; rejected: { content: string }[] };

async function lines<T>(app: TestApp, iterationId: string, format: string): Promise<T[]> {
  const response = await fetch(app.url.replace('/graphql', `/exports/iterations/${iterationId}/${format}.jsonl`));
  expect(response.status).toBe(200);
  return (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

describe.skipIf(NO_DATABASE)(`DPO data as the released recipe prepares it (${TEST_DB})`, () => {
  let app: TestApp;
  let iterationId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const config = { samplesPerOrder: 4, temperature: 1, seed: 5, training: { dpo: { numPairs: NUM_PAIRS, beta: 0.2, nllScale: 1 } } };
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "dpo", config: $config) { id } }',
      { config },
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    const experiment = await eventually(async () => {
      const data = dataOf(await app.gql<{ experiment: { loop: { status: string }; iterations: { id: string }[] } }>(
        'query ($id: ID!) { experiment(id: $id) { loop { status } iterations { id } } }', { id },
      ));
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 120_000, 250);
    expect(experiment.loop.status).toBe('SUCCEEDED');
    iterationId = experiment.iterations[0]!.id;
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('balances A and B wins among items with a negative, gives numPairs combinations per item, and rejects only wrong, tie or unparseable judgments', async () => {
    const judgments = await lines<Judgment>(app, iterationId, 'judgments');
    const dpo = await lines<DpoLine>(app, iterationId, 'trl-dpo');
    // Items (pair, order) and their positives / negatives, from the raw judgments.
    const items = new Map<string, { order: string; pos: number; neg: number }>();
    for (const j of judgments) {
      const key = `${j.pair_id}:${j.order}`;
      const item = items.get(key) ?? { order: j.order, pos: 0, neg: 0 };
      items.set(key, item);
      if (j.correct) item.pos += 1;
      else item.neg += 1;
    }
    const eligible = [...items.values()].filter((i) => i.pos > 0 && i.neg > 0);
    const eligibleA = eligible.filter((i) => i.order === 'CHOSEN_FIRST').length;
    const eligibleB = eligible.length - eligibleA;
    expect(Math.min(eligibleA, eligibleB)).toBeGreaterThan(0);
    expect(eligibleA).not.toBe(eligibleB); // balancing has something to do
    expect([...items.values()].some((i) => i.pos > 0 && i.neg === 0)).toBe(true); // items without a negative exist

    // The DPO rows with the judgments they come from, in export order; the export's lines carry their texts.
    const judgmentById = new Map(judgments.map((j) => [j.id, j]));
    const iteration = dataOf(await app.gql<{ iteration: { index: number } }>('query ($id: ID!) { iteration(id: $id) { index } }', { id: iterationId })).iteration;
    const seeding = { seed: 5, iterationIndex: iteration.index };
    const plan = await judgmentsRepo.dpoPlan(app.database.db, Number(iterationId), { ...seeding, balance: true });
    expect([plan.eligibleAWins, plan.eligibleBWins]).toEqual([eligibleA, eligibleB]);
    const rows = await judgmentsRepo.dpoRows(app.database.db, Number(iterationId), plan.items, { ...seeding, numPairs: NUM_PAIRS });
    expect(dpo.map((l) => [l.chosen[0]!.content, l.rejected[0]!.content])).toEqual(rows.map((r) => [r.positive, r.negative]));
    const perItem = new Map<string, number>();
    const combos = new Set<string>();
    for (const row of rows) {
      const positive = judgmentById.get(String(row.positiveId))!;
      const negative = judgmentById.get(String(row.negativeId))!;
      expect(positive.correct).toBe(true);
      expect(negative.correct).toBe(false);
      expect(negative.verdict).not.toBe(row.order === 'CHOSEN_FIRST' ? 'A' : 'B');
      const key = `${row.pairId}:${row.order}`;
      expect([`${positive.pair_id}:${positive.order}`, `${negative.pair_id}:${negative.order}`]).toEqual([key, key]);
      combos.add(`${row.positiveId}/${row.negativeId}`);
      perItem.set(key, (perItem.get(key) ?? 0) + 1);
    }
    expect(combos.size).toBe(rows.length); // distinct (correct, negative) combinations
    const keptA = [...perItem.keys()].filter((k) => k.endsWith('CHOSEN_FIRST')).length;
    const keptB = perItem.size - keptA;
    expect(keptA).toBe(Math.min(eligibleA, eligibleB));
    expect(keptB).toBe(keptA);
    for (const [key, n] of perItem) {
      const item = items.get(key)!;
      expect(n).toBe(Math.min(NUM_PAIRS, item.pos * item.neg));
    }
    expect([...perItem.values()].some((n) => n > 1)).toBe(true);
    const openai = await lines<unknown>(app, iterationId, 'openai-dpo');
    expect(openai).toHaveLength(dpo.length);
  });

  it('exports the loss settings the trainer should use beside the data', async () => {
    expect(await lines(app, iterationId, 'dpo-config')).toEqual([
      { method: 'DPO', beta: 0.2, nll_scale: 1, num_pairs: NUM_PAIRS, loss: 'dpo(beta) + nll_scale * nll(chosen)', reference_model: 'the model trained from (the SFT checkpoint in the released recipe)', balanced: true },
    ]);
    const config = dataOf(await app.gql<{ experiments: { edges: { node: { config: { training: { dpo: unknown } } } }[] } }>('{ experiments { edges { node { config { training { dpo { numPairs beta nllScale } } } } } } }'));
    expect(config.experiments.edges[0]!.node.config.training.dpo).toEqual({ numPairs: NUM_PAIRS, beta: 0.2, nllScale: 1 });
    const bad = await app.gql('mutation { createExperiment(name: "bad", config: { training: { dpo: { numPairs: 0 } } }) { id } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.training.dpo.numPairs' });
    const beta = await app.gql('mutation { createExperiment(name: "bad", config: { training: { dpo: { beta: 0 } } }) { id } }');
    expect(beta.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.training.dpo.beta' });
  });
});
