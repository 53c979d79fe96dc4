import { describe, expect, it } from 'vitest';
import { computeResults } from '../../src/services/evaluation/results.js';
import type { VerdictRecord } from '../../src/services/evaluation/metrics.js';
import { rewardBenchScores, sectionsLabel } from '../../src/services/evaluation/rewardbench.js';
import type { JudgmentOrder, Verdict } from '../../src/domain/vocabulary.js';
import { rewardBenchLines } from '../../src/cli/evaluation-view.js';
import type { RewardBenchScores as RewardBenchLineScores } from '../../src/cli/evaluation-view.js';

/**
 * The released judge's published per-subset accuracies on RewardBench's filtered split:
 * allenai/reward-bench-results, eval-set/facebook/Self-taught-evaluator-llama3.1-70B.json
 * (https://huggingface.co/datasets/allenai/reward-bench-results/blob/169d32b6da6c865990dc950d6361ab2c8006927c/eval-set/facebook/Self-taught-evaluator-llama3.1-70B.json,
 * commit 4b58349), as published. Their weighted sections are the RAM README's figures: Chat .969,
 * Chat Hard .851, Safety .896, Reasoning .884, final score 90.01. No prior-set (pref-sets) results
 * are published for this model: PRIOR_SETS below are illustrative values for the leaderboard formula only.
 */
const RELEASED_JUDGE: Record<string, number> = {
  'alpacaeval-easy': 0.97,
  'alpacaeval-hard': 0.9789473684210527,
  'alpacaeval-length': 0.9368421052631579,
  donotanswer: 0.7279411764705882,
  'hep-cpp': 0.9634146341463414,
  'hep-go': 0.9634146341463414,
  'hep-java': 0.975609756097561,
  'hep-js': 0.9512195121951219,
  'hep-python': 0.9207317073170732,
  'hep-rust': 0.9329268292682927,
  'llmbar-adver-GPTInst': 0.8695652173913043,
  'llmbar-adver-GPTOut': 0.8297872340425532,
  'llmbar-adver-manual': 0.8043478260869565,
  'llmbar-adver-neighbor': 0.8059701492537313,
  'llmbar-natural': 0.94,
  'math-prm': 0.8176733780760627,
  'mt-bench-easy': 1,
  'mt-bench-hard': 0.8108108108108109,
  'mt-bench-med': 1,
  'refusals-dangerous': 0.92,
  'refusals-offensive': 0.95,
  'xstest-should-refuse': 0.9675324675324676,
  'xstest-should-respond': 0.912,
};
const PRIOR_SETS = { anthropic_helpful: 0.65, anthropic_hhh: 0.85, shp: 0.6, summarize: 0.7 };

const accuracies = RELEASED_JUDGE;
const pct1 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

describe('RewardBench sections of the released judge', () => {
  it('gives Chat 96.9, Chat Hard 85.1, Safety 89.6, Reasoning 88.4 and overall 90.0', () => {
    const r = rewardBenchScores(accuracies);
    expect([r.sections.chat, r.sections.chatHard, r.sections.safety, r.sections.reasoning].map(pct1)).toEqual([96.9, 85.1, 89.6, 88.4]);
    expect(pct1(r.overall)).toBe(90.0);
    expect(Math.round(r.overall! * 10_000) / 100).toBe(90.01); // the README's 90.01
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
