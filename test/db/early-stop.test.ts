import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';

const TWELVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12).join('\n');
const GPTOUT_FILE = readFileSync('data/eval/llmbar/adversarial-gptout.json', 'utf8');

type Judge = { iteration: { id: string; index: number } | null; judgeModel: string; accuracy: number; positionConsistency: number };
type View = {
  loop: { status: string; error: string | null; targetIteration: number; untilNoGain: number | null; stopReason: string | null };
  iterations: { id: string; index: number; trainedModel: string }[];
  bestIteration: Judge | null;
  validatedJudges: Judge[];
};

describe.skipIf(NO_DATABASE)(`runLoop with untilNoGain (${TEST_DB})`, () => {
  let app: TestApp;
  let benchmarkId: string;

  beforeAll(async () => {
    // A judge that stops improving: the simulator's fine-tuning learns nothing.
    app = await startTestApp({ SIM_FINE_TUNE_LEARNS: 'false' });
    benchmarkId = dataOf(await app.gql<{ importBenchmark: { benchmark: { id: string } } }>(
      'mutation ($c: String!) { importBenchmark(name: "gptout", content: $c, format: LLMBAR, subset: "llmbar-adver-GPTOut") { benchmark { id } } }',
      { c: GPTOUT_FILE },
    )).importBenchmark.benchmark.id;
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  const experiment = async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "plateau", config: { samplesPerOrder: 2, seed: 5 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE }));
    return id;
  };

  it('stops after the first trained judge without a validated gain and names the best judge with both scores', async () => {
    const id = await experiment();
    dataOf(await app.gql('mutation ($id: ID!, $b: [ID!]) { runLoop(experimentId: $id, iterations: 3, evaluateOn: $b, untilNoGain: 1) { id } }', { id, b: [benchmarkId] }));
    const view = await eventually(async () => {
      const data = dataOf(await app.gql<{ experiment: View }>(
        `query ($id: ID!) { experiment(id: $id) { loop { status error targetIteration untilNoGain stopReason } iterations { id index trainedModel }
          bestIteration { iteration { id index } judgeModel accuracy positionConsistency }
          validatedJudges { iteration { id index } judgeModel accuracy positionConsistency } } }`,
        { id },
      ));
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 180_000, 250);
    expect(view.loop).toMatchObject({ status: 'SUCCEEDED', error: null, targetIteration: 3, untilNoGain: 1 });
    expect(view.iterations).toHaveLength(1);
    expect(view.loop.stopReason).toMatch(
      /^stopped: no gain on validation for 1 iteration \(patience 1\); the gain of the judge trained in iteration 1 over the seed judge is [+-]\d+\.\d points \[[+-]\d+\.\d, [+-]\d+\.\d\], an interval that includes 0$/,
    );
    expect(view.validatedJudges.map((j) => [j.iteration?.index ?? 0, j.judgeModel])).toEqual([[0, 'sim-judge'], [1, view.iterations[0]!.trainedModel]]);
    // The best: highest accuracy, ties by position consistency, then the earlier judge.
    const [seed, trained] = view.validatedJudges as [Judge, Judge];
    const expected = trained.accuracy > seed.accuracy || (trained.accuracy === seed.accuracy && trained.positionConsistency > seed.positionConsistency) ? trained : seed;
    expect(view.bestIteration).toEqual(expected);
    for (const j of view.validatedJudges) {
      expect(j.accuracy).toBeGreaterThan(0);
      expect(j.positionConsistency).toBeGreaterThanOrEqual(0);
    }
  }, 240_000);

  it('ste loop --until-no-gain stops early and prints why and the best judge', async () => {
    const id = await experiment();
    const run = await runCli(['loop', id, '--iterations', '3', '--eval', benchmarkId, '--until-no-gain', '1'], app.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('loop SUCCEEDED (to iteration 3)');
    expect(run.stdout).toMatch(/\nstopped: no gain on validation for 1 iteration \(patience 1\); the gain of the judge trained in iteration 1 over the seed judge is /);
    expect(run.stdout).toMatch(/\nbest judge: (M1 \(seed\) sim-judge|M2 \(iteration 1\) ft:sim-judge:\S+) · validation accuracy \d+\.\d% · position consistency \d+\.\d%\n/);
    const usage = await runCli(['loop', id, '--iterations', '3', '--until-no-gain', '1'], app.url);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('ste: --until-no-gain needs --eval: the benchmarks that tell whether a judge gained\n');
  }, 240_000);

  it('refuses untilNoGain without validation benchmarks, or out of range', async () => {
    const id = await experiment();
    const none = await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 2, untilNoGain: 1) { id } }', { id });
    expect(none.errors?.[0]).toMatchObject({ message: 'untilNoGain: needs validation benchmarks: pass evaluateOn', extensions: { code: 'BAD_USER_INPUT', field: 'untilNoGain' } });
    const zero = await app.gql('mutation ($id: ID!, $b: [ID!]) { runLoop(experimentId: $id, iterations: 2, evaluateOn: $b, untilNoGain: 0) { id } }', { id, b: [benchmarkId] });
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'untilNoGain' });
  });
});
