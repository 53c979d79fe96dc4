/**
 * The results of an evaluation as the API shows them, computed from its verdicts with metrics.ts
 * and rewardbench.ts. Pure: the same verdicts and seed always give the same results.
 *
 * With one sample per order (k = 1, the default) the accuracies are those of the one verdict.
 * With k > 1 they score every sample on its own (the expected accuracy of one sampled judgment)
 * and `majorityVote` holds the accuracies of the per-order majority verdicts (per subset, and the
 * RewardBench sections in `rewardBench.majorityVote`, labelled by `scoring`); position
 * consistency and agreement are read from the per-order verdicts (the majority when k > 1).
 */
import { evaluateJudge } from './metrics.js';
import type { AccuracyByOrder, Estimate, JudgeMetrics, VerdictRecord } from './metrics.js';
import { rewardBenchScores, sectionsLabel, SECTION_TITLES } from './rewardbench.js';
import type { RewardBenchScores } from './rewardbench.js';

/** A share in [0, 1] with its 95% percentile bootstrap interval over items. */
export type AccuracyView = { value: number; low: number; high: number };
export type OrderAccuracyView = { chosenFirst: AccuracyView | null; chosenSecond: AccuracyView | null; mean: AccuracyView | null };

export type MetricsView = {
  /** Subset name, or "overall". */
  subset: string;
  items: number;
  itemsBothOrders: number;
  verdicts: number;
  samplesPerOrder: { min: number; max: number };
  chosenFirst: AccuracyView | null;
  chosenSecond: AccuracyView | null;
  accuracy: AccuracyView | null;
  positionConsistent: AccuracyView | null;
  agreementRate: AccuracyView | null;
  agreementItems: number;
  tieRate: number | null;
  unparseableRate: number | null;
  /** Null unless some item and order has more than one sample. */
  majorityVote: OrderAccuracyView | null;
};

export type RewardBenchView = {
  chat: number | null;
  chatHard: number | null;
  safety: number | null;
  reasoning: number | null;
  priorSets: number | null;
  /** Null unless all four sections are present. */
  overall: number | null;
  leaderboard: number | null;
  complete: boolean;
  /** Titles of the sections present ("Chat Hard", ...). */
  sectionsAveraged: string[];
  /** Mean of the sections present when one to three are. */
  partialMean: number | null;
  /** "overall", "partial (Chat Hard)" or "none". */
  label: string;
  unscoredSubsets: string[];
};

/**
 * ONE_VERDICT: k = 1, each order's one verdict; PER_SAMPLE: k > 1, every sample scored on its own;
 * MAJORITY_VOTE: k > 1, each order's majority verdict.
 */
export type RewardBenchScoring = 'ONE_VERDICT' | 'PER_SAMPLE' | 'MAJORITY_VOTE';

export type RewardBenchReportView = {
  scoring: RewardBenchScoring;
  mean: RewardBenchView;
  chosenFirst: RewardBenchView;
  chosenSecond: RewardBenchView;
  /** With k > 1, the same scored from the majority verdicts; null with k = 1. */
  majorityVote: RewardBenchReportView | null;
};

export type EvaluationResults = {
  overall: MetricsView;
  /** By subset name. */
  subsets: MetricsView[];
  /** Section scores of the subsets' accuracies (as `subsets` show them): their order mean, and each order. */
  rewardBench: RewardBenchReportView;
};

/** Resamples of every interval. */
const RESAMPLES = 1000;

export function computeResults(records: readonly VerdictRecord[], seed: number): EvaluationResults {
  const report = evaluateJudge(records, { seed, resamples: RESAMPLES });
  const subsets = Object.entries(report.subsets).map(([name, m]) => metricsView(name, m));
  const shown = rewardBenchReport(report.overall.majorityVote ? 'PER_SAMPLE' : 'ONE_VERDICT', report.subsets, (m) => (m.majorityVote ? m.sampleAccuracy : m.accuracy));
  return {
    overall: metricsView('overall', report.overall),
    subsets,
    rewardBench: {
      ...shown,
      majorityVote: report.overall.majorityVote ? rewardBenchReport('MAJORITY_VOTE', report.subsets, (m) => m.accuracy) : null,
    },
  };
}

/** Section scores of the subsets' accuracies chosen by `accuracies`, for the order mean and each order. */
function rewardBenchReport(scoring: RewardBenchScoring, subsets: Record<string, JudgeMetrics>, accuracies: (m: JudgeMetrics) => AccuracyByOrder): RewardBenchReportView {
  const pick = (key: keyof AccuracyByOrder) =>
    Object.fromEntries(Object.entries(subsets).flatMap(([name, m]) => {
      const value = accuracies(m)[key].value;
      return value === null ? [] : [[name, value]];
    }));
  return {
    scoring,
    mean: rewardBenchView(rewardBenchScores(pick('mean'))),
    chosenFirst: rewardBenchView(rewardBenchScores(pick('chosenFirst'))),
    chosenSecond: rewardBenchView(rewardBenchScores(pick('chosenSecond'))),
    majorityVote: null,
  };
}

function metricsView(subset: string, m: JudgeMetrics): MetricsView {
  const main: AccuracyByOrder = m.majorityVote ? m.sampleAccuracy : m.accuracy;
  return {
    subset,
    items: m.nItems,
    itemsBothOrders: m.nBothOrders,
    verdicts: m.nSamples,
    samplesPerOrder: m.samplesPerOrder,
    chosenFirst: accuracyView(main.chosenFirst),
    chosenSecond: accuracyView(main.chosenSecond),
    accuracy: accuracyView(main.mean),
    positionConsistent: accuracyView(m.positionConsistentAccuracy),
    agreementRate: accuracyView(m.positionalAgreementRate),
    agreementItems: m.nAgreementItems,
    tieRate: m.tieRate,
    unparseableRate: m.unparseableRate,
    majorityVote: m.majorityVote
      ? { chosenFirst: accuracyView(m.accuracy.chosenFirst), chosenSecond: accuracyView(m.accuracy.chosenSecond), mean: accuracyView(m.accuracy.mean) }
      : null,
  };
}

function accuracyView(e: Estimate): AccuracyView | null {
  return e.value === null || e.ci === null ? null : { value: e.value, low: e.ci.low, high: e.ci.high };
}

function rewardBenchView(s: RewardBenchScores): RewardBenchView {
  return {
    ...s.sections,
    priorSets: s.priorSets,
    overall: s.overall,
    leaderboard: s.leaderboard,
    complete: s.complete,
    sectionsAveraged: s.sectionsAveraged.map((k) => SECTION_TITLES[k]),
    partialMean: s.partialMean,
    label: sectionsLabel(s),
    unscoredSubsets: s.unscoredSubsets,
  };
}

/** True for results stored before `rewardBench.scoring` existed: compute them again from the verdicts. */
export function isOutdatedResults(results: unknown): boolean {
  const rb = (results as { rewardBench?: { scoring?: unknown } } | null)?.rewardBench;
  return typeof rb?.scoring !== 'string';
}
