/** GraphQL fragments and helpers shared by the evaluation tests. */
import { expect } from 'vitest';
import { dataOf, eventually } from './app.js';
import type { TestApp } from './app.js';

export type Accuracy = { value: number; low: number; high: number } | null;
export type Metrics = {
  subset: string;
  items: number;
  itemsBothOrders: number;
  verdicts: number;
  chosenFirst: Accuracy;
  chosenSecond: Accuracy;
  accuracy: Accuracy;
  positionConsistent: Accuracy;
  agreementRate: Accuracy;
  agreementItems: number;
  tieRate: number | null;
  unparseableRate: number | null;
  majorityVote: { chosenFirst: Accuracy; chosenSecond: Accuracy; mean: Accuracy } | null;
};
export type RewardBench = {
  chat: number | null;
  chatHard: number | null;
  safety: number | null;
  reasoning: number | null;
  priorSets: number | null;
  overall: number | null;
  leaderboard: number | null;
  complete: boolean;
  sectionsAveraged: string[];
  partialMean: number | null;
  label: string;
  unscoredSubsets: string[];
};
export type RewardBenchReport = { scoring: string; mean: RewardBench; chosenFirst: RewardBench; chosenSecond: RewardBench };
export type EvaluationView = {
  id: string;
  judgeModel: string;
  status: string;
  partial: boolean;
  error: string | null;
  stage: { id: string; total: number; done: number; failed: number } | null;
  overall: Metrics;
  subsets: Metrics[];
  rewardBench: RewardBenchReport & { majorityVote: RewardBenchReport | null };
};

const ACC = 'value low high';
const METRICS = `subset items itemsBothOrders verdicts chosenFirst { ${ACC} } chosenSecond { ${ACC} } accuracy { ${ACC} }
  positionConsistent { ${ACC} } agreementRate { ${ACC} } agreementItems tieRate unparseableRate
  majorityVote { chosenFirst { ${ACC} } chosenSecond { ${ACC} } mean { ${ACC} } }`;
const SCORES = 'chat chatHard safety reasoning priorSets overall leaderboard complete sectionsAveraged partialMean label unscoredSubsets';
const RB_REPORT = `scoring mean { ${SCORES} } chosenFirst { ${SCORES} } chosenSecond { ${SCORES} }`;
export const EVALUATION_FIELDS = `id judgeModel status partial error stage { id total done failed }
  overall { ${METRICS} } subsets { ${METRICS} }
  rewardBench { ${RB_REPORT} majorityVote { ${RB_REPORT} } }`;

export async function importBundled(app: TestApp, name: string) {
  return dataOf(
    await app.gql<{ importBundledBenchmark: { created: boolean; excludedInstructions: number; skipped: { file: string; position: number; reason: string }[]; benchmark: { id: string; size: number; subsets: { name: string; size: number }[] } } }>(
      'mutation ($name: String!) { importBundledBenchmark(name: $name) { created excludedInstructions skipped { file position reason } benchmark { id size subsets { name size } } } }',
      { name },
    ),
  ).importBundledBenchmark;
}

/** Starts an evaluation and returns its id. */
export async function evaluate(app: TestApp, args: Record<string, unknown>): Promise<string> {
  const data = dataOf(
    await app.gql<{ evaluateJudge: { id: string } }>(
      `mutation ($benchmarkId: ID!, $model: String, $experimentId: ID, $iterationId: ID, $options: EvaluateOptionsInput) {
        evaluateJudge(benchmarkId: $benchmarkId, model: $model, experimentId: $experimentId, iterationId: $iterationId, options: $options) { id } }`,
      args,
    ),
  );
  return data.evaluateJudge.id;
}

export async function evaluationOf(app: TestApp, id: string): Promise<EvaluationView> {
  return dataOf(await app.gql<{ evaluation: EvaluationView }>(`query ($id: ID!) { evaluation(id: $id) { ${EVALUATION_FIELDS} } }`, { id })).evaluation;
}

/** Waits until the evaluation's stage has finished, and returns it. */
export async function finished(app: TestApp, id: string): Promise<EvaluationView> {
  return eventually(async () => {
    const e = await evaluationOf(app, id);
    return e.status === 'QUEUED' || e.status === 'RUNNING' ? undefined : e;
  }, 120_000, 100);
}

export type VerdictLine = { item_id: string; position: number; subset: string; order: string; sample: number; verdict: string; correct: boolean; score: number; reasoning: string };

export async function exportedVerdicts(app: TestApp, id: string): Promise<VerdictLine[]> {
  const response = await fetch(app.url.replace('/graphql', `/exports/evaluations/${id}/verdicts.jsonl`));
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as VerdictLine);
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
