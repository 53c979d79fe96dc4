/**
 * The one interface every stage kind implements (CATEGORIZE, GENERATE_PAIRS, JUDGE, SELECT, TRAIN,
 * EVALUATE). The runner (runner.ts) plans a stage's items with `pendingKeys`, hands them to workers in
 * batches, drops the ones `storedKeys` says are done, calls `process` and writes what it returns in
 * one transaction with the stage's counts. A handler owns the rules of its stage; the runner owns
 * queueing, fencing, counting and finishing.
 */
import type { Db } from '../../db/database.js';
import type { StageRow } from '../../db/schema.js';
import type { Execution, StageKind } from '../../domain/vocabulary.js';

/**
 * Tokens a batch spent. `billedTo` says where (the endpoint, model and execution: ONLINE calls or
 * BATCH API lines, which get the price table's batch discount); the runner adds them to the stage's
 * usage lines (stage_usage), which its cost is computed from. Without it the tokens count but have
 * no price.
 */
export type Usage = {
  promptTokens: number;
  completionTokens: number;
  billedTo?: BilledTo;
  /**
   * Of these tokens, the ones spent by online calls in a BATCH run (batch lines re-sent online,
   * `batchRetry: ONLINE`): billed ONLINE, without the batch discount.
   */
  online?: { promptTokens: number; completionTokens: number };
};

export type BilledTo = { endpoint: string; model: string; execution: 'ONLINE' | 'BATCH' };

/** The usage lines `usage` adds (stage_usage): one per execution its tokens were spent in. */
export function billedLines(usage: Usage): (BilledTo & { promptTokens: number; completionTokens: number })[] {
  const to = usage.billedTo;
  if (!to) return [];
  const online = to.execution === 'BATCH' ? usage.online : undefined;
  if (!online) return [{ ...to, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens }];
  return [
    { ...to, promptTokens: usage.promptTokens - online.promptTokens, completionTokens: usage.completionTokens - online.completionTokens },
    { ...to, execution: 'ONLINE', promptTokens: online.promptTokens, completionTokens: online.completionTokens },
  ];
}

/** Usage lines of several batches, one per endpoint, model and execution. */
export function mergeLines(lines: ReturnType<typeof billedLines>): ReturnType<typeof billedLines> {
  const merged = new Map<string, ReturnType<typeof billedLines>[number]>();
  for (const line of lines) {
    const key = JSON.stringify([line.endpoint, line.model, line.execution]);
    const seen = merged.get(key);
    if (seen) merged.set(key, { ...seen, promptTokens: seen.promptTokens + line.promptTokens, completionTokens: seen.completionTokens + line.completionTokens });
    else merged.set(key, line);
  }
  return [...merged.values()];
}

/** An item that failed after every retry (or whose answer was unusable), with the reason kept for the user. */
export type ItemFailure = { itemKey: string; error: string; attempts: number };

export type BatchOutcome = {
  /**
   * Writes the batch's results in the batch's transaction; returns how many of the items were
   * newly stored. Batches of a stage may write at the same time: a write that needs an order
   * takes its own lock (judgments lock their iteration's row for their seqs).
   */
  write(tx: Db): Promise<number>;
  /** Items that failed after every retry. */
  failures: ItemFailure[];
  usage: Usage;
  /**
   * True when the items wait for something outside the service (an external trainer): they stay
   * open without a failure, and the stage stays RUNNING until `StageRunner.completeOutside`.
   */
  waiting?: boolean;
  /**
   * The endpoint's permanent refusal (refused key, missing model, exhausted quota) that stopped the
   * batch: after the write, the runner fails the stage with it, which stops its other batches too.
   */
  fatal?: string;
};

/**
 * What a queue job of a stage in execution BATCH needs to run its items as Batch API batches
 * (execution.ts): the job's identity (its provider batches are found again by it after a crash),
 * a commit of results ingested so far (fenced like the job's final write; false once the stage no
 * longer runs), and the settings.
 */
export type ProviderBatchJob = {
  jobKey: string;
  /** `keys`: the items whose results `outcome` writes (a part the database refuses fails them). */
  commit(outcome: BatchOutcome, keys: readonly string[]): Promise<boolean>;
  db: Db;
  /** How often a running provider batch is polled, ms. */
  pollMs: number;
  /** Times a line is sent (in batches, or online for the last tries) before its item is a failure. */
  maxAttempts: number;
};

/** What a batch may ask while it runs: `signal` aborts calls; `active()` turns false when no new call should start. */
export type BatchControl = { signal: AbortSignal; active: () => boolean; batch?: ProviderBatchJob };

export type StageHandler = {
  kind: StageKind;
  /**
   * Keys of every item of the stage that has no stored result. The runner leaves out the ones with
   * a recorded failure. An empty list for a stage with items left means they wait (see `waiting`).
   */
  pendingKeys(stage: StageRow): Promise<string[]>;
  /** Of these keys, the ones whose result is stored. */
  storedKeys(stage: StageRow, keys: string[]): Promise<Set<string>>;
  /**
   * Calls the endpoint (or trainer) for the items, passing `control.signal` to every call. Items left
   * without a result or failure when `control.active()` turned false are queued again.
   */
  process(stage: StageRow, keys: string[], control: BatchControl): Promise<BatchOutcome>;
  /**
   * Checks, before the first item of a stage's epoch is sent from this process, that the endpoint
   * accepts the key and serves the models the stage calls (`GET /models`). Returns why the stage
   * cannot run (the endpoint's own message), or undefined. A stage that calls no model has none.
   */
  preflight?(stage: StageRow): Promise<string | undefined>;
  /** ONLINE (the default when absent) or BATCH: how the stage's model calls are made (execution.ts). */
  executionOf?(stage: StageRow): Promise<Execution>;
  /** Runs in the transaction that finishes the stage; returns stats to store on it. */
  finalize?(tx: Db, stage: StageRow): Promise<object | undefined>;
};
