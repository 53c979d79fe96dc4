/**
 * `npm start` with no configuration, stopped and started again on the same data folder: the judge
 * the loop trained (a model of the embedded simulator, OPENAI training backend) still answers, so
 * the loop continues and the judge is evaluated with no failed item.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceGql } from '../helpers/service-process.js';
import { startService, stopAll, stopService, tempDir } from '../helpers/service-process.js';

const TWENTY = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');
const GPTOUT = readFileSync('data/eval/llmbar/adversarial-gptout.json', 'utf8');

type Iteration = { id: string; index: number; judgeModel: string; trainedModel: string | null; status: string; stages: { kind: string; status: string; failed: number }[] };
type Experiment = { loop: { status: string; error: string | null }; iterations: Iteration[] };

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function loopEnded(gql: ServiceGql, id: string): Promise<Experiment> {
  return until(async () => {
    const { experiment } = await gql<{ experiment: Experiment }>(
      'query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { id index judgeModel trainedModel status stages { kind status failed } } } }',
      { id },
    );
    return experiment.loop.status === 'RUNNING' ? undefined : experiment;
  }, 'the loop to end');
}

describe('a restart on the same data folder', () => {
  afterAll(async () => {
    expect(await stopAll()).toEqual([]);
  });

  it('keeps the judges the embedded simulator trained: the loop continues and the judge is evaluated with no failed item', async () => {
    const dir = tempDir();
    const first = await startService({ DATA_DIR: dir });
    const id = (await first.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "kept", config: { samplesPerOrder: 2, seed: 3 }) { id } }')).createExperiment.id;
    await first.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY });
    await first.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });
    const before = await loopEnded(first.gql, id);
    expect(before.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const trained = before.iterations[0]!.trainedModel!;
    expect(trained).toMatch(/^ft:sim-judge:sim:/);
    expect(await stopService(first)).toBe(0);

    const second = await startService({ DATA_DIR: dir });
    await second.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 2) { id } }', { id });
    const after = await loopEnded(second.gql, id);
    expect(after.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const next = after.iterations.find((i) => i.index === 2)!;
    expect(next.judgeModel).toBe(trained);
    expect(next.trainedModel).toMatch(/^ft:sim-judge:sim:/);
    expect(next.stages.map((s) => [s.kind, s.status, s.failed])).toEqual([['JUDGE', 'SUCCEEDED', 0], ['SELECT', 'SUCCEEDED', 0], ['TRAIN', 'SUCCEEDED', 0]]);

    const benchmark = (await second.gql<{ importBenchmark: { benchmark: { id: string; size: number } } }>(
      'mutation ($c: String!) { importBenchmark(name: "gptout", content: $c, format: LLMBAR, subset: "llmbar-adver-GPTOut") { benchmark { id size } } }',
      { c: GPTOUT },
    )).importBenchmark.benchmark;
    const evaluation = (await second.gql<{ evaluateJudge: { id: string; judgeModel: string } }>(
      'mutation ($b: ID!, $i: ID!) { evaluateJudge(benchmarkId: $b, iterationId: $i) { id judgeModel } }',
      { b: benchmark.id, i: before.iterations[0]!.id },
    )).evaluateJudge;
    expect(evaluation.judgeModel).toBe(trained);
    const stage = await until(async () => {
      const { evaluation: e } = await second.gql<{ evaluation: { status: string; stage: { total: number; done: number; failed: number } } }>(
        'query ($id: ID!) { evaluation(id: $id) { status stage { total done failed } } }',
        { id: evaluation.id },
      );
      return e.status === 'QUEUED' || e.status === 'RUNNING' ? undefined : { status: e.status, ...e.stage };
    }, 'the evaluation to end');
    expect(stage).toEqual({ status: 'SUCCEEDED', total: benchmark.size * 2, done: benchmark.size * 2, failed: 0 });
    expect(await stopService(second)).toBe(0);
  }, 300_000);
});
