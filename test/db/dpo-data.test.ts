import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import * as judgmentsRepo from '../../src/db/judgments/index.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 24).join('\n');
const NUM_PAIRS = 3;

type Judgment = { id: string; sample: number; pair_id: string; order: string; correct: boolean; verdict: string; reasoning: string };
type DpoLine = { prompt: { role: string; content: string }[]; chosen: { content: string }[]; rejected: { content: string }[] };

async function lines<T>(app: TestApp, iterationId: string, format: string): Promise<T[]> {
  const response = await fetch(app.url.replace('/graphql', `/exports/iterations/${iterationId}/${format}.jsonl`));
  expect(response.status).toBe(200);
  return (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

/** Creates an experiment, imports the instructions and runs one iteration; returns its id. */
async function runOneIteration(app: TestApp, name: string, config: Record<string, unknown>): Promise<string> {
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
    'mutation ($name: String!, $config: ExperimentConfigInput) { createExperiment(name: $name, config: $config) { id } }',
    { name, config },
  )).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS }));
  dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
  const experiment = await eventually(async () => {
    const data = dataOf(await app.gql<{ experiment: { loop: { status: string; error: string | null }; iterations: { id: string }[] } }>(
      'query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { id } } }', { id },
    ));
    return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
  }, 120_000, 250);
  expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
  return experiment.iterations[0]!.id;
}

describe.skipIf(NO_DATABASE)(`DPO data as the released recipe prepares it (${TEST_DB})`, () => {
  let app: TestApp;
  let iterationId: string;

  beforeAll(async () => {
    app = await startTestApp();
    iterationId = await runOneIteration(app, 'dpo', { samplesPerOrder: 4, temperature: 1, seed: 5, training: { dpo: { numPairs: NUM_PAIRS, beta: 0.2, nllScale: 1 } } });
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it.each(['trl-dpo', 'openai-dpo'])('gives %s as Parquet, read back equal to the JSONL row by row (nested messages as JSON)', async (format) => {
    const jsonl = await lines<Record<string, unknown>>(app, iterationId, format);
    expect(jsonl.length).toBeGreaterThan(0);
    const response = await fetch(app.url.replace('/graphql', `/exports/iterations/${iterationId}/${format}.parquet`));
    expect(response.status).toBe(200);
    const rows = await parquetReadObjects({ file: await response.arrayBuffer() });
    expect(rows).toEqual(jsonl);
  });

  it('balances A and B wins among items with a negative, gives numPairs combinations per item, and rejects only wrong, tie or unparseable judgments', async () => {
    const judgments = await lines<Judgment>(app, iterationId, 'judgments');
    expect(judgments.every((j) => j.sample < 4)).toBe(true); // SUPERVISED: no extra negatives
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

  it('with method DPO, draws extra negatives at a higher temperature for items without one, keeping only the ones that are not correct', async () => {
    const config = { samplesPerOrder: 2, temperature: 0.3, seed: 9, training: { method: 'DPO', dpo: { extraNegatives: { samples: 6, temperature: 2 } } } };
    const id = await runOneIteration(app, 'dpo-extra', config);
    const judgments = await lines<Judgment>(app, id, 'judgments');
    const items = new Map<string, Judgment[]>();
    for (const j of judgments) items.set(`${j.pair_id}:${j.order}`, [...(items.get(`${j.pair_id}:${j.order}`) ?? []), j]);
    let extended = 0;
    for (const samples of items.values()) {
      const ordinary = samples.filter((j) => j.sample < 2);
      const extra = samples.filter((j) => j.sample >= 2);
      expect(ordinary).toHaveLength(2);
      const needed = ordinary.some((j) => j.correct) && ordinary.every((j) => j.correct);
      if (!needed) expect(extra).toEqual([]);
      expect(extra.every((j) => !j.correct && j.sample < 8)).toBe(true);
      if (extra.length > 0) extended += 1;
    }
    expect(extended).toBeGreaterThan(0);
    // Items whose only negatives are extra ones take part in the DPO data.
    const dpo = await lines<DpoLine>(app, id, 'trl-dpo');
    const extraTexts = new Set(judgments.filter((j) => j.sample >= 2).map((j) => j.reasoning));
    expect(dpo.some((l) => extraTexts.has(l.rejected[0]!.content))).toBe(true);
    const bad = await app.gql('mutation { createExperiment(name: "bad", config: { training: { dpo: { extraNegatives: { temperature: 0 } } } }) { id } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.training.dpo.extraNegatives.temperature' });
  });
});
