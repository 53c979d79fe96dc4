/**
 * The machinery every item-based stage shares (CATEGORIZE, GENERATE_PAIRS, JUDGE, EVALUATE):
 * plan the items, split them into queue jobs, process a batch, write its results and the stage's
 * counts in one transaction, and finish the stage exactly once when every item is accounted for.
 *
 * Items are identified by string keys ("pairId:order", "instructionId", ...). An item whose result
 * is stored is never sent to the endpoint again: a batch first drops the keys already stored.
 */
import type { Database, Db } from '../db/database.js';
import * as stagesRepo from '../db/stages-repo.js';
import type { StageKind, StageStatus } from '../db/stages-repo.js';
import type { StageRow } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Queue } from '../queue/queue.js';
import type { LlmError } from '../llm/index.js';

export type BatchOutcome = {
  /** Writes the batch's results; returns how many of the items were newly stored. */
  write(tx: Db): Promise<number>;
  /** Items that failed after every retry. */
  failures: { itemKey: string; error: string; attempts: number }[];
  usage: { promptTokens: number; completionTokens: number };
};

export type StageHandler = {
  kind: StageKind;
  /** Keys of every item of the stage that has no stored result (and no recorded failure). */
  pendingKeys(stage: StageRow): Promise<string[]>;
  /** Of these keys, the ones whose result is stored. */
  storedKeys(stage: StageRow, keys: string[]): Promise<Set<string>>;
  /** Calls the endpoint for the items; `active()` turns false when the stage is cancelled. */
  process(stage: StageRow, keys: string[], control: { signal: AbortSignal; active: () => boolean }): Promise<BatchOutcome>;
  /** Runs in the transaction that finishes the stage; returns stats to store on it. */
  finalize?(tx: Db, stage: StageRow): Promise<object | undefined>;
};

export type BatchJob = { stageId: number; keys: string[] };

export type StageRunnerOptions = {
  batchSize: number;
  /** Share of failed items above which a finished stage is FAILED instead of SUCCEEDED. Default 0.1. */
  maxFailureShare: number;
};

export type StageFinishedListener = (stage: StageRow) => Promise<void>;

export class StageRunner {
  private readonly handlers = new Map<StageKind, StageHandler>();
  private readonly finishedListeners: StageFinishedListener[] = [];
  private readonly statusCache = new Map<number, { status: StageStatus; at: number }>();

  constructor(
    private readonly database: Database,
    private readonly queue: Queue,
    private readonly logger: Logger,
    private readonly options: StageRunnerOptions,
  ) {}

  register(handler: StageHandler): void {
    this.handlers.set(handler.kind, handler);
  }

  onFinished(listener: StageFinishedListener): void {
    this.finishedListeners.push(listener);
  }

  private handler(kind: string): StageHandler {
    const handler = this.handlers.get(kind as StageKind);
    if (!handler) throw new Error(`no handler for stage kind ${kind}`);
    return handler;
  }

  /** Creates a stage, plans its items and queues them. Returns the stage row (QUEUED, or finished when empty). */
  async start(values: { experimentId: number; iterationId?: number | null; evaluationId?: number | null; kind: StageKind; params?: object }): Promise<StageRow> {
    const db = this.database.db;
    const stage = await stagesRepo.insertStage(db, { ...values, total: 0 });
    const keys = await this.handler(values.kind).pendingKeys(stage);
    const planned = (await stagesRepo.updateStageFields(db, stage.id, { total: keys.length })) ?? stage;
    await this.enqueue(planned, keys);
    return (await stagesRepo.getStage(db, stage.id)) ?? planned;
  }

  /** Re-queues the failed and missing items of a stage that is not running. */
  async resume(stage: StageRow): Promise<StageRow> {
    const reopened = await stagesRepo.reopenStage(this.database.db, stage.id);
    if (!reopened) return stage;
    this.statusCache.delete(stage.id);
    const keys = await this.handler(stage.kind).pendingKeys(reopened);
    await this.enqueue(reopened, keys);
    return (await stagesRepo.getStage(this.database.db, stage.id)) ?? reopened;
  }

  private async enqueue(stage: StageRow, keys: string[]): Promise<void> {
    if (keys.length === 0) {
      await this.completeIfDone(stage.id);
      return;
    }
    const jobs: BatchJob[] = [];
    for (let i = 0; i < keys.length; i += this.options.batchSize) {
      jobs.push({ stageId: stage.id, keys: keys.slice(i, i + this.options.batchSize) });
    }
    try {
      await this.queue.send('stage-batch', jobs);
    } catch (error) {
      await this.fail(stage.id, `could not queue the stage's work: ${(error as Error).message}`);
      throw error;
    }
  }

  /** The queue handler for 'stage-batch' jobs. Throws only on infrastructure errors (the job is retried). */
  async runBatch(job: BatchJob, signal: AbortSignal): Promise<void> {
    const db = this.database.db;
    const stage = await stagesRepo.getStage(db, job.stageId);
    if (!stage || (stage.status !== 'QUEUED' && stage.status !== 'RUNNING')) return;
    if (stage.status === 'QUEUED') await stagesRepo.markRunning(db, stage.id);
    const handler = this.handler(stage.kind);
    const stored = await handler.storedKeys(stage, job.keys);
    const failed = await stagesRepo.failureKeys(db, stage.id, job.keys);
    const todo = job.keys.filter((k) => !stored.has(k) && !failed.has(k));
    if (todo.length === 0) return;
    const outcome = await handler.process(stage, todo, { signal, active: () => !signal.aborted && this.isActive(stage.id) });
    const finished = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const newlyStored = await outcome.write(t);
      const newlyFailed = await stagesRepo.insertFailures(t, stage.id, outcome.failures);
      const row = await stagesRepo.addProgress(t, stage.id, {
        done: newlyStored + newlyFailed,
        failed: newlyFailed,
        ...outcome.usage,
      });
      return this.finishIfComplete(t, row);
    });
    if (finished) await this.notifyFinished(finished);
  }

  /** Finishes a stage whose items are all accounted for (used after planning and resuming). */
  async completeIfDone(stageId: number): Promise<void> {
    const finished = await this.database.db.transaction(async (tx) => {
      const row = await stagesRepo.getStage(tx as unknown as Db, stageId);
      return row ? this.finishIfComplete(tx as unknown as Db, row) : undefined;
    });
    if (finished) await this.notifyFinished(finished);
  }

  private async finishIfComplete(tx: Db, row: StageRow): Promise<StageRow | undefined> {
    if (row.done < row.total || (row.status !== 'RUNNING' && row.status !== 'QUEUED')) return undefined;
    const stats = (await this.handler(row.kind).finalize?.(tx, row)) ?? (row.stats as object);
    const tooManyFailures = row.total > 0 && row.failed / row.total > this.options.maxFailureShare;
    return stagesRepo.finishStage(tx, row.id, tooManyFailures ? 'FAILED' : 'SUCCEEDED', {
      stats,
      error: tooManyFailures
        ? `${row.failed} of ${row.total} items failed after every retry (more than ${Math.round(this.options.maxFailureShare * 100)}%); resumeStage retries them`
        : null,
    });
  }

  async fail(stageId: number, error: string): Promise<void> {
    const row = await stagesRepo.finishStage(this.database.db, stageId, 'FAILED', { error });
    if (row) await this.notifyFinished(row);
  }

  async cancel(stageId: number): Promise<StageRow | undefined> {
    const row = await stagesRepo.finishStage(this.database.db, stageId, 'CANCELLED', { error: 'cancelled on request' });
    this.statusCache.delete(stageId);
    if (row) await this.notifyFinished(row);
    return row;
  }

  async notifyFinished(stage: StageRow): Promise<void> {
    this.statusCache.delete(stage.id);
    for (const listener of this.finishedListeners) {
      try {
        await listener(stage);
      } catch (error) {
        this.logger.error({ err: error, stageId: stage.id }, 'stage-finished listener failed');
      }
    }
  }

  /**
   * Whether new calls may start for a stage: its status, re-read at most once a second per
   * process, so a cancel stops new calls within about a second without a query per call.
   */
  private isActive(stageId: number): boolean {
    const cached = this.statusCache.get(stageId);
    const now = Date.now();
    if (!cached || now - cached.at > 1_000) {
      this.statusCache.set(stageId, { status: cached?.status ?? 'RUNNING', at: now });
      stagesRepo.getStage(this.database.db, stageId).then(
        (row) => {
          if (row) this.statusCache.set(stageId, { status: row.status as StageStatus, at: Date.now() });
        },
        (error: unknown) => this.logger.warn({ err: error, stageId }, 'could not read stage status'),
      );
    }
    const status = this.statusCache.get(stageId)?.status ?? 'RUNNING';
    return status === 'RUNNING' || status === 'QUEUED';
  }
}

/** Text of a failed call for the failures table: never the API key (the llm module scrubs it). */
export function failureText(error: unknown): string {
  const e = error as Partial<LlmError> & Error;
  const status = e.status ? `HTTP ${e.status}: ` : '';
  return `${status}${e.message ?? String(error)}`.slice(0, 2_000);
}

export function attemptsOf(error: unknown): number {
  return Number((error as Partial<LlmError>).attempts ?? 1) || 1;
}

/** True when the error is the caller's cancellation rather than a failure of the item. */
export function isAbort(error: unknown): boolean {
  return (error as Partial<LlmError>).kind === 'aborted';
}

/** Runs `fn` over `items` with all of them in flight at once (the llm client limits concurrency). */
export async function forEachItem<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  await Promise.all(items.map(fn));
}
