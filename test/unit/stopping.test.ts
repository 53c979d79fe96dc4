import { describe, expect, it } from 'vitest';
import { bestJudge, decideStop } from '../../src/services/loop/stopping.js';
import type { JudgeScore, ValidatedJudge } from '../../src/services/loop/stopping.js';
import type { VerdictRecord } from '../../src/services/evaluation/metrics.js';

/** A judge right on the first `right` of 200 items, in both orders. */
function judge(index: number, right: number): ValidatedJudge {
  const records: VerdictRecord[] = [];
  for (let i = 0; i < 200; i += 1) {
    records.push({ itemId: i, subset: 's', order: 'CHOSEN_FIRST', sample: 0, verdict: i < right ? 'A' : 'B' });
    records.push({ itemId: i, subset: 's', order: 'CHOSEN_SECOND', sample: 0, verdict: i < right ? 'B' : 'A' });
  }
  return { iterationId: index === 0 ? null : index, index, judgeModel: `m${index}`, records };
}

describe(decideStop.name, () => {
  it('goes on while each trained judge gains clearly over the best so far', () => {
    expect(decideStop([judge(0, 100), judge(1, 140), judge(2, 180)], 1, 0)).toEqual({ stop: false });
  });

  it('stops at the first judge whose gain interval includes 0 with patience 1, and waits for a second with patience 2', () => {
    const judges = [judge(0, 100), judge(1, 140), judge(2, 141)];
    const decision = decideStop(judges, 1, 0);
    expect(decision).toEqual({
      stop: true,
      reason: expect.stringMatching(/^stopped: no gain on validation for 1 iteration \(patience 1\); the gain of the judge trained in iteration 2 over the judge trained in iteration 1 is \+0\.5 points \[\+0\.0, \+1\.5\], an interval that includes 0$/),
    });
    expect(decideStop(judges, 2, 0)).toEqual({ stop: false });
    expect(decideStop([...judges, judge(3, 139)], 2, 0)).toMatchObject({ stop: true, reason: expect.stringContaining('no gain on validation for 2 iterations (patience 2)') });
  });

  it('never stops on the seed alone', () => {
    expect(decideStop([judge(0, 100)], 1, 0)).toEqual({ stop: false });
  });
});

describe(bestJudge.name, () => {
  const score = (index: number, accuracy: number | null, positionConsistency: number | null): JudgeScore => ({ iterationId: index || null, index, judgeModel: `m${index}`, accuracy, positionConsistency });

  it('takes the highest accuracy, breaks ties by position consistency, then keeps the earlier judge', () => {
    expect(bestJudge([score(0, 0.6, 0.5), score(1, 0.7, 0.4), score(2, 0.7, 0.45)])?.index).toBe(2);
    expect(bestJudge([score(0, 0.7, 0.5), score(1, 0.7, 0.5)])?.index).toBe(0);
    expect(bestJudge([score(0, null, null)])).toBeNull();
  });
});
