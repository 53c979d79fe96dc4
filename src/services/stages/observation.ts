/** What the metrics see of each committed batch (StageRunnerOptions.observer). */
import { billedLines } from './handler.js';
import type { BatchOutcome } from './handler.js';
import { money } from './cost.js';
import type { Pricing } from './cost.js';

/** What a committed batch added: items stored and failed, and its tokens with their cost (null: no price). */
export type StageObserver = {
  batchCommitted(o: BatchObservation): void;
  /** A commit transaction wrote this many batches of a stage of `kind` (CommitGroups). */
  commitGrouped(o: { kind: string; batches: number }): void;
};

export type BatchObservation = {
  kind: string;
  done: number;
  failed: number;
  /**
   * Seconds the batch's commit waited for its turn (a stage's commits take turns on the rows every
   * batch updates: see CommitGroups) and then spent in its transaction (retries included).
   */
  commit: { waitSeconds: number; transactionSeconds: number };
  usage?: { endpoint: string; model: string; promptTokens: number; completionTokens: number; usd: number | null };
};

/** A committed batch of a stage of `kind` as the observer sees it, its tokens priced with `pricing`. */
export function batchObservation(pricing: Pricing, kind: string, c: { accounted: number; failed: number; usage: BatchOutcome['usage']; commit: BatchObservation['commit'] }): BatchObservation {
  const billed = c.usage.billedTo;
  const atto = billed ? pricing.cost(billedLines(c.usage)).atto : null;
  return {
    kind,
    done: c.accounted,
    failed: c.failed,
    commit: c.commit,
    ...(billed && { usage: { endpoint: billed.endpoint, model: billed.model, promptTokens: c.usage.promptTokens, completionTokens: c.usage.completionTokens, usd: atto === null ? null : Number(money(atto).amount) } }),
  };
}
