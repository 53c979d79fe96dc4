/**
 * How `ste eval` and `ste loop --eval` show evaluations: pure formatting of the fragments of
 * src/cli/operations/evaluations.graphql.
 */
import type { EvaluationResultFragment, IntervalFragment, MetricsFragment, RewardBenchSectionsFragment, TrendEvaluationFragment } from '../../generated/cli-operations.js';
import { table } from './context.js';
import { count } from './progress.js';

/** The sections of one RewardBench score, as `rewardBenchLines` reads them. */
export type RewardBenchScores = RewardBenchSectionsFragment;

/** Evaluations that will not change any more. */
export const EVALUATION_DONE = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** "63.2% [59.1–67.0]" */
export function accuracyText(a: IntervalFragment | null | undefined, interval = true): string {
  if (!a) return '-';
  const pct = (v: number) => (100 * v).toFixed(1);
  return interval ? `${pct(a.value)}% [${pct(a.low)}–${pct(a.high)}]` : `${pct(a.value)}%`;
}

/** A heading, a table of overall and per-subset metrics, and the RewardBench sections present. */
export function evaluationLines(e: EvaluationResultFragment): string[] {
  const head = `evaluation ${e.id}: ${e.judgeModel} on ${e.benchmark.name} (${count(e.benchmark.size)} items, order ${e.options.order}, ` +
    `${e.options.samples} sample${e.options.samples === 1 ? '' : 's'}, seed ${e.options.seed}) ${e.status}${e.partial ? ' (partial)' : ''}${e.error ? `: ${e.error}` : ''}`;
  const row = (m: MetricsFragment) => [
    m.subset,
    count(m.items),
    accuracyText(m.accuracy),
    accuracyText(m.chosenFirst, false),
    accuracyText(m.chosenSecond, false),
    accuracyText(m.positionConsistent, false),
    m.unparseableRate === null ? '-' : `${(100 * m.unparseableRate).toFixed(1)}%`,
  ];
  const lines = [head, ...table([['SUBSET', 'ITEMS', 'ACCURACY (95% CI)', 'BETTER FIRST', 'BETTER SECOND', 'CONSISTENT', 'UNPARSEABLE'], row(e.overall), ...e.subsets.map(row)])];
  lines.push(...rewardBenchLines(e.rewardBench));
  return lines;
}

const SCORING_TEXT: Record<string, string> = { ONE_VERDICT: 'one verdict', PER_SAMPLE: 'per sample', MAJORITY_VOTE: 'majority vote' };

/**
 * The RewardBench sections present, labelled by how they were scored, ending with "overall" only
 * when all four sections are present and "partial (Chat Hard)" otherwise: "RewardBench (per sample):
 * Chat Hard 55.1% · partial (Chat Hard) 55.1%". Nothing when no RewardBench subset was judged.
 */
export function rewardBenchLines(report: EvaluationResultFragment['rewardBench']): string[] {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return [report, ...(report.majorityVote ? [report.majorityVote] : [])].flatMap(({ scoring, mean: rb }) => {
    const titles = { chat: 'Chat', chatHard: 'Chat Hard', safety: 'Safety', reasoning: 'Reasoning' } as const;
    const sections = (Object.keys(titles) as (keyof typeof titles)[]).filter((k) => rb[k] !== null).map((k) => `${titles[k]} ${pct(rb[k]!)}`);
    if (sections.length === 0) return [];
    const headline = rb.overall !== null ? `overall ${pct(rb.overall)}` : `${rb.label} ${pct(rb.partialMean!)}`;
    return [`RewardBench (${SCORING_TEXT[scoring] ?? scoring}): ${[...sections, headline].join(' · ')}`];
  });
}

/** A point of a trend; any status text, as the lines print it. */
export type TrendEvaluation = Omit<TrendEvaluationFragment, 'status'> & { status: string };

/**
 * One line per benchmark: the seed judge M1's accuracy, then each trained judge's (iteration t
 * trains M(t+1)): "llmbar accuracy: M1 (seed) 61.2% [57.0–65.4] → M2 63.0% [...]". Lists are newest
 * first: the first evaluation of a judge on a benchmark is the one shown.
 */
export function trendLines(seed: TrendEvaluation[], iterations: { index: number; evaluations: TrendEvaluation[] }[]): string[] {
  const names = new Map<string, string>();
  for (const e of [...seed, ...iterations.flatMap((it) => it.evaluations)]) names.set(e.benchmark.id, e.benchmark.name);
  return [...names].map(([id, name]) => {
    const pick = (list: TrendEvaluation[]) => list.find((e) => e.benchmark.id === id);
    const points = [['M1 (seed)', pick(seed)] as const, ...iterations.map((it) => [`M${it.index + 1}`, pick(it.evaluations)] as const)]
      .filter(([, e]) => e)
      .map(([label, e]) => `${label} ${e!.status === 'SUCCEEDED' ? accuracyText(e!.overall.accuracy) : e!.status}`);
    return `${name} accuracy: ${points.join(' → ')}`;
  });
}
