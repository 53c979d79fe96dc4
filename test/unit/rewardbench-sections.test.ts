import { describe, expect, it } from 'vitest';
import { computeResults } from '../../src/services/evaluation/results.js';
import type { VerdictRecord } from '../../src/services/evaluation/metrics.js';
import { rewardBenchScores, sectionsLabel } from '../../src/services/evaluation/rewardbench.js';
import type { JudgmentOrder, Verdict } from '../../src/domain/vocabulary.js';
import { rewardBenchLines } from '../../src/cli/evaluation-view.js';
import type { RewardBenchScores as RewardBenchLineScores } from '../../src/cli/evaluation-view.js';

/**
 * Per-subset results (correct / rows of RewardBench's filtered split) whose weighted section scores
 * are the released judge's published ones (facebook/Self-taught-evaluator-llama3.1-70B, RAM README:
 * Chat .969, Chat Hard .851, Safety .896, Reasoning .884, final score 90.014). The published
 * per-subset file is not available offline, so the counts per subset are chosen to give exactly
 * those section scores over the real subset sizes; the prior-set accuracies are invented.
 */
const RELEASED_JUDGE: Record<string, [number, number]> = {
  'alpacaeval-easy': [97, 100],
  'alpacaeval-length': [91, 95],
  'alpacaeval-hard': [93, 95],
  'mt-bench-easy': [28, 28],
  'mt-bench-med': [38, 40],
  'mt-bench-hard': [29, 37],
  'llmbar-natural': [93, 100],
  'llmbar-adver-neighbor': [106, 134],
  'llmbar-adver-GPTInst': [83, 92],
  'llmbar-adver-GPTOut': [38, 47],
  'llmbar-adver-manual': [39, 46],
  'refusals-dangerous': [88, 100],
  'refusals-offensive': [98, 100],
  'xstest-should-refuse': [150, 154],
  'xstest-should-respond': [210, 250],
  donotanswer: [117, 136],
  'math-prm': [381, 447],
  'hep-cpp': [150, 164],
  'hep-go': [149, 164],
  'hep-java': [152, 164],
  'hep-js': [153, 164],
  'hep-python': [153, 164],
  'hep-rust': [144, 164],
};
const PRIOR_SETS = { anthropic_helpful: 0.65, anthropic_hhh: 0.85, shp: 0.6, summarize: 0.7 };

const accuracies = Object.fromEntries(Object.entries(RELEASED_JUDGE).map(([s, [right, n]]) => [s, right / n]));
const pct1 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

describe('RewardBench sections of the released judge', () => {
  it('gives Chat 96.9, Chat Hard 85.1, Safety 89.6, Reasoning 88.4 and overall 90.0', () => {
    const r = rewardBenchScores(accuracies);
    expect([r.sections.chat, r.sections.chatHard, r.sections.safety, r.sections.reasoning].map(pct1)).toEqual([96.9, 85.1, 89.6, 88.4]);
    expect(pct1(r.overall)).toBe(90.0);
    expect(r).toMatchObject({ complete: true, partialMean: null, leaderboard: null, priorSets: null, unscoredSubsets: [] });
    expect(sectionsLabel(r)).toBe('overall');
  });

  it('gives the leaderboard variant with the prior sets at half weight', () => {
    const r = rewardBenchScores({ ...accuracies, ...PRIOR_SETS, anthropic_harmless: 0.5 });
    expect(r.priorSets).toBeCloseTo(0.7, 12);
    // (2 x (sum of the four sections) + 1 x prior sets) / 9
    const sections = r.sections.chat! + r.sections.chatHard! + r.sections.safety! + r.sections.reasoning!;
    expect(r.leaderboard).toBeCloseTo((2 * sections + 0.7) / 9, 12);
    expect(pct1(r.leaderboard)).toBe(87.8);
    expect(pct1(r.overall)).toBe(90.0);
    expect(r.unscoredSubsets).toEqual(['anthropic_harmless']);
  });

  it('reports a file without Safety as partial, never as overall, even with the prior sets', () => {
    const withoutSafety = Object.fromEntries(Object.entries({ ...accuracies, ...PRIOR_SETS }).filter(([s]) => !/^(refusals|xstest|donotanswer)/.test(s)));
    const r = rewardBenchScores(withoutSafety);
    expect(r.sections.safety).toBeNull();
    expect(r).toMatchObject({ overall: null, leaderboard: null, complete: false, sectionsAveraged: ['chat', 'chatHard', 'reasoning'] });
    expect(r.partialMean).toBeCloseTo((r.sections.chat! + r.sections.chatHard! + r.sections.reasoning!) / 3, 12);
    expect(sectionsLabel(r)).toBe('partial (Chat, Chat Hard, Reasoning)');
  });
});

/** k samples per order for an item: `first` and `second` list the verdicts. */
function item(itemId: number, subset: string, first: Verdict[], second: Verdict[]): VerdictRecord[] {
  const rows = (order: JudgmentOrder, vs: Verdict[]) => vs.map((verdict, sample) => ({ itemId, subset, order, sample, verdict }));
  return [...rows('CHOSEN_FIRST', first), ...rows('CHOSEN_SECOND', second)];
}

describe('RewardBench sections with k > 1', () => {
  it('reports the per-sample section scores and, apart, the majority-vote ones', () => {
    // llmbar-natural: 2 of 3 samples right in every order (majority right); GPTOut: 1 of 3 right (majority wrong).
    const records = [
      ...item(1, 'llmbar-natural', ['A', 'A', 'B'], ['B', 'A', 'B']),
      ...item(2, 'llmbar-adver-GPTOut', ['A', 'B', 'B'], ['B', 'A', 'A']),
    ];
    const r = computeResults(records, 1);
    expect(r.rewardBench.scoring).toBe('PER_SAMPLE');
    expect(r.rewardBench.mean.chatHard).toBeCloseTo(((2 / 3) * 100 + (1 / 3) * 47) / 147, 12);
    expect(r.rewardBench.majorityVote).not.toBeNull();
    const vote = r.rewardBench.majorityVote!;
    expect(vote.scoring).toBe('MAJORITY_VOTE');
    expect(vote.majorityVote).toBeNull();
    expect(vote.mean.chatHard).toBeCloseTo(100 / 147, 12);
    expect(vote.chosenFirst.chatHard).toBeCloseTo(100 / 147, 12);
    expect(vote.mean).toMatchObject({ overall: null, label: 'partial (Chat Hard)', sectionsAveraged: ['Chat Hard'] });
    expect(vote.mean.partialMean).toBe(vote.mean.chatHard);
  });
});

describe('ste eval RewardBench lines', () => {
  const scores = (over: Partial<RewardBenchLineScores>): RewardBenchLineScores => ({
    chat: null, chatHard: null, safety: null, reasoning: null, overall: null, partialMean: null, label: 'none', ...over,
  });
  it('says partial and names the sections, labelling per-sample and majority-vote scores', () => {
    const partial = scores({ chatHard: 0.551, partialMean: 0.551, label: 'partial (Chat Hard)' });
    expect(rewardBenchLines({ scoring: 'PER_SAMPLE', mean: partial, majorityVote: { scoring: 'MAJORITY_VOTE', mean: { ...partial, chatHard: 0.6, partialMean: 0.6 } } })).toEqual([
      'RewardBench (per sample): Chat Hard 55.1% · partial (Chat Hard) 55.1%',
      'RewardBench (majority vote): Chat Hard 60.0% · partial (Chat Hard) 60.0%',
    ]);
    const full = scores({ chat: 0.969, chatHard: 0.851, safety: 0.896, reasoning: 0.884, overall: 0.9, label: 'overall' });
    expect(rewardBenchLines({ scoring: 'ONE_VERDICT', mean: full, majorityVote: null })).toEqual([
      'RewardBench (one verdict): Chat 96.9% · Chat Hard 85.1% · Safety 89.6% · Reasoning 88.4% · overall 90.0%',
    ]);
    expect(rewardBenchLines({ scoring: 'ONE_VERDICT', mean: scores({}), majorityVote: null })).toEqual([]);
  });
});
