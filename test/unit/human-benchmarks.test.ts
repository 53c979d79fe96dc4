import { describe, expect, it } from 'vitest';
import { helpSteer2Pairs } from '../../src/services/imports/helpsteer2.js';
import { mtBenchHumanItems } from '../../src/services/imports/mtbench-human.js';
import type { MtBenchLabels } from '../../src/services/imports/mtbench-human.js';
import { humanAgreement, judgeVote } from '../../src/services/evaluation/agreement.js';
import type { VerdictRecord } from '../../src/services/evaluation/metrics.js';
import type { RawRecord } from '../../src/services/imports/records.js';

const records = (values: unknown[]): RawRecord[] => values.map((value, i) => ({ position: i + 1, value }));
const hs = (prompt: string, response: string, helpfulness: number, extra: Record<string, unknown> = {}) => ({
  prompt, response, helpfulness, correctness: 3, coherence: 4, complexity: 1, verbosity: 2, ...extra,
});

describe(helpSteer2Pairs.name, () => {
  it('pairs the responses to one prompt, the higher helpfulness being the better answer, and reports ties and lone responses', () => {
    const r = helpSteer2Pairs(records([
      hs('p1', 'weak', 1), hs('p1', 'strong', 4),
      hs('p2', 'same a', 3), hs('p2', 'same b', 3),
      hs('p3', 'alone', 2),
      hs('p4', 'x', 2), hs('p4', 'y', 0), hs('p4', 'z', 2),
      hs('p5', 'bad', 5),
      { prompt: 'p6', response: 'no scores' },
    ]), 'helpsteer2');
    expect(r.items.map((i) => [i.position, i.prompt, i.chosen, i.rejected, i.sourceId, i.subset])).toEqual([
      [1, 'p1', 'strong', 'weak', 'rows 1+2', 'helpsteer2'],
      [2, 'p4', 'x', 'y', 'rows 6+7', 'helpsteer2'],
      [3, 'p4', 'z', 'y', 'rows 7+8', 'helpsteer2'],
    ]);
    expect(r.leftOut).toEqual([
      { position: 3, reason: 'no pair: every other response to its prompt has the same helpfulness (3)' },
      { position: 4, reason: 'no pair: every other response to its prompt has the same helpfulness (3)' },
      { position: 5, reason: 'the only response to its prompt: no pair' },
    ]);
    expect(r.rejected).toEqual([
      { position: 9, reason: 'field "helpfulness" must be an integer from 0 to 4, found 5' },
      { position: 10, reason: 'field "helpfulness" must be an integer from 0 to 4, found nothing' },
    ]);
  });
});

const conv = (q1: string, a1: string, q2?: string, a2?: string) => [
  { role: 'user', content: q1 }, { role: 'assistant', content: a1 },
  ...(q2 ? [{ role: 'user', content: q2 }, { role: 'assistant', content: a2 }] : []),
];
const mt = (qid: number, a: string, b: string, winner: string, judge: string, turn: number) => ({
  question_id: qid, model_a: a, model_b: b, winner, judge, turn,
  conversation_a: conv('Q1', `${a} first`, 'Q2', `${a} second`),
  conversation_b: conv('Q1', `${b} first`, 'Q2', `${b} second`),
});

describe(mtBenchHumanItems.name, () => {
  it('keys pairs by turn, question and sorted model names, reverting votes given the other way round, and keeps expert votes only', () => {
    const r = mtBenchHumanItems(records([
      mt(81, 'vicuna', 'alpaca', 'model_a', 'expert_1', 1), // sorted: alpaca / vicuna, vote reverted to model_b
      mt(81, 'alpaca', 'vicuna', 'tie (bothbad)', 'expert_2', 1),
      mt(81, 'alpaca', 'vicuna', 'model_a', 'author_0', 1),
      mt(81, 'alpaca', 'vicuna', 'model_b', 'expert_1', 2),
      { ...mt(82, 'a', 'b', 'model_a', 'expert_1', 3) },
    ]));
    expect(r.items.map((i) => [i.position, i.subset, i.sourceId, i.labels.votes])).toEqual([
      [1, 'mt-bench-human-turn1', '81/alpaca/vicuna/turn1', ['model_b', 'tie']],
      [2, 'mt-bench-human-turn2', '81/alpaca/vicuna/turn2', ['model_b']],
    ]);
    expect(r.items[0]).toMatchObject({ prompt: 'Q1', chosen: 'alpaca first', rejected: 'vicuna first' });
    expect(r.items[1]!.prompt).toBe('Q1\n\n[Follow-up question: judge the answers to this one]\nQ2');
    expect(r.items[1]!.chosen).toBe('[Answer to the first question]\nalpaca first\n\n[Answer to the follow-up question]\nalpaca second');
    expect(r.leftOut).toEqual([{ position: 3, reason: 'judge "author_0" is not an expert: only expert votes are the human votes' }]);
    expect(r.rejected).toEqual([{ position: 5, reason: 'field "turn" must be 1 or 2, found 3' }]);
  });
});

describe(humanAgreement.name, () => {
  const labels = (turn: 1 | 2, votes: MtBenchLabels['votes']): MtBenchLabels => ({ kind: 'mtbench_human', questionId: '1', turn, modelA: 'a', modelB: 'b', votes });
  const v = (itemId: number, order: VerdictRecord['order'], verdict: VerdictRecord['verdict'], sample = 0): VerdictRecord => ({ itemId, subset: 's', order, sample, verdict });

  it("takes the model that wins in both orders, else a tie, as the judge's vote", () => {
    expect(judgeVote(['A'], ['B'])).toBe('model_a');
    expect(judgeVote(['B'], ['A'])).toBe('model_b');
    expect(judgeVote(['A'], ['A'])).toBe('tie'); // position bias: the orders disagree
    expect(judgeVote(['A'], ['UNPARSEABLE'])).toBe('tie');
    expect(judgeVote(['A', 'A', 'B'], [])).toBe('model_a');
    expect(judgeVote([], [])).toBeNull();
  });

  it('counts every human vote with ties, and leaves out tie votes of either side without them, per turn', () => {
    const items = [
      { id: 1, labels: labels(1, ['model_a', 'model_a', 'tie']) }, // judge model_a: 2 of 3 with ties, 2 of 2 without
      { id: 2, labels: labels(1, ['model_b', 'tie']) }, // judge tie: 1 of 2 with ties, nothing without
      { id: 3, labels: labels(2, ['model_a']) }, // judge model_b: 0 of 1
      { id: 4, labels: labels(2, ['model_b']) }, // not judged: left out
    ];
    const verdicts = [v(1, 'CHOSEN_FIRST', 'A'), v(1, 'CHOSEN_SECOND', 'B'), v(2, 'CHOSEN_FIRST', 'A'), v(2, 'CHOSEN_SECOND', 'A'), v(3, 'CHOSEN_FIRST', 'B'), v(3, 'CHOSEN_SECOND', 'A')];
    const r = humanAgreement(items, verdicts);
    expect(r.turn1).toEqual({ withTies: { agree: 3, total: 5, value: 0.6 }, withoutTies: { agree: 2, total: 2, value: 1 } });
    expect(r.turn2).toEqual({ withTies: { agree: 0, total: 1, value: 0 }, withoutTies: { agree: 0, total: 1, value: 0 } });
    expect(r.all).toEqual({ withTies: { agree: 3, total: 6, value: 0.5 }, withoutTies: { agree: 2, total: 3, value: 2 / 3 } });
    expect(r).toMatchObject({ pairs: 3, humanVotes: 6 });
  });
});

describe('HELPSTEER2 and MTBENCH_HUMAN uploads', () => {
  it('refuses options the formats do not use, and reads JSONL bytes row by row', async () => {
    const { parseBenchmarkUpload } = await import('../../src/services/imports/benchmark-upload.js');
    await expect(parseBenchmarkUpload('', { format: 'mtbench_human', subset: 'x' })).rejects.toThrow('subset is not used with format mtbench_human');
    await expect(parseBenchmarkUpload('', { format: 'helpsteer2', mapping: { prompt: 'a', chosen: 'b', rejected: 'c' } })).rejects.toThrow('mapping is only used with format pairwise');
    const r = await parseBenchmarkUpload(Buffer.from([JSON.stringify(hs('p', 'a', 1)), 'not json', JSON.stringify(hs('p', 'b', 3))].join('\n')), { format: 'helpsteer2', subset: 'hs2-val' });
    expect(r.items.map((i) => [i.chosen, i.rejected, i.subset])).toEqual([['b', 'a', 'hs2-val']]);
    expect(r.rejected.map((x) => x.position)).toEqual([2]);
  });
});
