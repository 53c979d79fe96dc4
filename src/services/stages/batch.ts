/**
 * The batch collector every model-calling stage shares: run the work of each item with all of them
 * in flight at once (the llm client limits concurrency), stop starting items once the batch is no
 * longer active, add up token usage, and turn a failed call into an item failure with its reason and
 * attempts. A call aborted by the batch's own signal (cancel, pause, shutdown) is neither a result
 * nor a failure: the item is queued again. An endpoint's refusal that no retry can get past (a refused
 * key, a missing model, an exhausted quota: `isEndpointRefusal`) aborts the batch's other calls at
 * once and is returned as `fatal`: the runner then fails the whole stage with it.
 */
import { isEndpointRefusal, LlmError } from '../../llm/index.js';
import type { BatchControl, BilledTo, ItemFailure, Usage } from './handler.js';

/** What one item produced: rows to store, tokens spent, or a reason it is unusable (stored as a failure). */
export type ItemResult<R> = { rows?: readonly R[]; usage: Usage; rejected?: string };

/**
 * `fatal`: the endpoint's permanent refusal that stopped the batch (the stage fails with it).
 * `stored`: when present, the keys of the items whose rows are in `rows` (a Batch API run commits
 * parts of a job, and a part the database refuses fails those items, runner's commitOrRefuse).
 */
export type Collected<R> = { rows: R[]; failures: ItemFailure[]; usage: Usage; fatal?: string; stored?: string[] };

/** An empty collection; `billedTo` says where its calls go (endpoint, model, ONLINE or BATCH), for their cost. */
export const emptyCollected = <R>(billedTo?: BilledTo): Collected<R> => ({ rows: [], failures: [], usage: { promptTokens: 0, completionTokens: 0, ...(billedTo && { billedTo }) } });

/**
 * `work` gets the signal to pass to its calls: the batch's, also fired by an endpoint's refusal.
 * Results are added to `collected` as items finish (a Batch API run takes them from there as its
 * output is ingested, batch-run.ts).
 */
export async function collectBatch<T, R>(
  items: readonly T[],
  keyOf: (item: T) => string,
  control: BatchControl,
  work: (item: T, signal: AbortSignal) => Promise<ItemResult<R> | undefined>,
  collected: Collected<R> = emptyCollected<R>(),
): Promise<Collected<R>> {
  const refused = new AbortController();
  const signal = AbortSignal.any([control.signal, refused.signal]);
  await Promise.all(
    items.map(async (item) => {
      if (!control.active() || refused.signal.aborted) return;
      try {
        const result = await work(item, signal);
        if (!result) return;
        collected.usage.promptTokens += result.usage.promptTokens;
        collected.usage.completionTokens += result.usage.completionTokens;
        if (result.rows) {
          collected.rows.push(...result.rows);
          collected.stored?.push(keyOf(item));
        }
        if (result.rejected !== undefined) collected.failures.push({ itemKey: keyOf(item), error: result.rejected, attempts: 1 });
      } catch (error) {
        if (isAbort(error)) return;
        if (isEndpointRefusal(error) && collected.fatal === undefined) {
          collected.fatal = failureText(error);
          refused.abort(error);
        }
        collected.failures.push({ itemKey: keyOf(item), error: failureText(error), attempts: attemptsOf(error) });
      }
    }),
  );
  return collected;
}

/** Text of a failed call for the failures table: never the API key (the llm module scrubs it). */
export function failureText(error: unknown): string {
  const status = error instanceof LlmError && error.status ? `HTTP ${error.status}: ` : '';
  const message = error instanceof Error ? error.message : String(error);
  return `${status}${message}`.slice(0, 2_000);
}

export function attemptsOf(error: unknown): number {
  return error instanceof LlmError ? Math.max(1, error.attempts) : 1;
}

/** True when the error is the caller's cancellation rather than a failure of the item. */
export function isAbort(error: unknown): boolean {
  return error instanceof LlmError ? error.kind === 'aborted' : error instanceof Error && error.name === 'AbortError';
}
