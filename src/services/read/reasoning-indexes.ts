/**
 * Full-text indexes of judgment reasoning, one per iteration (db/search.ts), built by the workers
 * once an iteration's JUDGE stage has ended, SEARCH_INDEX_DELAY_SECONDS later (a build takes a
 * PostgreSQL core for a while: by then a running loop's SELECT and the export of the training data
 * are done, and its trainer runs): a search of a finished iteration's reasoning then
 * reads the index instead of computing to_tsvector for every judgment (a minute at the paper's
 * 600,000). Not while the stage runs, where its upkeep would double the database's work per stored
 * judgment; not below SEARCH_INDEX_MIN_JUDGMENTS judgments, where a scan is quick; not on PGlite,
 * whose one connection a build would hold for as long as it takes.
 *
 * Every worker sweeps; one builds at a time across processes (an advisory lock), with
 * CREATE INDEX CONCURRENTLY, so judgments stay writable. A build that is interrupted (a worker
 * killed) leaves an invalid index, which the next sweep drops and builds again.
 */
import type { Database } from '../../db/database.js';
import { buildReasoningIndex, dropOrphanReasoningIndexes, iterationsWithoutReasoningIndex } from '../../db/search.js';
import type { Logger } from '../../logger.js';

/** The advisory lock every builder holds (pg_try_advisory_lock: a sweep that finds it taken does nothing). */
const LOCK = 'reasoning-search-indexes';

export class ReasoningIndexes {
  private sweeping: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly database: Database,
    /** SEARCH_INDEX_MIN_JUDGMENTS; 0: never build one. */
    private readonly minJudgments: number,
    /** SEARCH_INDEX_DELAY_SECONDS: how long after its JUDGE stage ended an iteration's index is built. */
    private readonly delaySeconds: number,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.minJudgments > 0 && this.database.kind === 'postgres';
  }

  /** Builds the missing indexes and drops those of deleted iterations; a sweep still running is not overlapped. */
  sweep(): Promise<void> {
    if (!this.enabled || this.stopping.signal.aborted) return Promise.resolve();
    this.sweeping ??= this.run().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /** Cancels a build in progress (it is built again by the next sweep of any worker) and waits for the sweep to end. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('stopping'));
    await this.sweeping?.catch(() => {});
  }

  private async run(): Promise<void> {
    try {
      await this.build();
    } catch (error) {
      if (!this.stopping.signal.aborted) throw error; // a build cancelled by stop() is no failure
    }
  }

  private async build(): Promise<void> {
    const db = this.database.db;
    await this.database.session(async (run) => {
      const [lock] = await run('select pg_try_advisory_lock(hashtext($1)) as locked', [LOCK]);
      if (lock?.locked !== true) return; // another worker sweeps
      try {
        const dropped = await dropOrphanReasoningIndexes(db, run);
        if (dropped > 0) this.logger.info({ dropped }, 'dropped the reasoning search indexes of deleted iterations');
        for (const iterationId of await iterationsWithoutReasoningIndex(db, this.minJudgments, this.delaySeconds)) {
          if (this.stopping.signal.aborted) return;
          const started = performance.now();
          await buildReasoningIndex(db, run, iterationId);
          this.logger.info({ iterationId, seconds: Math.round((performance.now() - started) / 100) / 10 }, "built the full-text index of an iteration's judgment reasoning");
        }
      } finally {
        await run('select pg_advisory_unlock(hashtext($1))', [LOCK]);
      }
    }, this.stopping.signal);
  }
}
