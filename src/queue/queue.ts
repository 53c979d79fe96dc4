/**
 * The job queue: pg-boss on the same database as everything else (PostgreSQL, or PGlite through
 * pg-boss's `db.executeSql` adapter). A stage is split into jobs of item batches; any number of
 * worker processes share them. A job held by a dead worker expires after `expireSeconds` and is
 * handed out again; results are written idempotently, so a re-run job is harmless.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';

export type JobHandler<T> = (data: T, job: { id: string; signal: AbortSignal }) => Promise<void>;

export type Queue = {
  /** Enqueues jobs; returns how many were created. */
  send<T extends object>(name: string, jobs: T[], options?: { singletonKeyOf?: (job: T) => string; priority?: number; startAfterSeconds?: number }): Promise<number>;
  /** Runs `handler` for jobs of `name`, up to `concurrency` at once in this process. */
  work<T extends object>(name: string, concurrency: number, handler: JobHandler<T>): Promise<void>;
  /** Stops fetching new jobs, waits for running handlers up to `timeoutMs`, then aborts them. */
  stop(timeoutMs: number): Promise<void>;
  /** True when the queue's tables answer. */
  ping(): Promise<boolean>;
};

export type QueueOptions = {
  /** Seconds before a job held by a silent worker is retried elsewhere. */
  expireSeconds: number;
  /** Poll interval for new jobs, seconds (pg-boss minimum 0.5). */
  pollingSeconds?: number;
  /** Tries per job for errors thrown by the handler itself (item failures are rows, not throws). */
  retryLimit?: number;
};

export const QUEUE_NAMES = ['stage-batch', 'stage-control'] as const;

export async function startQueue(
  database: Database,
  connectionString: string | null,
  options: QueueOptions,
  onError: (error: Error) => void,
): Promise<Queue> {
  const boss = new PgBoss(
    connectionString
      ? { connectionString, max: 4, application_name: 'ste-queue' }
      : { db: { executeSql: (text: string, values: unknown[]) => database.executeSql(text, values) } },
  );
  boss.on('error', onError);
  await boss.start();
  for (const name of QUEUE_NAMES) {
    await boss.createQueue(name, {
      name,
      expireInSeconds: options.expireSeconds,
      retryLimit: options.retryLimit ?? 5,
      retryDelay: 1,
      retryBackoff: true,
    });
  }

  const running = new Map<string, AbortController>();
  const idle = new Set<() => void>();
  const settle = () => {
    if (running.size === 0) for (const resolve of idle) resolve();
  };

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
        })),
      );
      return jobs.length;
    },
    async work(name, concurrency, handler) {
      // pg-boss runs one batch at a time per registration: register `concurrency` of them.
      for (let i = 0; i < concurrency; i += 1) {
        await boss.work(name, { pollingIntervalSeconds: options.pollingSeconds ?? 0.5, batchSize: 1 }, async (jobs) => {
          for (const job of jobs) {
            const controller = new AbortController();
            running.set(job.id, controller);
            try {
              await handler(job.data as never, { id: job.id, signal: controller.signal });
            } finally {
              running.delete(job.id);
              settle();
            }
          }
        });
      }
    },
    async stop(timeoutMs) {
      // Stop polling first so nothing new is claimed, then give running jobs their grace period.
      for (const name of QUEUE_NAMES) await boss.offWork(name).catch(() => {});
      if (running.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          idle.add(() => {
            clearTimeout(timer);
            resolve();
          });
          settle();
        });
      }
      for (const controller of running.values()) controller.abort(new Error('worker shutting down'));
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(1_000, Math.min(timeoutMs, 5_000)) }).catch(onError);
    },
    async ping() {
      try {
        await boss.getQueue(QUEUE_NAMES[0]);
        return true;
      } catch {
        return false;
      }
    },
  };
}
