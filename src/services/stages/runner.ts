/**
 * The machinery every stage kind shares (its rules are in a StageHandler, handler.ts):
 * plan the items, split them into queue jobs, process a batch, write its results and the stage's
 * counts in one transaction, and finish the stage exactly once when every item is accounted for.
 *
 * Items are identified by string keys ("pairId:order", "instructionId", ...). An item whose result
 * is stored is never sent to the endpoint again: a batch first drops the keys already stored.
 *
 * Durability: a batch's write is fenced by its queue job's lease and by the stage's epoch (bumped
 * whenever the stage's work is queued anew), so a stale worker or a superseded job writes nothing;
 * a worker that stops hands its unfinished batches back; a cancelled or paused stage's calls stop
 * within about a second in every worker (StageWatch).
 */
import { transaction } from '../../db/database.js';
import type { Database, Db } from '../../db/database.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageControl } from '../../db/stages-repo.js';
import { TemplateError } from '../../domain/prompts.js';
import type { StageKind, StageStatus } from '../../domain/vocabulary.js';
import type { StageRow } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import type { JobContext, JobOutcome, Queue } from '../../queue/queue.js';
import { budgetStop } from './budget.js';
import { Pricing } from './cost.js';
import { EMPTY_PRICES } from '../../config/prices.js';
import { providerJobKey } from './execution.js';
import type { BatchOutcome, ProviderBatchJob, StageHandler } from './handler.js';
import { StageCommits } from './commits.js';
import type { CommitContext } from './commits.js';
import { finishIfComplete, pauseIfOverBudget } from './finish.js';
import type { StageObserver } from './observation.js';
import { StageWatch } from './watch.js';

export type { BatchOutcome, StageHandler } from './handler.js';
export type { StageObserver } from './observation.js';

/** A queue job: some items of a stage, queued in the stage's `epoch` (absent: 0). */
export type BatchJob = { stageId: number; keys: string[]; epoch?: number };

export type StageRunnerOptions = {
  batchSize: number;
  /** Share of failed items above which a finished stage is FAILED instead of SUCCEEDED (STAGE_MAX_FAILURE_SHARE, default 0.1). */
  maxFailureShare: number;
  /** How often a worker re-reads the row of a stage whose batches it runs (cancel, pause), ms. Default 1000. */
  watchPollMs?: number;
  /** Stages in execution BATCH (execution.ts): items per queue job, poll interval, sends of a line. */
  providerBatch?: { jobItems: number; pollMs: number; maxAttempts: number };
  /** The price table's costs, for money budgets. Default: no prices. */
  pricing?: Pricing;
  /** Sees every committed batch (metrics). */
  observer?: StageObserver;
  /** Runs each batch's work inside a span (traces, when configured). */
  tracing?: { stageBatch<T>(info: { stageId: number; kind: string; experimentId: number | null; iterationId: number | null; items: number }, fn: () => Promise<T>): Promise<T> };
  /** DEFAULT_TOKEN_BUDGET: the budget of an experiment without tokenBudget, and of a stage outside any experiment (budget.ts); 0 or unset: none. */
  defaultTokenBudget?: number;
};

const DEFAULT_PROVIDER_BATCH = { jobItems: 50_000, pollMs: 30_000, maxAttempts: 3 };

/** The job context of a write made outside any queue job (completeOutside): no lease to hold. */
const OUTSIDE_JOB: CommitContext = { holds: async () => true, id: 'outside', signal: new AbortController().signal };

const isRunnable = (stage: StageRow) => stage.status === 'RUNNING' || stage.status === 'QUEUED';

export type StageFinishedListener = (stage: StageRow) => Promise<void>;

export class StageRunner {
  private readonly handlers = new Map<StageKind, StageHandler>();
  private readonly finishedListeners: StageFinishedListener[] = [];
  private readonly watch: StageWatch;
  private readonly commits: StageCommits;
  /** Preflight answers by "stageId:epoch" (see `preflight`). */
  private readonly preflights = new Map<string, Promise<string | undefined>>();
  readonly pricing: Pricing;

  private get providerBatch() {
    return this.options.providerBatch ?? DEFAULT_PROVIDER_BATCH;
  }

  constructor(
    private readonly database: Database,
    private readonly queue: Queue,
    private readonly logger: Logger,
    private readonly options: StageRunnerOptions,
  ) {
    this.pricing = options.pricing ?? new Pricing(EMPTY_PRICES);
    this.watch = new StageWatch(database.db, logger, (c) => this.budgetStop(c), options.watchPollMs);
    this.commits = new StageCommits({
      database,
      logger,
      handler: (kind) => this.handler(kind),
      maxFailureShare: options.maxFailureShare,
      budgets: this.budgets,
      observer: options.observer,
      notifyFinished: (stage) => this.notifyFinished(stage),
    });
  }

  /** The stage kinds this runner has handlers for. */
  kinds(): StageKind[] {
    return [...this.handlers.keys()];
  }

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
  async start(values: { experimentId: number | null; iterationId?: number | null; evaluationId?: number | null; kind: StageKind; params?: object }): Promise<StageRow> {
    const db = this.database.db;
    const stage = await stagesRepo.insertStage(db, { ...values, total: 0 });
    const keys = await this.plannedKeys(stage);
    const planned = (await stagesRepo.updateStageFields(db, stage.id, { total: keys.length })) ?? stage;
    await this.enqueue(planned, keys);
    return (await stagesRepo.getStage(db, stage.id)) ?? planned;
  }

  /**
   * Queues the missing items of a stage anew, in a new epoch, with its failed items too unless
   * `keepFailures`. Only reopens a stage whose status is one of `from` (default: not running);
   * of concurrent callers one does it, the others get the row back unchanged.
   */
  async resume(stage: StageRow, options: { from?: StageStatus[]; epoch?: number; keepFailures?: boolean } = {}): Promise<StageRow> {
    const reopened = await stagesRepo.reopenStage(this.database.db, stage.id, options);
    if (!reopened) return (await stagesRepo.getStage(this.database.db, stage.id)) ?? stage;
    const keys = await this.plannedKeys(reopened);
    await this.enqueue(reopened, keys);
    return (await stagesRepo.getStage(this.database.db, stage.id)) ?? reopened;
  }

  /** The stage's items with neither a stored result nor a recorded failure. */
  async plannedKeys(stage: StageRow): Promise<string[]> {
    const keys = await this.handler(stage.kind).pendingKeys(stage);
    const failed = stage.failed > 0 ? await stagesRepo.failureKeys(this.database.db, stage.id, keys) : new Set<string>();
    return failed.size === 0 ? keys : keys.filter((k) => !failed.has(k));
  }

  private async enqueue(stage: StageRow, keys: string[]): Promise<void> {
    if (keys.length === 0) {
      await this.completeIfDone(stage.id);
      return;
    }
    // A BATCH stage's job is one provider batch's worth of items (split further by the endpoint's limits).
    const batchMode = (await this.handler(stage.kind).executionOf?.(stage)) === 'BATCH';
    const size = batchMode ? this.providerBatch.jobItems : this.options.batchSize;
    const jobs: BatchJob[] = [];
    for (let i = 0; i < keys.length; i += size) {
      jobs.push({ stageId: stage.id, epoch: stage.epoch, keys: keys.slice(i, i + size) });
    }
    try {
      await this.queue.send('stage-batch', jobs);
    } catch (error) {
      await this.fail(stage.id, `could not queue the stage's work: ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * The queue handler for 'stage-batch' jobs. Returns 'release' when this worker is stopping (or
   * lost the job) with items of a running stage left, so that the job goes back to the queue at
   * once. Throws only on infrastructure errors (the job is retried).
   */
  async runBatch(job: BatchJob, ctx: JobContext): Promise<JobOutcome> {
    const db = this.database.db;
    const epoch = job.epoch ?? 0;
    const found = await stagesRepo.getStageWithControl(db, job.stageId);
    const stage = found?.row;
    // A job of an older epoch was superseded when the stage's work was queued anew.
    if (!stage || !isRunnable(stage) || stage.epoch !== epoch) return;
    if (await pauseIfOverBudget(db, stage, this.budgets, found.control)) return;
    if (stage.status === 'QUEUED') await stagesRepo.markRunning(db, stage.id);
    const handler = this.handler(stage.kind);
    const stored = await handler.storedKeys(stage, job.keys);
    // `failed` counts the stage's failure rows (they are written and removed together), so none to look up when 0.
    const failed = stage.failed > 0 ? await stagesRepo.failureKeys(db, stage.id, job.keys) : new Set<string>();
    const todo = job.keys.filter((k) => !stored.has(k) && !failed.has(k));
    if (todo.length === 0) return;
    const refusal = await this.preflight(handler, stage);
    if (refusal !== undefined) {
      await this.fail(stage.id, refusal);
      return;
    }
    const watch = this.watch.enter(stage.id, epoch);
    // Stopping lets calls in flight finish (the llm client stops starting queued ones); the
    // lease's signal (shutdown timeout, lost lease) and the stage's (cancel, pause) drop them.
    const signal = AbortSignal.any([ctx.signal, watch.signal]);
    let outcome: BatchOutcome;
    // Items a BATCH job committed as it ingested its batches' output (the final commit adds the rest).
    let ingested = 0;
    const batch: ProviderBatchJob = {
      ...this.providerBatch,
      jobKey: providerJobKey(epoch, job.keys),
      db,
      commit: async (part, keys) => {
        const partial = await this.commits.commitOrRefuse(stage, epoch, ctx, part, keys);
        ingested += partial?.accounted ?? 0;
        return partial !== undefined && isRunnable(partial.row);
      },
    };
    try {
      const work = () => handler.process(stage, todo, { signal, active: () => !signal.aborted && !ctx.stopping.aborted, batch });
      const tracing = this.options.tracing;
      outcome = await (tracing
        ? tracing.stageBatch({ stageId: stage.id, kind: stage.kind, experimentId: stage.experimentId, iterationId: stage.iterationId, items: todo.length }, work)
        : work());
    } catch (error) {
      // A stored template no version of this service can use (accepted by an older one): no retry
      // can get past it, so the stage fails now instead of after every retry of every batch.
      if (!(error instanceof TemplateError)) throw error;
      await this.fail(stage.id, `the stage's judge template cannot be used: ${error.message}; start it again with a valid template`);
      return;
    } finally {
      watch.leave();
    }
    const committed = await this.commits.commitOrRefuse(stage, epoch, ctx, outcome, todo);
    if (committed) committed.accounted += ingested;
    if (committed && outcome.fatal !== undefined) {
      // No other item can get past this refusal: stop the stage (its other batches see it within StageWatch's poll).
      await this.fail(stage.id, `stopped: the endpoint refused the stage's requests: ${outcome.fatal}`);
      return;
    }
    this.logger.debug({ stageId: stage.id, jobId: ctx.id, items: todo.length, written: committed?.accounted ?? 0, fenced: !committed }, 'batch done');
    if (!committed || outcome.waiting || committed.accounted === todo.length || !isRunnable(committed.row)) return;
    if (ctx.stopping.aborted || ctx.signal.aborted) return 'release';
    if (!watch.signal.aborted) await this.failSkipped(stage, epoch, ctx, todo);
  }

  /**
   * The handler's preflight of a stage's epoch, run once per process however many of its batches
   * start here (they wait for the same answer). Returns the stage's reason to fail, if any.
   */
  private preflight(handler: StageHandler, stage: StageRow): Promise<string | undefined> {
    if (!handler.preflight) return Promise.resolve(undefined);
    const key = `${stage.id}:${stage.epoch}`;
    let check = this.preflights.get(key);
    if (!check) {
      if (this.preflights.size >= 256) this.preflights.clear();
      check = handler.preflight(stage).then((reason) => (reason === undefined ? undefined : `the endpoint check before sending failed: ${reason}`));
      // A check that could not run (a database hiccup) is asked again by the next batch.
      check.catch(() => this.preflights.delete(key));
      this.preflights.set(key, check);
    }
    return check;
  }

  /** Called when a batch failed on its last try: the stage fails with the reason. */
  async giveUp(job: BatchJob, error: unknown): Promise<void> {
    const stage = await stagesRepo.getStage(this.database.db, job.stageId);
    if (!stage || stage.epoch !== (job.epoch ?? 0) || !isRunnable(stage)) return;
    const reason = error instanceof Error ? error.message : String(error);
    await this.fail(stage.id, `a batch of ${job.keys.length} items failed on every try (${reason}); resumeStage queues its items again`);
  }

  /**
   * Accounts for items that waited on something outside the service (an external trainer's model):
   * writes `outcome` and the stage's counts in one transaction and finishes the stage when complete.
   * Returns the number of items newly stored (0 when another caller did it first).
   */
  async completeOutside(stageId: number, outcome: BatchOutcome): Promise<number> {
    const stage = await stagesRepo.getStage(this.database.db, stageId);
    if (!stage || !isRunnable(stage)) return 0;
    const committed = await this.commits.commit(stageId, stage.epoch, OUTSIDE_JOB, outcome);
    return committed?.accounted ?? 0;
  }

  /** Items a handler left without result or failure although nothing stopped it (their input is gone) become failures, so the stage can end. */
  private async failSkipped(stage: StageRow, epoch: number, ctx: JobContext, keys: string[]): Promise<void> {
    const stored = await this.handler(stage.kind).storedKeys(stage, keys);
    const failed = await stagesRepo.failureKeys(this.database.db, stage.id, keys);
    const skipped = keys.filter((k) => !stored.has(k) && !failed.has(k));
    if (skipped.length === 0) return;
    this.logger.warn({ stageId: stage.id, items: skipped.length }, 'the stage handler skipped items; recording them as failed');
    const failures = skipped.map((itemKey) => ({ itemKey, error: 'not processed: the item no longer exists', attempts: 0 }));
    await this.commits.commit(stage.id, epoch, ctx, { write: async () => 0, failures, usage: { promptTokens: 0, completionTokens: 0 } });
  }

  /** Why a stage may spend no more (its token budget, the server's default one, or its experiment's money budget is reached), or undefined. */
  budgetStop(control: StageControl): Promise<string | undefined> {
    return budgetStop(this.database.db, this.pricing, control, this.options.defaultTokenBudget ?? 0);
  }

  private get budgets() {
    return { pricing: this.pricing, defaultTokenBudget: this.options.defaultTokenBudget ?? 0 };
  }

  /** Finishes a stage whose items are all accounted for (used after planning and resuming). */
  async completeIfDone(stageId: number): Promise<void> {
    const finished = await transaction(this.database.db, async (tx) => {
      const row = await stagesRepo.getStage(tx, stageId);
      return row ? this.finishIfComplete(tx, row) : undefined;
    });
    if (finished) await this.notifyFinished(finished);
  }

  private finishIfComplete(tx: Db, row: StageRow): Promise<StageRow | undefined> {
    return finishIfComplete(tx, row, this.handler(row.kind), this.options.maxFailureShare);
  }

  async fail(stageId: number, error: string): Promise<void> {
    const row = await stagesRepo.finishStage(this.database.db, stageId, 'FAILED', { error });
    if (row) await this.notifyFinished(row);
  }

  async cancel(stageId: number): Promise<StageRow | undefined> {
    // Workers running its batches see the status within StageWatch's poll and drop their calls.
    const row = await stagesRepo.finishStage(this.database.db, stageId, 'CANCELLED', { error: 'cancelled on request' });
    if (row) await this.notifyFinished(row);
    return row;
  }

  async notifyFinished(stage: StageRow): Promise<void> {
    for (const listener of this.finishedListeners) {
      try {
        await listener(stage);
      } catch (error) {
        this.logger.error({ err: error, stageId: stage.id }, 'stage-finished listener failed');
      }
    }
  }
}
