/** What the metrics see of each committed batch (StageRunnerOptions.observer). */
import type { BatchOutcome } from './handler.js';
import { money } from './cost.js';
import type { Pricing } from './cost.js';

/** What a committed batch added: items stored and failed, and its tokens with their cost (null: no price). */
export type StageObserver = {
  batchCommitted(o: BatchObservation): void;
};

export type BatchObservation = {
  kind: string;
  done: number;
  failed: number;
  usage?: { endpoint: string; model: string; promptTokens: number; completionTokens: number; usd: number | null };
};

/** A committed batch of a stage of `kind` as the observer sees it, its tokens priced with `pricing`. */
export function batchObservation(pricing: Pricing, kind: string, c: { accounted: number; failed: number; usage: BatchOutcome['usage'] }): BatchObservation {
  const billed = c.usage.billedTo;
  const line = billed && { ...billed, promptTokens: c.usage.promptTokens, completionTokens: c.usage.completionTokens };
  const atto = line ? pricing.cost([line]).atto : null;
  return {
    kind,
    done: c.accounted,
    failed: c.failed,
    ...(line && { usage: { endpoint: line.endpoint, model: line.model, promptTokens: line.promptTokens, completionTokens: line.completionTokens, usd: atto === null ? null : Number(money(atto).amount) } }),
  };
}
