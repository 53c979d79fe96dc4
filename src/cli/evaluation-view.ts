/**
 * How `ste eval` and `ste loop --eval` show evaluations: GraphQL selections and pure formatting.
 */
import { table } from './context.js';
import { count } from './progress.js';

export type Accuracy = { value: number; low: number; high: number };
export type Metrics = {
  subset: string;
  items: number;
  accuracy: Accuracy | null;
  chosenFirst: Accuracy | null;
  chosenSecond: Accuracy | null;
  positionConsistent: Accuracy | null;
  unparseableRate: number | null;
};
export type RewardBenchScores = {
  chat: number | null;
  chatHard: number | null;
  safety: number | null;
  reasoning: number | null;
  overall: number | null;
  partialMean: number | null;
  label: string;
};
type RewardBenchReport = { scoring: string; mean: RewardBenchScores; majorityVote: { scoring: string; mean: RewardBenchScores } | null };
export type EvaluationResult = {
  id: string;
  judgeModel: string;
  status: string;
  partial: boolean;
  error: string | null;
  benchmark: { id: string; name: string; size: number };
  options: { order: string; samples: number; seed: number };
  stage: { status: string; done: number; total: number; failed: number } | null;
  overall: Metrics;
  subsets: Metrics[];
  rewardBench: RewardBenchReport;
};

const ACC = 'value low high';
const METRICS = `subset items accuracy { ${ACC} } chosenFirst { ${ACC} } chosenSecond { ${ACC} } positionConsistent { ${ACC} } unparseableRate`;
const SECTIONS = 'chat chatHard safety reasoning overall partialMean label';
/** Selection matching `EvaluationResult`. */
export const EVALUATION_FIELDS = `id judgeModel status partial error benchmark { id name size } options { order samples seed }
  stage { status done total failed } overall { ${METRICS} } subsets { ${METRICS} }
  rewardBench { scoring mean { ${SECTIONS} } majorityVote { scoring mean { ${SECTIONS} } } }`;

/** Evaluations that will not change any more. */
export const EVALUATION_DONE = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** "63.2% [59.1–67.0]" */
export function accuracyText(a: Accuracy | null | undefined, interval = true): string {
  if (!a) return '-';
  const pct = (v: number) => (100 * v).toFixed(1);
  return interval ? `${pct(a.value)}% [${pct(a.low)}–${pct(a.high)}]` : `${pct(a.value)}%`;
}

/** A heading, a table of overall and per-subset metrics, and the RewardBench sections present. */
export function evaluationLines(e: EvaluationResult): string[] {
  const head = `evaluation ${e.id}: ${e.judgeModel} on ${e.benchmark.name} (${count(e.benchmark.size)} items, order ${e.options.order}, ` +
    `${e.options.samples} sample${e.options.samples === 1 ? '' : 's'}, seed ${e.options.seed}) ${e.status}${e.partial ? ' (partial)' : ''}${e.error ? `: ${e.error}` : ''}`;
  const row = (m: Metrics) => [
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
export function rewardBenchLines(report: RewardBenchReport): string[] {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return [report, ...(report.majorityVote ? [report.majorityVote] : [])].flatMap(({ scoring, mean: rb }) => {
    const titles = { chat: 'Chat', chatHard: 'Chat Hard', safety: 'Safety', reasoning: 'Reasoning' } as const;
    const sections = (Object.keys(titles) as (keyof typeof titles)[]).filter((k) => rb[k] !== null).map((k) => `${titles[k]} ${pct(rb[k]!)}`);
    if (sections.length === 0) return [];
    const headline = rb.overall !== null ? `overall ${pct(rb.overall)}` : `${rb.label} ${pct(rb.partialMean!)}`;
    return [`RewardBench (${SCORING_TEXT[scoring] ?? scoring}): ${[...sections, headline].join(' · ')}`];
  });
}

export type TrendEvaluation = { id: string; status: string; benchmark: { id: string; name: string }; overall: { accuracy: Accuracy | null } };
export const TREND_FIELDS = `id status benchmark { id name } overall { accuracy { ${ACC} } }`;

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
