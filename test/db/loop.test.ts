import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const TWENTY = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');

type IterationView = {
  id: string;
  index: number;
  judgeModel: string;
  trainedModel: string | null;
  status: string;
  stats: {
    judgments: number;
    correct: number;
    incorrect: number;
    unparseable: number;
    ties: number;
    selected: number;
    selectedAWins: number;
    selectedBWins: number;
    pairOrdersWithoutCorrect: number;
    selection: { kept: number; withoutCorrect: number; droppedForBalance: number; pairOrders: number };
  };
  stages: { id: string; kind: string; status: string; total: number; done: number; failed: number }[];
};

const EXPERIMENT = `query ($id: ID!) { experiment(id: $id) {
  loop { status error targetIteration }
  pairs(first: 0, status: READY) { totalCount }
  stages { id kind status total done failed }
  iterations { id index judgeModel trainedModel status
    stats { judgments correct incorrect unparseable ties selected selectedAWins selectedBWins pairOrdersWithoutCorrect selection }
    stages { id kind status total done failed } } } }`;

async function runLoop(app: TestApp, seed: number) {
  const created = dataOf(await app.gql<{ createExperiment: { id: string } }>(
    `mutation ($config: ExperimentConfigInput) { createExperiment(name: "loop", config: $config) { id } }`,
    { config: { samplesPerOrder: 2, seed } },
  ));
  const id = created.createExperiment.id;
  const imported = dataOf(await app.gql<{ importInstructions: { accepted: number; rejected: unknown[] } }>(
    `mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted rejected { line reason } } }`,
    { id, content: TWENTY },
  ));
  expect(imported.importInstructions).toEqual({ accepted: 20, rejected: [] });
  dataOf(await app.gql(`mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 2) { id } }`, { id }));
  const experiment = await eventually(async () => {
    const data = dataOf(await app.gql<{ experiment: { loop: { status: string; error: string | null } } & Record<string, unknown> }>(EXPERIMENT, { id }));
    return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
  }, 120_000, 250);
  return { id, experiment: experiment as unknown as { loop: { status: string; error: string | null }; pairs: { totalCount: number }; stages: IterationView['stages']; iterations: IterationView[] } };
}

async function exportLines(app: TestApp, iterationId: string, format: string): Promise<unknown[]> {
  const response = await fetch(app.url.replace('/graphql', `/exports/iterations/${iterationId}/${format}.jsonl`));
  expect(response.status).toBe(200);
  const text = await response.text();
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
}

describe.skipIf(NO_DATABASE)(`the self-taught loop (${TEST_DB})`, () => {
  let app: TestApp;
  let first: Awaited<ReturnType<typeof runLoop>>;

  beforeAll(async () => {
    app = await startTestApp();
    first = await runLoop(app, 7);
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('runs two iterations on the simulator and keeps every count consistent with the rows', () => {
    const { experiment } = first;
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null, targetIteration: 2 });
    const ready = experiment.pairs.totalCount;
    expect(ready).toBeGreaterThan(0);
    expect(experiment.iterations).toHaveLength(2);
    for (const iteration of experiment.iterations) {
      const s = iteration.stats;
      expect(iteration.status).toBe('SUCCEEDED');
      expect(s.judgments).toBe(ready * 2 * 2);
      expect(s.correct + s.incorrect + s.unparseable + s.ties).toBe(s.judgments);
      expect(s.selected).toBe(s.selection.kept);
      expect(s.selectedAWins).toBe(s.selectedBWins);
      expect(s.selectedAWins + s.selectedBWins).toBe(s.selected);
      expect(s.pairOrdersWithoutCorrect).toBe(s.selection.withoutCorrect);
      expect(s.selection.pairOrders).toBe(ready * 2);
      for (const stage of iteration.stages) {
        expect(stage.status).toBe('SUCCEEDED');
        expect(stage.done).toBe(stage.total);
        expect(stage.failed).toBe(0);
      }
      expect(iteration.stages.map((st) => st.kind)).toEqual(['JUDGE', 'SELECT', 'TRAIN']);
    }
    const [one, two] = experiment.iterations as [IterationView, IterationView];
    expect(one.judgeModel).toBe('sim-judge');
    expect(one.trainedModel).toMatch(/^ft:/);
    expect(two.judgeModel).toBe(one.trainedModel);
  });

  it('selects only correct judgments, one per pair and order', async () => {
    const iteration = first.experiment.iterations[0]!;
    const lines = (await exportLines(app, iteration.id, 'judgments')) as { pair_id: string; order: string; correct: boolean; selected: boolean; verdict: string; seq: number }[];
    expect(lines).toHaveLength(iteration.stats.judgments);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const selected = lines.filter((l) => l.selected);
    expect(selected.length).toBe(iteration.stats.selected);
    expect(selected.every((l) => l.correct)).toBe(true);
    const keys = selected.map((l) => `${l.pair_id}:${l.order}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const l of lines) expect(l.correct).toBe(l.verdict === (l.order === 'CHOSEN_FIRST' ? 'A' : 'B'));
  });

  it('exports training data that parses line by line in every format', async () => {
    const iteration = first.experiment.iterations[0]!;
    const sft = (await exportLines(app, iteration.id, 'openai-sft')) as { messages: { role: string; content: string }[] }[];
    expect(sft).toHaveLength(iteration.stats.selected);
    for (const line of sft) {
      expect(line.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(line.messages[2]!.content).toMatch(/\[\[(A|B)\]\]/);
    }
    const trl = (await exportLines(app, iteration.id, 'trl-dpo')) as { prompt: unknown[]; chosen: unknown[]; rejected: unknown[] }[];
    for (const line of trl) expect(line.chosen).toHaveLength(1);
    const bad = await fetch(app.url.replace('/graphql', `/exports/iterations/${iteration.id}/csv.jsonl`));
    expect(bad.status).toBe(400);
  });

  it('changes nothing when a finished stage is run again', async () => {
    const iteration = first.experiment.iterations[0]!;
    const judge = iteration.stages.find((s) => s.kind === 'JUDGE')!;
    const again = dataOf(await app.gql<{ judgePairs: { id: string; status: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id status } }`, { id: iteration.id }));
    expect(again.judgePairs).toEqual({ id: judge.id, status: 'SUCCEEDED' });
    const select = dataOf(await app.gql<{ selectJudgments: { id: string } }>(`mutation ($id: ID!) { selectJudgments(iterationId: $id) { id } }`, { id: iteration.id }));
    expect(select.selectJudgments.id).toBe(iteration.stages.find((s) => s.kind === 'SELECT')!.id);
    const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id: first.id }));
    expect(pairs.generatePairs.id).toBe(first.experiment.stages.find((s) => s.kind === 'GENERATE_PAIRS')!.id);
    const after = dataOf(await app.gql<{ experiment: { iterations: IterationView[] } }>(EXPERIMENT, { id: first.id }));
    expect(after.experiment.iterations.map((i) => i.stats)).toEqual(first.experiment.iterations.map((i) => i.stats));
  });

  it('reproduces the same selected judgments from the same seed and data', async () => {
    const second = await runLoop(app, 7);
    const selectedOf = async (iterationId: string) =>
      ((await exportLines(app, iterationId, 'judgments')) as { instruction: string; order: string; sample: number; reasoning: string; selected: boolean }[])
        .filter((l) => l.selected)
        .map((l) => `${l.instruction}|${l.order}|${l.sample}|${l.reasoning}`)
        .sort();
    // Both iterations, byte for byte, with the trained model names: reproducible.test.ts.
    const [a, b] = [first.experiment.iterations[0]!, second.experiment.iterations[0]!];
    expect(await selectedOf(b.id)).toEqual(await selectedOf(a.id));
    expect(b.stats).toEqual(a.stats);
  }, 180_000);
});
