/**
 * The loop's stopping rule and its best judge, from the judges' verdicts on the validation
 * benchmarks (runLoop's evaluateOn), judges in loop order: the seed, then each trained judge.
 *
 * - Best judge: highest validation accuracy (metrics.ts `accuracy.mean`), ties broken by position
 *   consistency (items right in both orders), then the earlier judge.
 * - Stop (`patience` K): a judge is a gain when the paired bootstrap interval (95%, seeded) of its
 *   accuracy minus the best-so-far judge's lies above 0; the loop stops after K trained judges in a
 *   row without a gain (K = 1: as soon as the interval of the gain includes 0).
 */
import { diffEvaluations, evaluateJudge } from '../evaluation/metrics.js';
import type { VerdictRecord } from '../evaluation/metrics.js';

export type ValidatedJudge = { iterationId: number | null; index: number; judgeModel: string; records: VerdictRecord[] };

export type JudgeScore = { iterationId: number | null; index: number; judgeModel: string; accuracy: number | null; positionConsistency: number | null };

export type StopDecision = { stop: false } | { stop: true; reason: string };

export function scoreJudge(judge: ValidatedJudge): JudgeScore {
  const overall = evaluateJudge(judge.records, { resamples: 0 }).overall;
  return { iterationId: judge.iterationId, index: judge.index, judgeModel: judge.judgeModel, accuracy: overall.accuracy.mean.value, positionConsistency: overall.positionConsistentAccuracy.value };
}

/** The best of the scored judges (null when none has an accuracy). */
export function bestJudge(scores: readonly JudgeScore[]): JudgeScore | null {
  let best: JudgeScore | null = null;
  for (const s of scores) {
    if (s.accuracy === null) continue;
    if (!best || s.accuracy > best.accuracy! || (s.accuracy === best.accuracy && (s.positionConsistency ?? -1) > (best.positionConsistency ?? -1))) best = s;
  }
  return best;
}

const label = (j: ValidatedJudge) => (j.iterationId === null ? 'the seed judge' : `the judge trained in iteration ${j.index}`);
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** Whether the loop stops after the last of `judges` (loop order, seed first), with `patience` >= 1. */
export function decideStop(judges: readonly ValidatedJudge[], patience: number, seed: number): StopDecision {
  if (judges.length < 2) return { stop: false };
  let best = judges[0]!;
  let without = 0;
  let last = '';
  for (const judge of judges.slice(1)) {
    const diff = diffEvaluations(best.records, judge.records, { seed });
    const ci = diff.change.ci;
    if (diff.change.value !== null && ci && ci.low > 0) {
      best = judge;
      without = 0;
      continue;
    }
    without += 1;
    last = `the gain of ${label(judge)} over ${label(best)} is ${diff.change.value === null ? 'unknown' : `${pct(diff.change.value)} points`}${ci ? ` [${pct(ci.low)}, ${pct(ci.high)}]` : ''}, an interval that includes 0`;
  }
  if (without < patience) return { stop: false };
  return { stop: true, reason: `stopped: no gain on validation for ${without} iteration${without === 1 ? '' : 's'} (patience ${patience}); ${last}` };
}
