/**
 * The worker side of the queue: fetch loops over pg-boss's `fetch`, and the leases of the jobs
 * this process runs (see leases.ts). pg-boss's own `work()` is not used because it fails a job
 * that runs longer than its expiry and cannot renew it; here a healthy job is renewed for as
 * long as it runs, and only a silent worker's job is handed out again.
 */
import type PgBoss from 'pg-boss';
import type { Database, Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import * as leases from './leases.js';
import type { Lease } from './leases.js';

/** What a handler returns: nothing when the job is done, 'release' to give it back to the queue unfinished. */
export type JobOutcome = void | 'release';

export type JobContext = {
  id: string;
  /** Aborts when this process stops (the job is then released) or when the job's lease was lost. */
  signal: AbortSignal;
  /** Aborts when this process starts to stop: start nothing new; what is left unfinished is released. */
  stopping: AbortSignal;
  /**
   * In the caller's transaction: true while this worker still holds the job, and the job then
   * stays held until the transaction ends. A write fenced by it is never made by a stale worker.
   */
  holds(tx: Db): Promise<boolean>;
};

export type JobHandler<T> = (data: T, job: JobContext) => Promise<JobOutcome>;

/** Called once when a job failed on its last allowed try. */
export type GiveUpHandler<T> = (data: T, error: unknown) => Promise<void>;

/** A job this process runs; `ended` once its handler returned (its completion is being recorded). */
type Running = { lease: Lease; controller: AbortController; lost: boolean; stopping: boolean; released: boolean; ended: boolean };

/** After the shutdown timeout, how long aborted handlers get to write what they finished. */
const ABORT_GRACE_MS = 5_000;

export class Workers {
  private readonly running = new Map<string, Running>();
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Map<string, Set<() => void>>();
  private readonly idleWaiters = new Set<() => void>();
  private stopping = false;
  private readonly stoppingController = new AbortController();
  private ticking: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly boss: PgBoss,
    private readonly database: Database,
    private readonly names: readonly string[],
    private readonly options: { leaseSeconds: number; pollingMs: number; logger: Logger; observer?: { leasesReclaimed(n: number): void } },
  ) {
    // Renewing three times per lease leaves two missed renewals of slack before a healthy job expires.
    this.timer = setInterval(() => void this.tick(), (options.leaseSeconds * 1_000) / 3);
    this.timer.unref();
    void this.tick(); // reclaim what dead workers left behind, at once
  }

  /** Starts a fetch loop that runs up to `concurrency` jobs of `name` at once. */
  work<T>(name: string, concurrency: number, handler: JobHandler<T>, onGiveUp?: GiveUpHandler<T>): void {
    this.loops.push(this.loop(name, concurrency, handler as JobHandler<unknown>, onGiveUp as GiveUpHandler<unknown> | undefined));
  }

  /** Wakes the fetch loops of a queue (after a local send, or when a slot frees up). */
  wake(name: string): void {
    const set = this.wakers.get(name);
    if (!set) return;
    this.wakers.delete(name);
    for (const wake of set) wake();
  }

  /**
   * Stops fetching, calls `beforeWait` (the caller stops starting new LLM calls there), waits up
   * to `timeoutMs` for running jobs, aborts the rest and gives them back to the queue.
   */
  async stop(timeoutMs: number, beforeWait?: () => void): Promise<void> {
    this.stopping = true;
    for (const name of this.wakers.keys()) this.wake(name);
    // A loop waits for at most one fetch; an unreachable database must not hold the shutdown forever.
    await Promise.race([Promise.all(this.loops), new Promise((resolve) => setTimeout(resolve, Math.max(timeoutMs, 1_000)).unref())]);
    this.stoppingController.abort(new Error('worker shutting down'));
    beforeWait?.();
    await this.idle(timeoutMs);
    for (const job of this.running.values()) {
      job.stopping = true;
      job.controller.abort(new Error('worker shutting down'));
    }
    await this.idle(ABORT_GRACE_MS);
    for (const job of this.running.values()) {
      if (job.ended) continue;
      job.released = true;
      await leases.release(this.database, job.lease, 'worker stopped before the job ended').catch((error: unknown) => this.warn(error, 'could not release a job'));
    }
    clearInterval(this.timer);
    await this.ticking;
  }

  private async loop(name: string, concurrency: number, handler: JobHandler<unknown>, onGiveUp: GiveUpHandler<unknown> | undefined): Promise<void> {
    let active = 0;
    while (!this.stopping) {
      const free = concurrency - active;
      let fetched = 0;
      if (free > 0) {
        let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
        try {
          jobs = await this.boss.fetch<unknown>(name, { batchSize: free, includeMetadata: true });
        } catch (error) {
          this.warn(error, 'fetching jobs failed');
        }
        for (const job of jobs) {
          active += 1;
          void this.run(name, job, handler, onGiveUp).finally(() => {
            active -= 1;
            this.wake(name);
          });
        }
        // The job was queued with its sender's lease time: from now on it is this worker's (the
        // fetch started the lease, so a job queued with the same lease time needs nothing more).
        const foreign = jobs.filter((j) => intervalSeconds(j.expireIn) !== this.options.leaseSeconds);
        if (foreign.length > 0) void this.renew(foreign.map((j) => this.running.get(j.id)).filter((j) => j !== undefined)).catch((error: unknown) => this.warn(error, 'renewing job leases failed (will retry)'));
        fetched = jobs.length;
      }
      // More may be waiting when the fetch filled some but not all free slots.
      if (fetched > 0 && fetched < free) continue;
      await this.sleep(name, this.options.pollingMs);
    }
  }

  private sleep(name: string, ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.get(name)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      let set = this.wakers.get(name);
      if (!set) this.wakers.set(name, (set = new Set()));
      set.add(done);
    });
  }

  private async run(name: string, job: PgBoss.JobWithMetadata<unknown>, handler: JobHandler<unknown>, onGiveUp: GiveUpHandler<unknown> | undefined): Promise<void> {
    const lease: Lease = { name, id: job.id, startedOn: new Date(job.startedOn) };
    const entry: Running = { lease, controller: new AbortController(), lost: false, stopping: false, released: false, ended: false };
    this.running.set(job.id, entry);
    let outcome: JobOutcome = undefined;
    let failure: unknown;
    let failed = false;
    try {
      outcome = await handler(job.data, {
        id: job.id,
        signal: entry.controller.signal,
        stopping: this.stoppingController.signal,
        holds: async (tx) => !entry.lost && (await leases.holds(tx, lease)),
      });
    } catch (error) {
      failed = true;
      failure = error;
    }
    entry.ended = true;
    try {
      // A lost job belongs to another worker now; one released by stop() is back in the queue.
      if (entry.lost || entry.released) return;
      if (!failed && outcome !== 'release') {
        await leases.complete(this.database, lease);
      } else if (!failed || this.stopping) {
        await leases.release(this.database, lease, this.stopping ? 'worker stopped before the job ended' : 'handed back unfinished');
      } else {
        const last = job.retryCount >= job.retryLimit;
        this.options.logger.error({ err: failure, queue: name, jobId: job.id, try: job.retryCount + 1, of: job.retryLimit + 1 }, 'job failed');
        await this.boss.fail(name, job.id, { message: failure instanceof Error ? failure.message : String(failure) });
        if (last) await onGiveUp?.(job.data, failure);
      }
    } catch (error) {
      // Database unreachable: the lease runs out and the job is handed out again.
      this.warn(error, 'could not record the end of a job');
    } finally {
      this.running.delete(job.id);
      if (this.running.size === 0) for (const resolve of this.idleWaiters) resolve();
    }
  }

  private idle(timeoutMs: number): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  /** Renews the leases held here, aborts jobs whose lease was lost, and reclaims expired ones. */
  private tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        await this.renew([...this.running.values()]);
        const reclaimed = await leases.reclaimExpired(this.database, this.names);
        if (reclaimed > 0) this.options.logger.warn({ reclaimed }, 'handed out again the jobs of workers that stopped renewing their leases');
        if (reclaimed > 0) this.options.observer?.leasesReclaimed(reclaimed);
      } catch (error) {
        this.warn(error, 'renewing job leases failed (will retry)');
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  /** Renews the leases of these running jobs; aborts those whose lease was lost. */
  private async renew(jobs: Running[]): Promise<void> {
    const held = jobs.filter((j) => !j.lost && !j.released && !j.ended);
    if (held.length === 0) return;
    const still = await leases.renew(this.database, held.map((j) => j.lease), this.options.leaseSeconds);
    for (const job of held) {
      if (still.has(job.lease.id) || this.running.get(job.lease.id) !== job) continue;
      job.lost = true;
      job.controller.abort(new Error('the job lease was lost: another worker has it'));
      this.options.logger.warn({ queue: job.lease.name, jobId: job.lease.id }, 'lost the lease of a running job; abandoning it');
    }
  }

  private warn(error: unknown, message: string): void {
    this.options.logger.warn({ err: error }, message);
  }
}

/**
 * Seconds of a PostgreSQL interval as the drivers return it (node-postgres: an object of parts;
 * PGlite: text such as '00:00:30'); undefined when it has months or years, or is not recognised.
 */
export function intervalSeconds(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const m = /^(?:(\d+) days? )?(\d+):(\d\d):(\d\d(?:\.\d+)?)$/.exec(value.trim());
    return m ? Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3_600 + Number(m[3]) * 60 + Number(m[4]) : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<Record<'years' | 'months' | 'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds', number>>;
  if (v.years || v.months) return undefined;
  return (v.days ?? 0) * 86_400 + (v.hours ?? 0) * 3_600 + (v.minutes ?? 0) * 60 + (v.seconds ?? 0) + (v.milliseconds ?? 0) / 1_000;
}
