import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { evaluate, evaluationOf, finished } from '../helpers/evaluation.js';

const TWENTY = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');
const GPTOUT_FILE = readFileSync('data/eval/llmbar/adversarial-gptout.json', 'utf8');

type EvaluationRef = { id: string; judgeModel: string; status: string; iterationId: string | null; experimentId: string | null };
type Experiment = {
  loop: { status: string; error: string | null; evaluateOn: string[] };
  seedEvaluations: EvaluationRef[];
  iterations: { id: string; trainedModel: string | null; judgeModel: string; evaluations: EvaluationRef[]; stages: { kind: string }[] }[];
};
type Diff = {
  a: { id: string };
  b: { id: string };
  fixed: number;
  broken: number;
  stillWrong: number;
  stillRight: number;
  onlyInA: number;
  onlyInB: number;
  accuracyA: number;
  accuracyB: number;
  accuracyChange: { value: number; low: number; high: number };
  items: { change: string; item: { subset: string; prompt: string }; a: { right: boolean; score: number }; b: { right: boolean; score: number } }[];
};

const EVALUATION_REF = 'id judgeModel status iterationId experimentId';

describe.skipIf(NO_DATABASE)(`evaluations in the self-taught loop (${TEST_DB})`, () => {
  let app: TestApp;
  let benchmarkId: string;
  let experimentId: string;
  let experiment: Experiment;

  beforeAll(async () => {
    app = await startTestApp();
    benchmarkId = dataOf(await app.gql<{ importBenchmark: { benchmark: { id: string } } }>(
      'mutation ($c: String!) { importBenchmark(name: "gptout", content: $c, format: LLMBAR, subset: "llmbar-adver-GPTOut") { benchmark { id } } }',
      { c: GPTOUT_FILE },
    )).importBenchmark.benchmark.id;
    const id = (experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation { createExperiment(name: "loop with evaluations", config: { samplesPerOrder: 2, seed: 5 }) { id } }',
    )).createExperiment.id);
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY }));
    dataOf(await app.gql('mutation ($id: ID!, $b: [ID!]) { runLoop(experimentId: $id, iterations: 1, evaluateOn: $b) { id } }', { id, b: [benchmarkId] }));
    experiment = await eventually(async () => {
      const data = dataOf(await app.gql<{ experiment: Experiment }>(
        `query ($id: ID!) { experiment(id: $id) { loop { status error evaluateOn }
          seedEvaluations { ${EVALUATION_REF} }
          iterations { id trainedModel judgeModel evaluations { ${EVALUATION_REF} } stages { kind } } } }`,
        { id },
      ));
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 120_000, 250);
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('evaluates the seed before iteration 1 and the trained judge after training', () => {
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null, evaluateOn: [benchmarkId] });
    const [iteration] = experiment.iterations;
    expect(experiment.iterations).toHaveLength(1);
    expect(iteration!.stages.map((s) => s.kind)).toEqual(['JUDGE', 'SELECT', 'TRAIN']);
    expect(experiment.seedEvaluations).toEqual([{ id: expect.any(String), judgeModel: 'sim-judge', status: 'SUCCEEDED', iterationId: null, experimentId: expect.any(String) }]);
    expect(iteration!.evaluations).toEqual([{ id: expect.any(String), judgeModel: iteration!.trainedModel, status: 'SUCCEEDED', iterationId: iteration!.id, experimentId: expect.any(String) }]);
    expect(Number(experiment.seedEvaluations[0]!.id)).toBeLessThan(Number(iteration!.evaluations[0]!.id));
  });

  it('shows what training changed, item by item, with the accuracy change and its interval', async () => {
    const seed = experiment.seedEvaluations[0]!;
    const trained = experiment.iterations[0]!.evaluations[0]!;
    const diff = dataOf(await app.gql<{ evaluationDiff: Diff }>(
      `query ($a: ID!, $b: ID!) { evaluationDiff(a: $a, b: $b) { a { id } b { id } fixed broken stillWrong stillRight onlyInA onlyInB
        accuracyA accuracyB accuracyChange { value low high } items { change item { subset prompt } a { right score } b { right score } } } }`,
      { a: seed.id, b: trained.id },
    )).evaluationDiff;
    expect(diff.fixed + diff.broken + diff.stillWrong + diff.stillRight).toBe(47);
    expect(diff.onlyInA + diff.onlyInB).toBe(0);
    expect(diff.fixed + diff.broken).toBeGreaterThan(0);
    expect(diff.items).toHaveLength(diff.fixed + diff.broken + diff.stillWrong);
    for (const change of ['FIXED', 'BROKEN', 'STILL_WRONG']) {
      const items = diff.items.filter((i) => i.change === change);
      expect(items.every((i) => i.a.right === (change === 'BROKEN') && i.b.right === (change === 'FIXED'))).toBe(true);
    }
    expect(diff.items.every((i) => i.item.subset === 'llmbar-adver-GPTOut' && i.item.prompt.length > 0)).toBe(true);
    const [a, b] = [await evaluationOf(app, seed.id), await evaluationOf(app, trained.id)];
    expect(diff.accuracyA).toBeCloseTo(a.overall.accuracy!.value, 10);
    expect(diff.accuracyB).toBeCloseTo(b.overall.accuracy!.value, 10);
    expect(diff.accuracyChange.value).toBeCloseTo(diff.accuracyB - diff.accuracyA, 10);
    expect(diff.accuracyChange.low).toBeLessThanOrEqual(diff.accuracyChange.value);
    expect(diff.accuracyChange.high).toBeGreaterThanOrEqual(diff.accuracyChange.value);
  });

  it("evaluates an experiment's judges on request too, reproducing the loop's verdicts", async () => {
    const iteration = experiment.iterations[0]!;
    const seed = await finished(app, await evaluate(app, { benchmarkId, experimentId }));
    const trained = await finished(app, await evaluate(app, { benchmarkId, iterationId: iteration.id }));
    expect([seed.judgeModel, trained.judgeModel]).toEqual(['sim-judge', iteration.trainedModel]);
    const listed = dataOf(await app.gql<{ experiment: Experiment }>(
      `query ($id: ID!) { experiment(id: $id) { seedEvaluations { ${EVALUATION_REF} } iterations { evaluations { ${EVALUATION_REF} } } } }`,
      { id: experimentId },
    )).experiment;
    expect(listed.seedEvaluations.map((e) => e.id)).toEqual([seed.id, experiment.seedEvaluations[0]!.id]);
    expect(listed.iterations[0]!.evaluations.map((e) => e.id)).toEqual([trained.id, iteration.evaluations[0]!.id]);
    // Greedy and seeded by item: the same judge gives the same verdicts again.
    for (const [again, before] of [[seed.id, experiment.seedEvaluations[0]!.id], [trained.id, iteration.evaluations[0]!.id]]) {
      const diff = dataOf(await app.gql<{ evaluationDiff: Diff }>('query ($a: ID!, $b: ID!) { evaluationDiff(a: $a, b: $b) { fixed broken accuracyChange { value } } }', { a: before, b: again })).evaluationDiff;
      expect(diff).toEqual({ fixed: 0, broken: 0, accuracyChange: { value: 0 } });
    }
  });

  it('refuses a diff of evaluations of two benchmarks, and an unknown benchmark in evaluateOn', async () => {
    const other = dataOf(await app.gql<{ importBundledBenchmark: { benchmark: { id: string } } }>('mutation { importBundledBenchmark(name: "llmeval2") { benchmark { id } } }')).importBundledBenchmark.benchmark.id;
    const e = dataOf(await app.gql<{ evaluateJudge: { id: string } }>('mutation ($b: ID!) { evaluateJudge(benchmarkId: $b, model: "sim-judge", options: { order: AS_GIVEN }) { id } }', { b: other })).evaluateJudge.id;
    const diff = await app.gql('query ($a: ID!, $b: ID!) { evaluationDiff(a: $a, b: $b) { fixed } }', { a: experiment.seedEvaluations[0]!.id, b: e });
    expect(diff.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'b' });
    const loop = await app.gql('mutation ($id: ID!, $b: [ID!]) { runLoop(experimentId: $id, iterations: 1, evaluateOn: $b) { id } }', { id: experimentId, b: ['424242'] });
    expect(loop.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'evaluateOn' });
  });

  it('stops the loop with the reason when an evaluation fails', async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation { createExperiment(name: "unknown judge", config: { judgeModel: "no-such-model" }) { id } }',
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY }));
    dataOf(await app.gql('mutation ($id: ID!, $b: [ID!]) { runLoop(experimentId: $id, iterations: 1, evaluateOn: $b) { id } }', { id, b: [benchmarkId] }));
    const stopped = await eventually(async () => {
      const data = dataOf(await app.gql<{ experiment: Experiment }>(
        `query ($id: ID!) { experiment(id: $id) { loop { status error evaluateOn } seedEvaluations { ${EVALUATION_REF} } iterations { id } } }`,
        { id },
      ));
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 60_000, 250);
    expect(stopped.loop.status).toBe('FAILED');
    expect(stopped.loop.error).toMatch(/evaluation of no-such-model on benchmark .* failed/);
    expect(stopped.seedEvaluations.map((e) => e.status)).toEqual(['FAILED']);
    expect(stopped.iterations).toEqual([]);
  });
});
