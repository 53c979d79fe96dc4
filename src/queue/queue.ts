/**
 * The job queue: pg-boss on the same database as everything else (PostgreSQL, or PGlite through
 * pg-boss's `db.executeSql` adapter). A stage is split into jobs of item batches; any number of
 * worker processes share them, each job running in one worker at a time.
 *
 * A running job is leased for `expireSeconds` and its worker renews the lease every third of
 * that while the job runs, however long it takes. A worker that dies (SIGKILL, power loss, lost
 * network) stops renewing: its lease runs out at most `expireSeconds` after its death, and any
 * live process (worker or API) reclaims it at its next round, so its jobs are handed out again
 * within about `expireSeconds * 4/3` (plus one poll) of the death. A worker that stops
 * gracefully gives its unfinished jobs back at once. Results are written idempotently and fenced
 * by the lease (`holds`), so a re-run job is harmless and a stale worker cannot write.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import * as leases from './leases.js';
import { Workers } from './workers.js';
import type { GiveUpHandler, JobHandler } from './workers.js';

export type { JobContext, JobHandler, JobOutcome } from './workers.js';

export type Queue = {
  /** Enqueues jobs; returns how many were created. */
  send<T extends object>(name: string, jobs: T[], options?: { singletonKeyOf?: (job: T) => string; priority?: number; startAfterSeconds?: number }): Promise<number>;
  /**
   * Runs `handler` for jobs of `name`, up to `concurrency` at once in this process. A handler that
   * throws is retried with backoff (`retryLimit` tries more); after the last, `onGiveUp` is called.
   */
  work<T extends object>(name: string, concurrency: number, handler: JobHandler<T>, options?: { onGiveUp?: GiveUpHandler<T> }): Promise<void>;
  /**
   * Stops fetching new jobs, calls `beforeWait`, waits for running handlers up to `timeoutMs`,
   * then aborts them and gives their jobs back to the queue for another worker.
   */
  stop(timeoutMs: number, beforeWait?: () => void): Promise<void>;
  /**
   * Has this process's idle workers of `name` look for jobs now instead of at their next poll (a
   * send from this queue does it itself; this is for jobs another thread of the process sent).
   */
  wake(name: string): void;
  /** True when the queue's tables answer. */
  ping(): Promise<boolean>;
  /** Jobs of `name` not finished yet (waiting, retrying or running) whose data contains `match`. */
  unfinished(name: string, match: object): Promise<number>;
  /** Jobs waiting to be taken, per queue name (metrics). */
  depth(): Promise<Record<string, number>>;
};

export type QueueOptions = {
  /** Lease of a running job, seconds; renewed every third of it while the job runs. */
  expireSeconds: number;
  /** Poll interval for new jobs, seconds. Default 0.5. */
  pollingSeconds?: number;
  /** Tries after the first for errors thrown by the handler itself (item failures are rows, not throws). Default 5. */
  retryLimit?: number;
  /** Sees the leases reclaimed from workers that stopped renewing them (metrics). */
  observer?: { leasesReclaimed(n: number): void };
  /** Told of every send of jobs that may start at once (the API thread wakes the worker thread's workers with it). */
  onSent?: (name: string) => void;
};

export const QUEUE_NAMES = ['stage-batch', 'stage-control'] as const;

export async function startQueue(database: Database, connectionString: string | null, options: QueueOptions, logger: Logger): Promise<Queue> {
  const boss = new PgBoss({
    ...(connectionString
      ? { connectionString, max: 4, application_name: 'ste-queue' }
      : { db: { executeSql: (text: string, values: unknown[]) => database.executeSql(text, values) } }),
    // pg-boss's own expiry (which counts as a failed try, with backoff) is only the fallback for
    // when no worker is alive to reclaim leases: every worker reclaims them every few seconds.
    maintenanceIntervalSeconds: 300,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'queue error'));
  await boss.start();
  for (const name of QUEUE_NAMES) await boss.createQueue(name, { name });

  const leaseSeconds = Math.max(1, Math.ceil(options.expireSeconds));
  const workers = new Workers(boss, database, QUEUE_NAMES, { leaseSeconds, pollingMs: (options.pollingSeconds ?? 0.5) * 1_000, logger, ...(options.observer && { observer: options.observer }) });
  let working = false;

  return {
    async send(name, jobs, sendOptions) {
      if (jobs.length === 0) return 0;
      await boss.insert(
        jobs.map((data) => ({
          name,
          data,
          singletonKey: sendOptions?.singletonKeyOf?.(data),
          priority: sendOptions?.priority,
          startAfter: sendOptions?.startAfterSeconds ? new Date(Date.now() + sendOptions.startAfterSeconds * 1_000) : undefined,
          expireInSeconds: leaseSeconds,
          retryLimit: options.retryLimit ?? 5,
          retryDelay: 1,
          retryBackoff: true,
        })),
      );
      if (!sendOptions?.startAfterSeconds) {
        if (working) workers.wake(name);
        options.onSent?.(name);
      }
      return jobs.length;
    },
    async work(name, concurrency, handler, workOptions) {
      working = true;
      workers.work(name, concurrency, handler, workOptions?.onGiveUp);
    },
    wake(name) {
      if (working) workers.wake(name);
    },
    async stop(timeoutMs, beforeWait) {
      await workers.stop(timeoutMs, beforeWait);
      await boss.stop({ graceful: false, wait: true, timeout: 5_000 }).catch((error: unknown) => logger.error({ err: error }, 'stopping the queue failed'));
    },
    async ping() {
      try {
        await boss.getQueue(QUEUE_NAMES[0]);
        return true;
      } catch {
        return false;
      }
    },
    unfinished: (name, match) => leases.unfinished(database, name, match),
    depth: async () => {
      const sizes = await Promise.all(QUEUE_NAMES.map((name) => boss.getQueueSize(name)));
      return Object.fromEntries(QUEUE_NAMES.map((name, i) => [name, sizes[i]!]));
    },
  };
}
