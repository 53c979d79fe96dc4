import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/domain/errors.js';
import { itemOrders, resolveEvaluateOptions } from '../../src/services/evaluation/options.js';
import type { EvaluateOptionsInput } from '../../src/services/evaluation/options.js';
import { computeResults } from '../../src/services/evaluation/results.js';
import type { VerdictRecord } from '../../src/services/evaluation/metrics.js';
import { DEFAULT_JUDGE_TEMPLATE } from '../../src/domain/prompts.js';
import type { JudgmentOrder, Verdict } from '../../src/domain/vocabulary.js';

const defaults = { judgeTemplate: DEFAULT_JUDGE_TEMPLATE, subsetNames: ['llmbar-natural', 'llmbar-adver-GPTOut'] };

function fieldOf(input: EvaluateOptionsInput): string | undefined {
  try {
    resolveEvaluateOptions(input, defaults);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('BAD_USER_INPUT');
    return (error as ServiceError).field;
  }
}

describe(resolveEvaluateOptions.name, () => {
  it('defaults to both orders, one greedy sample, and the given template', () => {
    expect(resolveEvaluateOptions(null, defaults)).toEqual({
      order: 'BOTH',
      samples: 1,
      temperature: 0,
      topP: 1,
      maxTokens: 2048,
      seed: 1,
      judgeTemplate: { ...DEFAULT_JUDGE_TEMPLATE, verdictTie: DEFAULT_JUDGE_TEMPLATE.verdictTie },
      subsets: null,
    });
    expect(resolveEvaluateOptions({ subsets: ['llmbar-natural', ' llmbar-natural'] }, defaults).subsets).toEqual(['llmbar-natural']);
  });

  it('names the field of every bad value', () => {
    expect(fieldOf({ samples: 0 })).toBe('options.samples');
    expect(fieldOf({ samples: 65, temperature: 1 })).toBe('options.samples');
    expect(fieldOf({ samples: 1.5 })).toBe('options.samples');
    expect(fieldOf({ samples: 5 })).toBe('options.temperature'); // k > 1 needs temperature > 0
    expect(fieldOf({ samples: 5, temperature: 0.7 })).toBeUndefined();
    expect(fieldOf({ temperature: -1 })).toBe('options.temperature');
    expect(fieldOf({ topP: 0 })).toBe('options.topP');
    expect(fieldOf({ maxTokens: 0 })).toBe('options.maxTokens');
    expect(fieldOf({ seed: -1 })).toBe('options.seed');
    expect(fieldOf({ subsets: [] })).toBe('options.subsets');
    expect(fieldOf({ subsets: ['mt-bench-hard'] })).toBe('options.subsets');
    const output = { system: '', user: '{question} {answer_a} {answer_b}', verdictA: 'Output \\(a\\)', verdictB: 'Output \\(b\\)' };
    expect(fieldOf({ judgeTemplate: output })).toBeUndefined();
    expect(fieldOf({ judgeTemplate: { ...output, verdictA: 'Output (a' } })).toBe('options.judgeTemplate.verdictA');
    expect(fieldOf({ judgeTemplate: { ...output, verdictB: '[' } })).toBe('options.judgeTemplate.verdictB');
    expect(fieldOf({ judgeTemplate: { ...output, user: '{question} {answer_a}' } })).toBe('options.judgeTemplate.user');
  });
});

describe(itemOrders.name, () => {
  const items = Array.from({ length: 400 }, (_, i) => ({ position: i + 1, promptHash: `hash-${i}` }));

  it('judges both orders, the given one, or one drawn from the seed per item', () => {
    expect(itemOrders({ order: 'BOTH', seed: 1 }, items[0]!)).toEqual(['CHOSEN_FIRST', 'CHOSEN_SECOND']);
    expect(itemOrders({ order: 'AS_GIVEN', seed: 1 }, items[0]!)).toEqual(['CHOSEN_FIRST']);
    const drawn = (seed: number) => items.map((item) => itemOrders({ order: 'RANDOM_SEEDED', seed }, item)[0]);
    expect(drawn(7)).toEqual(drawn(7));
    expect(drawn(7)).not.toEqual(drawn(8));
    const firsts = drawn(7).filter((o) => o === 'CHOSEN_FIRST').length;
    expect(firsts).toBeGreaterThan(160);
    expect(firsts).toBeLessThan(240);
  });
});

/** Records for one item: verdicts with the chosen answer first, then second. */
function item(itemId: number, subset: string, first: Verdict[], second: Verdict[]): VerdictRecord[] {
  const rows = (order: JudgmentOrder, vs: Verdict[]) => vs.map((verdict, sample) => ({ itemId, subset, order, sample, verdict }));
  return [...rows('CHOSEN_FIRST', first), ...rows('CHOSEN_SECOND', second)];
}

describe(computeResults.name, () => {
  it('reports the one verdict per order with k = 1, and section scores over the subsets present', () => {
    const records = [
      ...item(1, 'llmbar-natural', ['A'], ['B']),
      ...item(2, 'llmbar-natural', ['A'], ['A']),
      ...item(3, 'llmbar-adver-GPTOut', ['UNPARSEABLE'], ['B']),
      ...item(4, 'llmbar-adver-GPTOut', ['B'], ['B']),
    ];
    const r = computeResults(records, 1);
    expect(r.subsets.map((s) => s.subset)).toEqual(['llmbar-adver-GPTOut', 'llmbar-natural']);
    const [gptout, natural] = r.subsets;
    expect(natural!.chosenFirst!.value).toBe(1);
    expect(natural!.chosenSecond!.value).toBe(0.5);
    expect(natural!.accuracy!.value).toBe(0.75);
    expect(natural!.agreementRate!.value).toBe(0.5);
    expect(gptout!.chosenFirst!.value).toBe(0.25); // unparseable 0.5, wrong 0
    expect(gptout!.chosenSecond!.value).toBe(1);
    expect(gptout!.unparseableRate).toBe(0.25);
    expect(gptout!.majorityVote).toBeNull();
    expect(r.overall.accuracy!.value).toBe((0.75 * 2 + 0.625 * 2) / 4);
    // Chat Hard without mt-bench-hard: the fixed weights of the subsets present (100 and 47).
    expect(r.rewardBench.mean.chatHard).toBeCloseTo((0.75 * 100 + 0.625 * 47) / 147, 12);
    expect(r.rewardBench.chosenFirst.chatHard).toBeCloseTo((1 * 100 + 0.25 * 47) / 147, 12);
    expect(r.rewardBench.mean).toMatchObject({ chat: null, safety: null, reasoning: null, priorSets: null, leaderboard: null });
    // Only Chat Hard is present: a partial figure, never labelled overall.
    expect(r.rewardBench.mean).toMatchObject({ overall: null, complete: false, sectionsAveraged: ['Chat Hard'], label: 'partial (Chat Hard)' });
    expect(r.rewardBench.mean.partialMean).toBe(r.rewardBench.mean.chatHard);
    expect(r.rewardBench).toMatchObject({ scoring: 'ONE_VERDICT', majorityVote: null });
    expect(computeResults([...records].reverse(), 1)).toEqual(r);
  });

  it('scores every sample with k > 1 and adds the majority-vote accuracies', () => {
    const r = computeResults([...item(1, 's', ['A', 'A', 'B'], ['B', 'A', 'A']), ...item(2, 's', ['A', 'B', 'B'], ['B', 'B', 'B'])], 2);
    const s = r.subsets[0]!;
    expect(s.chosenFirst!.value).toBeCloseTo((2 / 3 + 1 / 3) / 2, 12);
    expect(s.chosenSecond!.value).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(s.majorityVote!.chosenFirst!.value).toBe(0.5);
    expect(s.majorityVote!.chosenSecond!.value).toBe(0.5);
    expect(s.majorityVote!.mean!.value).toBe(0.5);
    expect(s.verdicts).toBe(12);
  });

  it('gives empty results before the first verdict', () => {
    const r = computeResults([], 1);
    expect(r.subsets).toEqual([]);
    expect(r.overall).toMatchObject({ items: 0, accuracy: null, tieRate: null });
    expect(r.rewardBench.mean.overall).toBeNull();
  });
});
