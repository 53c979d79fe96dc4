/**
 * How a stage's batches are written (StageRunner's commit path): a batch's outcome and the stage's
 * counts in one transaction, grouped with the other batches of its stage that are ready
 * (CommitGroups), fenced by each batch's lease and by the stage's epoch; the stage finished or
 * paused in the same transaction when that write completes it or reaches its budget.
 */
import { transaction } from '../../db/database.js';
import type { Database } from '../../db/database.js';
import { refusedValue, withDbRetry } from '../../db/retry.js';
import * as stageUsageRepo from '../../db/stage-usage-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageRow } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import type { JobContext } from '../../queue/queue.js';
import type { Pricing } from './cost.js';
import { billedLines, mergeLines } from './handler.js';
import type { BatchOutcome, StageHandler } from './handler.js';
import { CommitGroups } from './commit-groups.js';
import { finishIfComplete, pauseIfOverBudget } from './finish.js';
import { batchObservation } from './observation.js';
import type { StageObserver } from './observation.js';

/** What a commit needs of its queue job: whether the worker still holds it, its id, its signal. */
export type CommitContext = Pick<JobContext, 'holds' | 'id' | 'signal'>;

/** What a batch's commit wrote: undefined when fenced or its lease was lost. */
export type Committed = { row: StageRow; accounted: number };

/** Thrown inside a batch's transaction to roll it back: the stage is gone or was queued anew. */
const FENCED = new Error('the stage is gone or in a newer epoch');

const NO_USAGE: BatchOutcome['usage'] = { promptTokens: 0, completionTokens: 0 };

/** A batch waiting for its commit (CommitGroups): its job's context, its outcome, when it asked. */
type CommitEntry = { epoch: number; ctx: CommitContext; outcome: BatchOutcome; asked: number };
type EntryResult = { committed?: Committed; leaseLost: boolean };

export type StageCommitsDeps = {
  database: Database;
  logger: Logger;
  /** The handler of a stage kind (its storedKeys, and its rules for finishing). */
  handler: (kind: string) => StageHandler;
  maxFailureShare: number;
  budgets: { pricing: Pricing; defaultTokenBudget: number };
  observer?: StageObserver;
  /** Told of a stage its commit finished, after the transaction. */
  notifyFinished: (stage: StageRow) => Promise<void>;
};

export class StageCommits {
  private readonly groups = new CommitGroups<CommitEntry, EntryResult>((stageId, entries) => this.commitGroup(stageId, entries));

  constructor(private readonly deps: StageCommitsDeps) {}

  /**
   * Commits a batch's outcome, or, when the database refuses one of its values (`refusedValue`: no
   * try can store it), the batch's items (`keys`: a queue job's, or a Batch API job's part) as
   * failures with the database's message and the tokens they cost. So one unstorable answer fails its batch's items, resumable, instead of the job being
   * tried again (the model called each time) until the stage fails.
   */
  async commitOrRefuse(stage: StageRow, epoch: number, ctx: CommitContext, outcome: BatchOutcome, keys: readonly string[]): Promise<Committed | undefined> {
    try {
      return await this.commit(stage.id, epoch, ctx, outcome);
    } catch (error) {
      const refusal = refusedValue(error);
      if (refusal === undefined) throw error;
      this.deps.logger.error({ stageId: stage.id, jobId: ctx.id, items: keys.length, refusal }, "the database refused a batch's results; its items are recorded as failed");
      // Items a BATCH job committed while it ingested are stored; the others fail with the refusal.
      const stored = await this.deps.handler(stage.kind).storedKeys(stage, [...keys]);
      const failedAlready = new Set(outcome.failures.map((f) => f.itemKey));
      const refused = keys.filter((k) => !stored.has(k) && !failedAlready.has(k)).map((itemKey) => ({ itemKey, error: `the database refused to store the result: ${refusal}`, attempts: 1 }));
      return this.commit(stage.id, epoch, ctx, { ...outcome, failures: [...outcome.failures, ...refused], write: async () => 0 });
    }
  }

  /** Writes a batch's outcome (`commitGroup` writes it, alone or with others of its stage). */
  async commit(stageId: number, epoch: number, ctx: CommitContext, outcome: BatchOutcome): Promise<Committed | undefined> {
    const result = await this.groups.run(stageId, { epoch, ctx, outcome, asked: performance.now() });
    // (A job aborted for its lost lease was reported by the lease keeper already.)
    if (result.leaseLost && !ctx.signal.aborted) this.deps.logger.warn({ stageId, jobId: ctx.id }, 'lost the lease of a running job before its commit; its results were dropped (another worker has it)');
    return result.committed;
  }

  /**
   * Writes the outcomes of batches of one stage and epoch (CommitGroups: one, or several that waited
   * for their turn) and the stage's counts in one transaction: each batch only while its worker holds
   * its job, all only while the stage is in that epoch, so a stale worker's write is a no-op.
   * Finishes the stage when every item is accounted for, or pauses it when the budget is reached.
   * Retried through short database outages (the writes are idempotent).
   */
  private async commitGroup(stageId: number, entries: CommitEntry[]): Promise<EntryResult[]> {
    let turn: number | undefined;
    let done;
    try {
      done = await withDbRetry(() =>
        transaction(this.deps.database.db, async (t) => {
          turn ??= performance.now();
          // Each batch's lease, and its failures, before the rows every batch of a stage updates are
          // locked: those are locked as late as possible, so that batches queue for them only for the
          // end of their transaction (the iteration's by the judgment insert, the stage row by the
          // progress update, which also checks the epoch fence and rolls back what was written).
          const parts: ({ outcome: BatchOutcome; failed: number; stored: number } | undefined)[] = [];
          for (const { ctx, outcome } of entries) parts.push((await ctx.holds(t)) ? { outcome, failed: await stagesRepo.insertFailures(t, stageId, outcome.failures), stored: 0 } : undefined);
          for (const part of parts) if (part) part.stored = await part.outcome.write(t);
          // Nothing new means this write was already made (a commit whose answer was lost): count its tokens once.
          const written = parts.map((p) => p && { accounted: p.stored + p.failed, failed: p.failed, usage: p.stored + p.failed > 0 ? p.outcome.usage : NO_USAGE });
          const live = written.filter((w) => w !== undefined);
          if (live.length === 0) return { written }; // every lease was lost
          const sum = (pick: (w: (typeof live)[number]) => number) => live.reduce((n, w) => n + pick(w), 0);
          const progress = await stagesRepo.addBatchProgress(t, stageId, entries[0]!.epoch, {
            done: sum((w) => w.accounted),
            failed: sum((w) => w.failed),
            promptTokens: sum((w) => w.usage.promptTokens),
            completionTokens: sum((w) => w.usage.completionTokens),
          });
          if (!progress) throw FENCED;
          for (const line of mergeLines(live.flatMap((w) => billedLines(w.usage)))) await stageUsageRepo.addUsage(t, stageId, line);
          const { row, control } = progress;
          const finished = await finishIfComplete(t, row, this.deps.handler(row.kind), this.deps.maxFailureShare);
          const paused = finished ? undefined : await pauseIfOverBudget(t, row, this.deps.budgets, control);
          return { written, row: finished ?? paused ?? row, finished };
        }),
      );
    } catch (error) {
      if (error === FENCED) return entries.map(() => ({ leaseLost: false }));
      throw error;
    }
    const transactionSeconds = (performance.now() - turn!) / 1000;
    const results = entries.map((entry, i): EntryResult => {
      const w = done.written[i];
      if (!w || !done.row) return { leaseLost: !w };
      this.deps.observer?.batchCommitted(batchObservation(this.deps.budgets.pricing, done.row.kind, { ...w, commit: { waitSeconds: (turn! - entry.asked) / 1000, transactionSeconds } }));
      return { leaseLost: false, committed: { row: done.row, accounted: w.accounted } };
    });
    if (done.row) this.deps.observer?.commitGrouped({ kind: done.row.kind, batches: results.filter((r) => r.committed).length });
    if (done.finished) await this.deps.notifyFinished(done.finished);
    return results;
  }
}
