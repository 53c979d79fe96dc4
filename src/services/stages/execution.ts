/**
 * How a stage's items call their endpoint. ONLINE: each item's requests are sent at once
 * (collectBatch, the llm client limiting concurrency). BATCH: the same item code runs against a
 * stand-in chat whose requests are collected into the OpenAI Batch API's JSONL, uploaded (files
 * API, purpose 'batch') and submitted as batches (/v1/batches, window 24h) that the queue job
 * polls; the output and error files are read back by `custom_id` ("<item key>#<call number>") and
 * each answer resumes its item. An item whose next request depends on an answer (GENERATE_PAIRS'
 * y_l, JUDGE's extra negatives) sends it in the job's next round.
 *
 * Durability: every round's batches are recorded (provider_batches: stage, job, round, part) before
 * they are created and updated as they run, so a job picked up again after its worker died polls
 * the batches already submitted instead of creating others. Results are committed as each chunk of
 * an output file is ingested (the runner's exactly-once commit: stored items are skipped).
 *
 * A line that failed (error file) or was left over by an expired batch is sent again in the next
 * round (NEXT_BATCH) or online (ONLINE), up to `maxAttempts` sends in all; then its item is a
 * failure with the last error. A cancelled or paused stage cancels the batches its job is polling.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import * as batchesRepo from '../../db/provider-batches-repo.js';
import type { StageRow } from '../../db/schema.js';
import type { BatchRetry, Execution } from '../../domain/vocabulary.js';
import { LlmError } from '../../llm/index.js';
import type { LlmClient } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { collectBatch, emptyCollected, failureText } from './batch.js';
import { BatchRun } from './batch-run.js';
import type { ItemsRun } from './batch-run.js';
import type { BatchOutcome } from './handler.js';

export type { ItemsRun } from './batch-run.js';

/**
 * A stage's execution: its own (`params.execution`, set by a stage command) or its experiment's
 * (`config.execution`; ONLINE for configs stored before it existed and for stages outside one).
 */
export function stageExecution(stage: StageRow, config: ExperimentConfig | undefined): { execution: Execution; retry: BatchRetry } {
  const own = (stage.params as { execution?: Execution } | null)?.execution;
  return { execution: own ?? config?.execution ?? 'ONLINE', retry: config?.batchRetry ?? 'NEXT_BATCH' };
}

/** Runs a job's items online or through the Batch API (see the module's comment). */
export async function runItems<T, R>(run: ItemsRun<T, R>): Promise<BatchOutcome> {
  if (run.execution === 'ONLINE') {
    const billedTo = { endpoint: run.endpoint, model: run.model, execution: 'ONLINE' as const };
    const collected = await collectBatch(run.items, run.keyOf, run.control, (item, signal) => run.work(item, signal, run.llm), emptyCollected<R>(billedTo));
    return run.outcome(collected);
  }
  const job = run.control.batch;
  if (!job) throw new Error('execution BATCH needs the queue job of the stage (control.batch)');
  return new BatchRun(run, job).run();
}

/** Why the stage cannot run as BATCH on this endpoint (it has no /v1/batches), or undefined. */
export async function checkBatchEndpoint(llm: LlmClient, endpoint: string): Promise<string | undefined> {
  try {
    await llm.checkBatches({ maxRetries: 2 });
    return undefined;
  } catch (error) {
    const missing = error instanceof LlmError && (error.status === 404 || error.status === 405);
    return missing
      ? `endpoint "${endpoint}" has no Batch API (GET /batches answered ${failureText(error)}): set execution ONLINE for this endpoint`
      : `endpoint "${endpoint}" could not be asked for its Batch API (GET /batches): ${failureText(error)}`;
  }
}

/**
 * Cancels the provider batches of a stage that ended (cancelled or failed) and are still running at
 * the provider: the ones a polling job cancels itself, and the ones no worker was polling (its
 * worker died) that would otherwise run, and bill, to their end. A batch that cannot be cancelled
 * (the endpoint is gone) is logged and left.
 */
export async function cancelOpenBatches(db: Db, endpoints: (name: string) => LlmClient, stageId: number, warn: (error: unknown, batchId: string) => void): Promise<number> {
  let cancelled = 0;
  for (const row of await batchesRepo.openBatches(db, stageId)) {
    try {
      const batch = await endpoints(row.endpoint).cancelBatch(row.batchId!);
      await batchesRepo.updateBatchPart(db, row.id, { status: batch.status });
      cancelled += 1;
    } catch (error) {
      warn(error, row.batchId!);
    }
  }
  return cancelled;
}

/** A job's key: its epoch and items (the same job retried after a crash has the same key). */
export function providerJobKey(epoch: number, keys: readonly string[]): string {
  return `${epoch}:${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 24)}`;
}

