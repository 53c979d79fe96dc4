/**
 * Judge evaluation metrics on a labelled pairwise benchmark, scored as RewardBench scores
 * generative judges (1 correct, 0 wrong, 0.5 for a tie or an unparseable verdict), reported for
 * both orders, with seeded bootstrap intervals over items. Pure: the services pass in the verdicts.
 */
import type { JudgmentOrder, Verdict } from '../../domain/vocabulary.js';
import { bootstrapMeanCi, pairedBootstrapDiffCi, resolveBootstrapOptions, type BootstrapOptions, type Interval } from './bootstrap.js';
import { deriveSeed, type Seed } from '../../domain/rng.js';
import { rewardBenchScores, type RewardBenchScores } from './rewardbench.js';

export type { Interval } from './bootstrap.js';


/** One judge sample: for CHOSEN_FIRST the correct verdict is A, for CHOSEN_SECOND it is B. */
export type VerdictRecord = { itemId: string | number; subset: string; order: JudgmentOrder; sample: number; verdict: Verdict };

export type Estimate = { value: number | null; ci: Interval | null };
export type AccuracyByOrder = { chosenFirst: Estimate; chosenSecond: Estimate; mean: Estimate };

export type JudgeMetrics = {
  nItems: number;
  /** Items judged in both orders. */
  nBothOrders: number;
  nSamples: number;
  /** Fewest and most samples seen for one item and order. */
  samplesPerOrder: { min: number; max: number };
  /** True when some item and order has more than one sample (then `accuracy` is by majority vote). */
  majorityVote: boolean;
  /**
   * Accuracy of the per-order verdict (the majority vote of its samples; the one verdict when k = 1)
   * with the chosen answer first, second, and `mean`: the mean over items of each item's mean over
   * the orders it was judged in (= the mean of the two when every item has both orders).
   */
  accuracy: AccuracyByOrder;
  /** The same, scoring every sample on its own (mean per-sample accuracy). */
  sampleAccuracy: AccuracyByOrder;
  /** Items correct in both orders / items judged in both orders. */
  positionConsistentAccuracy: Estimate;
  /** Among items whose two order verdicts are both A or B: share where the same answer wins in both. */
  positionalAgreementRate: Estimate;
  nAgreementItems: number;
  /** Shares of all samples that are TIE / UNPARSEABLE; null without samples. */
  tieRate: number | null;
  unparseableRate: number | null;
};

export type EvaluationReport = {
  /** All items, unweighted (not RewardBench's section weighting). */
  overall: JudgeMetrics;
  /** Per subset, keys sorted. */
  subsets: Record<string, JudgeMetrics>;
  /** RewardBench section scores of the subsets' accuracies, for the order mean and each order. */
  rewardBench: { mean: RewardBenchScores; chosenFirst: RewardBenchScores; chosenSecond: RewardBenchScores };
};

export type MetricsOptions = BootstrapOptions & {
  /** Seed of the bootstrap; default 0. Each statistic draws from its own derived stream. */
  seed?: Seed;
};

type OrderSummary = { verdict: Verdict; score: number; sampleScore: number; samples: number; ties: number; unparseable: number };
export type ItemSummary = { itemId: string | number; subset: string; first: OrderSummary | null; second: OrderSummary | null };

const VERDICTS: ReadonlySet<string> = new Set(['A', 'B', 'TIE', 'UNPARSEABLE']);

/** RewardBench per-example score: 1 correct, 0 wrong, 0.5 for TIE or UNPARSEABLE. */
export function verdictScore(order: JudgmentOrder, verdict: Verdict): number {
  if (verdict === 'TIE' || verdict === 'UNPARSEABLE') return 0.5;
  return verdict === (order === 'CHOSEN_FIRST' ? 'A' : 'B') ? 1 : 0;
}

/**
 * Majority vote of samples: the most frequent of A, B and TIE (UNPARSEABLE samples abstain);
 * a tie for the most votes gives TIE; no parseable sample at all gives UNPARSEABLE.
 */
export function majorityVerdict(verdicts: readonly Verdict[]): Verdict {
  const counts = { A: 0, B: 0, TIE: 0 };
  for (const v of verdicts) if (v !== 'UNPARSEABLE') counts[v] += 1;
  const top = Math.max(counts.A, counts.B, counts.TIE);
  if (top === 0) return 'UNPARSEABLE';
  const leaders = (['A', 'B', 'TIE'] as const).filter((k) => counts[k] === top);
  return leaders.length === 1 ? leaders[0]! : 'TIE';
}

/**
 * Groups verdict records per item and order, sorted by item id (numbers before strings), so the
 * result does not depend on record order. Throws a RangeError for an unknown order or verdict, a
 * repeated (item, order, sample), or an item given under two subsets.
 */
export function summarizeItems(records: readonly VerdictRecord[]): ItemSummary[] {
  const byItem = new Map<string | number, { subset: string; first: Verdict[]; second: Verdict[]; seen: Set<string> }>();
  for (const r of records) {
    if (r.order !== 'CHOSEN_FIRST' && r.order !== 'CHOSEN_SECOND') throw new RangeError(`unknown order ${String(r.order)} for item ${r.itemId}`);
    if (!VERDICTS.has(r.verdict)) throw new RangeError(`unknown verdict ${String(r.verdict)} for item ${r.itemId}`);
    let entry = byItem.get(r.itemId);
    if (!entry) byItem.set(r.itemId, (entry = { subset: r.subset, first: [], second: [], seen: new Set() }));
    if (entry.subset !== r.subset) throw new RangeError(`item ${r.itemId} appears in subsets ${entry.subset} and ${r.subset}`);
    const key = `${r.order}/${r.sample}`;
    if (entry.seen.has(key)) throw new RangeError(`item ${r.itemId} has sample ${r.sample} of ${r.order} twice`);
    entry.seen.add(key);
    (r.order === 'CHOSEN_FIRST' ? entry.first : entry.second).push(r.verdict);
  }
  return [...byItem.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([itemId, e]) => ({ itemId, subset: e.subset, first: summarizeOrder('CHOSEN_FIRST', e.first), second: summarizeOrder('CHOSEN_SECOND', e.second) }));
}

function summarizeOrder(order: JudgmentOrder, verdicts: Verdict[]): OrderSummary | null {
  if (verdicts.length === 0) return null;
  const verdict = majorityVerdict(verdicts);
  const sampleScore = verdicts.reduce((s, v) => s + verdictScore(order, v), 0) / verdicts.length;
  const ties = verdicts.filter((v) => v === 'TIE').length;
  const unparseable = verdicts.filter((v) => v === 'UNPARSEABLE').length;
  return { verdict, score: verdictScore(order, verdict), sampleScore, samples: verdicts.length, ties, unparseable };
}

/** An item's score: the mean of its order scores (majority vote), over the orders judged. */
export function itemScore(item: ItemSummary): number {
  const scores = [item.first, item.second].filter((o): o is OrderSummary => o !== null).map((o) => o.score);
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** True when the item is correct in every order it was judged in. */
export function itemRight(item: ItemSummary): boolean {
  return [item.first, item.second].every((o) => o === null || o.score === 1);
}

/**
 * Metrics per subset and overall, with percentile bootstrap 95% intervals (default 1000 resamples
 * over items, seed 0). Throws a RangeError for bad records (see `summarizeItems`) or bad options.
 */
export function evaluateJudge(records: readonly VerdictRecord[], options: MetricsOptions = {}): EvaluationReport {
  resolveBootstrapOptions(options);
  const items = summarizeItems(records);
  const subsetNames = [...new Set(items.map((i) => i.subset))].sort();
  const subsets: Record<string, JudgeMetrics> = {};
  for (const name of subsetNames) {
    subsets[name] = computeMetrics(
      items.filter((i) => i.subset === name),
      ['subset', name],
      options,
    );
  }
  const pick = (f: (m: JudgeMetrics) => number | null) =>
    Object.fromEntries(subsetNames.flatMap((s) => (f(subsets[s]!) === null ? [] : [[s, f(subsets[s]!)!]])));
  return {
    overall: computeMetrics(items, ['overall'], options),
    subsets,
    rewardBench: {
      mean: rewardBenchScores(pick((m) => m.accuracy.mean.value)),
      chosenFirst: rewardBenchScores(pick((m) => m.accuracy.chosenFirst.value)),
      chosenSecond: rewardBenchScores(pick((m) => m.accuracy.chosenSecond.value)),
    },
  };
}

function computeMetrics(items: readonly ItemSummary[], key: string[], options: MetricsOptions): JudgeMetrics {
  const seed = options.seed ?? 0;
  const estimate = (stat: string, values: number[]): Estimate => ({
    value: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    ci: bootstrapMeanCi(values, deriveSeed(seed, 'bootstrap', ...key, stat), options),
  });
  const firsts = items.flatMap((i) => (i.first ? [i.first] : []));
  const seconds = items.flatMap((i) => (i.second ? [i.second] : []));
  const both = items.filter((i) => i.first && i.second);
  const decided = both.filter((i) => isAB(i.first!.verdict) && isAB(i.second!.verdict));
  const orders = [...firsts, ...seconds];
  const nSamples = orders.reduce((s, o) => s + o.samples, 0);
  const perOrder = orders.map((o) => o.samples);
  const sampleMean = (i: ItemSummary) => {
    const s = [i.first, i.second].filter((o): o is OrderSummary => o !== null).map((o) => o.sampleScore);
    return s.reduce((a, b) => a + b, 0) / s.length;
  };
  return {
    nItems: items.length,
    nBothOrders: both.length,
    nSamples,
    samplesPerOrder: { min: perOrder.length ? Math.min(...perOrder) : 0, max: perOrder.length ? Math.max(...perOrder) : 0 },
    majorityVote: perOrder.some((k) => k > 1),
    accuracy: {
      chosenFirst: estimate('accuracy/first', firsts.map((o) => o.score)),
      chosenSecond: estimate('accuracy/second', seconds.map((o) => o.score)),
      mean: estimate('accuracy/mean', items.map(itemScore)),
    },
    sampleAccuracy: {
      chosenFirst: estimate('sample/first', firsts.map((o) => o.sampleScore)),
      chosenSecond: estimate('sample/second', seconds.map((o) => o.sampleScore)),
      mean: estimate('sample/mean', items.map(sampleMean)),
    },
    positionConsistentAccuracy: estimate('consistent', both.map((i) => (i.first!.score === 1 && i.second!.score === 1 ? 1 : 0))),
    positionalAgreementRate: estimate('agreement', decided.map((i) => ((i.first!.verdict === 'A') === (i.second!.verdict === 'B') ? 1 : 0))),
    nAgreementItems: decided.length,
    tieRate: nSamples ? orders.reduce((s, o) => s + o.ties, 0) / nSamples : null,
    unparseableRate: nSamples ? orders.reduce((s, o) => s + o.unparseable, 0) / nSamples : null,
  };
}

function isAB(v: Verdict): boolean {
  return v === 'A' || v === 'B';
}

/** Numbers first (ascending), then strings (code-unit order): independent of locale. */
export function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export type ItemOutcome = { score: number; right: boolean; chosenFirst: Verdict | null; chosenSecond: Verdict | null };
export type ItemChange = 'fixed' | 'broken' | 'stillRight' | 'stillWrong';

export type EvaluationDiff = {
  /** Items in both evaluations, sorted by id. */
  items: { itemId: string | number; subset: string; change: ItemChange; a: ItemOutcome; b: ItemOutcome }[];
  counts: Record<ItemChange, number> & { onlyInA: number; onlyInB: number };
  onlyInA: (string | number)[];
  onlyInB: (string | number)[];
  /** Mean item scores (as `accuracy.mean`) over the items in both; null when there are none. */
  accuracyA: number | null;
  accuracyB: number | null;
  /** accuracyB - accuracyA, with a paired bootstrap interval over the common items. */
  change: Estimate;
};

/**
 * Compares two evaluations of the same judge items (e.g. iteration t against t+1), item by item.
 * An item is "right" when it is correct in every order it was judged in (majority vote per order),
 * "wrong" otherwise (a tie or unparseable verdict is not right). Items in only one evaluation are
 * listed apart and left out of the comparison. The interval is seeded (default seed 0, 1000
 * resamples, 95%). Throws a RangeError for bad records, or an item under different subsets in a and b.
 */
export function diffEvaluations(a: readonly VerdictRecord[], b: readonly VerdictRecord[], options: MetricsOptions = {}): EvaluationDiff {
  resolveBootstrapOptions(options);
  const itemsA = summarizeItems(a);
  const itemsB = new Map(summarizeItems(b).map((i) => [i.itemId, i]));
  const inA = new Set(itemsA.map((i) => i.itemId));
  const items: EvaluationDiff['items'] = [];
  const onlyInA: (string | number)[] = [];
  for (const ia of itemsA) {
    const ib = itemsB.get(ia.itemId);
    if (!ib) {
      onlyInA.push(ia.itemId);
      continue;
    }
    if (ib.subset !== ia.subset) throw new RangeError(`item ${ia.itemId} is in subset ${ia.subset} in a but ${ib.subset} in b`);
    const oa = outcome(ia);
    const ob = outcome(ib);
    const change: ItemChange = oa.right ? (ob.right ? 'stillRight' : 'broken') : ob.right ? 'fixed' : 'stillWrong';
    items.push({ itemId: ia.itemId, subset: ia.subset, change, a: oa, b: ob });
  }
  const onlyInB = [...itemsB.keys()].filter((id) => !inA.has(id)).sort(compareIds);
  const counts = { fixed: 0, broken: 0, stillRight: 0, stillWrong: 0, onlyInA: onlyInA.length, onlyInB: onlyInB.length };
  for (const i of items) counts[i.change] += 1;
  const scoresA = items.map((i) => i.a.score);
  const scoresB = items.map((i) => i.b.score);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const accuracyA = mean(scoresA);
  const accuracyB = mean(scoresB);
  const ci = pairedBootstrapDiffCi(scoresA, scoresB, deriveSeed(options.seed ?? 0, 'bootstrap', 'diff'), options);
  return {
    items,
    counts,
    onlyInA,
    onlyInB,
    accuracyA,
    accuracyB,
    change: { value: accuracyA === null || accuracyB === null ? null : accuracyB - accuracyA, ci },
  };
}

function outcome(item: ItemSummary): ItemOutcome {
  return { score: itemScore(item), right: itemRight(item), chosenFirst: item.first?.verdict ?? null, chosenSecond: item.second?.verdict ?? null };
}
