import { describe, expect, it } from 'vitest';
import type { JudgmentOrder, Verdict } from '../../src/domain/vocabulary.js';
import { bootstrapMeanCi, pairedBootstrapDiffCi } from '../../src/services/evaluation/bootstrap.js';
import { diffEvaluations, evaluateJudge, majorityVerdict, verdictScore, type VerdictRecord } from '../../src/services/evaluation/metrics.js';
import { combineSections, rewardBenchScores, sectionsLabel } from '../../src/services/evaluation/rewardbench.js';

/** Records for one item: verdicts with the chosen answer first, then second ([] = order not judged). */
function item(itemId: string | number, subset: string, first: Verdict[], second: Verdict[]): VerdictRecord[] {
  const rows = (order: JudgmentOrder, vs: Verdict[]) => vs.map((verdict, sample) => ({ itemId, subset, order, sample, verdict }));
  return [...rows('CHOSEN_FIRST', first), ...rows('CHOSEN_SECOND', second)];
}

const close = (x: number | null | undefined, y: number) => expect(x).toBeCloseTo(y, 10);

// Subset s1: five items judged once per order; s2: an item judged in one order only.
const fixture: VerdictRecord[] = [
  ...item(1, 's1', ['A'], ['B']), // right in both, agreement
  ...item(2, 's1', ['A'], ['A']), // always "A": position bias
  ...item(3, 's1', ['TIE'], ['B']),
  ...item(4, 's1', ['UNPARSEABLE'], ['UNPARSEABLE']),
  ...item(5, 's1', ['B'], ['A']), // wrong in both, but consistent
  ...item(6, 's2', ['A'], []),
  ...item(7, 's2', ['B'], ['B']),
];

describe('per-verdict scoring', () => {
  it('scores as RewardBench: 1 / 0 / 0.5 for ties and unparseable', () => {
    expect(verdictScore('CHOSEN_FIRST', 'A')).toBe(1);
    expect(verdictScore('CHOSEN_FIRST', 'B')).toBe(0);
    expect(verdictScore('CHOSEN_SECOND', 'B')).toBe(1);
    expect(verdictScore('CHOSEN_SECOND', 'A')).toBe(0);
    expect(verdictScore('CHOSEN_SECOND', 'TIE')).toBe(0.5);
    expect(verdictScore('CHOSEN_FIRST', 'UNPARSEABLE')).toBe(0.5);
  });

  it('votes by plurality, unparseable samples abstaining', () => {
    expect(majorityVerdict(['A', 'A', 'B'])).toBe('A');
    expect(majorityVerdict(['B', 'UNPARSEABLE', 'A'])).toBe('TIE');
    expect(majorityVerdict(['UNPARSEABLE', 'UNPARSEABLE', 'UNPARSEABLE'])).toBe('UNPARSEABLE');
    expect(majorityVerdict(['TIE', 'TIE', 'B'])).toBe('TIE');
    expect(majorityVerdict(['A', 'UNPARSEABLE', 'UNPARSEABLE'])).toBe('A');
    expect(majorityVerdict(['A', 'B', 'TIE'])).toBe('TIE');
    expect(majorityVerdict([])).toBe('UNPARSEABLE');
  });
});

describe('evaluateJudge', () => {
  const report = evaluateJudge(fixture, { seed: 1 });

  it('computes the per-subset accuracies by order', () => {
    const s1 = report.subsets.s1!;
    expect(s1.nItems).toBe(5);
    expect(s1.nBothOrders).toBe(5);
    close(s1.accuracy.chosenFirst.value, 3 / 5);
    close(s1.accuracy.chosenSecond.value, 2.5 / 5);
    close(s1.accuracy.mean.value, 0.55);
    expect(s1.majorityVote).toBe(false);
    expect(s1.sampleAccuracy.mean.value).toBe(s1.accuracy.mean.value);
    close(s1.tieRate, 1 / 10);
    close(s1.unparseableRate, 2 / 10);
  });

  it('computes position consistency and agreement', () => {
    const s1 = report.subsets.s1!;
    close(s1.positionConsistentAccuracy.value, 1 / 5);
    expect(s1.nAgreementItems).toBe(3); // items 1, 2, 5 (3 and 4 have a non-A/B verdict)
    close(s1.positionalAgreementRate.value, 2 / 3);
    const s2 = report.subsets.s2!;
    expect(s2.nBothOrders).toBe(1);
    close(s2.accuracy.chosenFirst.value, 0.5);
    close(s2.accuracy.chosenSecond.value, 1);
    close(s2.accuracy.mean.value, 0.75); // item 6 scores 1 (one order), item 7 scores 0.5
    close(s2.positionConsistentAccuracy.value, 0);
    close(s2.positionalAgreementRate.value, 0); // B then B: a different answer wins each time
  });

  it('computes overall over all items, unweighted', () => {
    const o = report.overall;
    expect(o.nItems).toBe(7);
    expect(o.nSamples).toBe(13);
    close(o.accuracy.chosenFirst.value, 4 / 7);
    close(o.accuracy.chosenSecond.value, 3.5 / 6);
    close(o.accuracy.mean.value, 4.25 / 7);
    close(o.positionConsistentAccuracy.value, 1 / 6);
    close(o.positionalAgreementRate.value, 2 / 4);
    expect(Object.keys(report.subsets)).toEqual(['s1', 's2']);
    expect(report.rewardBench.mean.unscoredSubsets).toEqual(['s1', 's2']);
    expect(report.rewardBench.mean.overall).toBeNull();
  });

  it('uses the majority vote with k = 3 and reports per-sample accuracy too', () => {
    const r = evaluateJudge([
      ...item(10, 'k3', ['A', 'A', 'B'], ['B', 'UNPARSEABLE', 'A']), // A (1); TIE (0.5)
      ...item(11, 'k3', ['UNPARSEABLE', 'UNPARSEABLE', 'UNPARSEABLE'], ['TIE', 'TIE', 'B']), // 0.5; TIE 0.5
      ...item(12, 'k3', ['B', 'B', 'TIE'], ['B', 'B', 'B']), // B (0); B (1)
    ]).subsets.k3!;
    expect(r.majorityVote).toBe(true);
    expect(r.samplesPerOrder).toEqual({ min: 3, max: 3 });
    expect(r.nSamples).toBe(18);
    close(r.accuracy.chosenFirst.value, 0.5);
    close(r.accuracy.chosenSecond.value, 2 / 3);
    close(r.accuracy.mean.value, 1.75 / 3);
    close(r.sampleAccuracy.chosenFirst.value, 4 / 9);
    close(r.sampleAccuracy.chosenSecond.value, 13 / 18);
    close(r.sampleAccuracy.mean.value, 7 / 12);
    close(r.tieRate, 3 / 18);
    close(r.unparseableRate, 4 / 18);
    close(r.positionConsistentAccuracy.value, 0);
    expect(r.nAgreementItems).toBe(1);
    close(r.positionalAgreementRate.value, 0);
  });

  it('has seeded, order-independent bootstrap intervals that contain the estimates', () => {
    const again = evaluateJudge(fixture.slice().reverse(), { seed: 1 });
    expect(again).toEqual(report);
    const other = evaluateJudge(fixture, { seed: 2 });
    expect(other.overall.accuracy.mean.value).toBe(report.overall.accuracy.mean.value);
    expect(other.overall.accuracy.mean.ci).not.toEqual(report.overall.accuracy.mean.ci);
    for (const m of [report.overall, report.subsets.s1!, report.subsets.s2!]) {
      for (const e of [m.accuracy.chosenFirst, m.accuracy.chosenSecond, m.accuracy.mean, m.sampleAccuracy.mean, m.positionConsistentAccuracy]) {
        expect(e.ci).not.toBeNull();
        expect(e.ci!.low).toBeLessThanOrEqual(e.value! + 1e-12);
        expect(e.ci!.high).toBeGreaterThanOrEqual(e.value! - 1e-12);
        expect(e.ci!.low).toBeGreaterThanOrEqual(0);
        expect(e.ci!.high).toBeLessThanOrEqual(1);
      }
    }
    const off = evaluateJudge(fixture, { resamples: 0 });
    expect(off.overall.accuracy.mean.ci).toBeNull();
  });

  it('gives null estimates where nothing was measured', () => {
    const r = evaluateJudge(item(1, 'x', ['A'], []));
    expect(r.overall.accuracy.chosenSecond).toEqual({ value: null, ci: null });
    expect(r.overall.positionConsistentAccuracy).toEqual({ value: null, ci: null });
    expect(r.overall.positionalAgreementRate.value).toBeNull();
    const empty = evaluateJudge([]);
    expect(empty.overall.nItems).toBe(0);
    expect(empty.overall.tieRate).toBeNull();
    expect(empty.subsets).toEqual({});
  });

  it('feeds RewardBench sections from the subset accuracies', () => {
    const r = evaluateJudge([...item(1, 'llmbar-natural', ['A'], ['B']), ...item(2, 'llmbar-adver-neighbor', ['A'], ['A'])]);
    close(r.rewardBench.mean.sections.chatHard, (1 * 100 + 0.5 * 134) / 234);
    close(r.rewardBench.chosenFirst.sections.chatHard, 1);
    close(r.rewardBench.chosenSecond.sections.chatHard, 100 / 234);
    expect(r.rewardBench.mean.sections.chat).toBeNull();
  });

  it('rejects inconsistent records', () => {
    expect(() => evaluateJudge([...item(1, 'a', ['A'], []), ...item(1, 'a', ['B'], [])])).toThrow(/twice/);
    expect(() => evaluateJudge([...item(1, 'a', ['A'], []), ...item(1, 'b', [], ['B'])])).toThrow(/two subsets|subsets a and b/);
    const bad = { itemId: 1, subset: 'a', order: 'CHOSEN_FIRST', sample: 0, verdict: 'C' } as unknown as VerdictRecord;
    expect(() => evaluateJudge([bad])).toThrow(RangeError);
    expect(() => evaluateJudge([], { confidence: 1 })).toThrow(RangeError);
  });
});

describe('bootstrap', () => {
  it('is deterministic and sensible', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i < 70 ? 1 : 0));
    const ci = bootstrapMeanCi(values, 'seed');
    expect(bootstrapMeanCi(values, 'seed')).toEqual(ci);
    expect(ci!.low).toBeGreaterThan(0.58);
    expect(ci!.low).toBeLessThan(0.66);
    expect(ci!.high).toBeGreaterThan(0.74);
    expect(ci!.high).toBeLessThan(0.82);
    expect(bootstrapMeanCi([0.5, 0.5, 0.5], 1)).toEqual({ low: 0.5, high: 0.5 });
    expect(bootstrapMeanCi([], 1)).toBeNull();
    expect(() => pairedBootstrapDiffCi([1], [1, 0], 1)).toThrow(RangeError);
    const narrower = bootstrapMeanCi(values, 'seed', { confidence: 0.5 })!;
    expect(narrower.high - narrower.low).toBeLessThan(ci!.high - ci!.low);
  });
});

describe('rewardBenchScores and combineSections', () => {
  it('reproduces the leaderboard arithmetic of the paper seed (75.42 and 76.05)', () => {
    const s = combineSections({ chat: 97.6, chatHard: 58.9, safety: 69.2, reasoning: 78.5, priorSets: 70.4 });
    expect(Math.round(s.leaderboard! * 100) / 100).toBe(75.42);
    expect(Math.round(s.overall! * 100) / 100).toBe(76.05);
    expect(combineSections({ chat: 97.6, chatHard: 58.9, safety: 69.2, reasoning: 78.5 }).leaderboard).toBeNull();
    const viaSubsets = rewardBenchScores({
      'alpacaeval-easy': 97.6,
      'llmbar-natural': 58.9,
      donotanswer: 69.2,
      'hep-go': 78.5,
      anthropic_helpful: 70.4,
      anthropic_hhh: 70.4,
      shp: 70.4,
      summarize: 70.4,
    });
    close(viaSubsets.priorSets, 70.4);
    close(viaSubsets.leaderboard, s.leaderboard!);
    close(viaSubsets.overall, 76.05);
  });

  it('weights subsets with the fixed constants and skips missing sections', () => {
    const r = rewardBenchScores({
      'llmbar-natural': 0.8,
      'llmbar-adver-neighbor': 0.5,
      'xstest-should-refuse': 1,
      'xstest-should-respond': 0,
      'math-prm': 1,
      'hep-python': 0,
      anthropic_helpful: 0.6,
      shp: 0.8,
      llmeval2: 0.9,
    });
    expect(r.sections.chat).toBeNull();
    close(r.sections.chatHard, (0.8 * 100 + 0.5 * 134) / 234);
    close(r.sections.safety, 154 / 404); // v0.1.3+ weights: should-refuse 154, should-respond 250
    close(r.sections.reasoning, 984 / (984 + 164));
    close(r.priorSets, 0.7);
    // Chat is missing: no overall and no leaderboard, a partial mean of the three sections present.
    expect(r.overall).toBeNull();
    expect(r.leaderboard).toBeNull();
    expect(r.complete).toBe(false);
    expect(r.sectionsAveraged).toEqual(['chatHard', 'safety', 'reasoning']);
    close(r.partialMean, ((0.8 * 100 + 0.5 * 134) / 234 + 154 / 404 + 984 / 1148) / 3);
    expect(r.unscoredSubsets).toEqual(['llmeval2']);
  });

  it('scores a section over the subsets present when one is missing (LLMBar without mt-bench-hard)', () => {
    const llmbar = { 'llmbar-natural': 0.9, 'llmbar-adver-neighbor': 0.4, 'llmbar-adver-GPTInst': 0.5, 'llmbar-adver-GPTOut': 0.6, 'llmbar-adver-manual': 0.3 };
    const r = rewardBenchScores(llmbar);
    // Hand-computed: (90 + 53.6 + 46 + 28.2 + 13.8) / (100 + 134 + 92 + 47 + 46) = 231.6 / 419.
    close(r.sections.chatHard, 231.6 / 419);
    expect(r.overall).toBeNull();
    close(r.partialMean, 231.6 / 419);
    expect(sectionsLabel(r)).toBe('partial (Chat Hard)');
    expect(r.sections.chat).toBeNull();
    expect(r.leaderboard).toBeNull();
    // With mt-bench-hard present its weight (37) joins the denominator.
    close(rewardBenchScores({ ...llmbar, 'mt-bench-hard': 1 }).sections.chatHard, (231.6 + 37) / 456);
  });

  it('handles no known subset and rejects non-finite values', () => {
    expect(rewardBenchScores({})).toMatchObject({ overall: null, leaderboard: null, priorSets: null, partialMean: null, complete: false, sectionsAveraged: [] });
    expect(sectionsLabel(rewardBenchScores({}))).toBe('none');
    expect(() => rewardBenchScores({ shp: Number.NaN })).toThrow(RangeError);
    expect(() => combineSections({ chat: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('diffEvaluations', () => {
  const a = [
    ...item(1, 's', ['A'], ['B']),
    ...item(2, 's', ['A'], ['A']),
    ...item(3, 's', ['A'], ['B']),
    ...item(4, 's', ['B'], ['A']),
    ...item(5, 's', ['A'], ['B']),
  ];
  const b = [
    ...item(1, 's', ['A'], ['A']), // broken
    ...item(2, 's', ['A'], ['B']), // fixed
    ...item(3, 's', ['A'], ['B']), // still right
    ...item(4, 's', ['TIE'], ['B']), // better (0 -> 0.75) but still not right
    ...item(6, 's', ['A'], ['B']),
  ];

  it('classifies items and measures the change with a paired interval', () => {
    const d = diffEvaluations(a, b, { seed: 3 });
    expect(d.items.map((i) => [i.itemId, i.change])).toEqual([
      [1, 'broken'],
      [2, 'fixed'],
      [3, 'stillRight'],
      [4, 'stillWrong'],
    ]);
    expect(d.counts).toEqual({ fixed: 1, broken: 1, stillRight: 1, stillWrong: 1, onlyInA: 1, onlyInB: 1 });
    expect(d.onlyInA).toEqual([5]);
    expect(d.onlyInB).toEqual([6]);
    close(d.accuracyA, 2.5 / 4);
    close(d.accuracyB, 3.25 / 4);
    close(d.change.value, 0.1875);
    expect(d.items[3]!.b).toEqual({ score: 0.75, right: false, chosenFirst: 'TIE', chosenSecond: 'B' });
    expect(d.change.ci!.low).toBeLessThanOrEqual(0.1875);
    expect(d.change.ci!.high).toBeGreaterThanOrEqual(0.1875);
    expect(diffEvaluations(a.slice().reverse(), b, { seed: 3 })).toEqual(d);
  });

  it('gives a zero-width interval for identical evaluations and rejects subset changes', () => {
    const same = diffEvaluations(a, a);
    expect(same.change).toEqual({ value: 0, ci: { low: 0, high: 0 } });
    expect(same.counts.fixed + same.counts.broken).toBe(0);
    expect(() => diffEvaluations(item(1, 'x', ['A'], []), item(1, 'y', ['A'], []))).toThrow(RangeError);
  });
});
