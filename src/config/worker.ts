/** The settings of a worker process: its queue, its stages' batches and its background sweeps. */
import { ConfigError, fraction, int, oneOf } from './env.js';
import type { Env } from './env.js';
import type { Role } from './index.js';

export type WorkerConfig = {
  /** Queue jobs (item batches) one worker process runs at once. Default 16. */
  jobConcurrency: number;
  /** Items per queue job. Default 32. */
  batchSize: number;
  /**
   * Lease of a running queue job, seconds (JOB_EXPIRE_SECONDS). Its worker renews it every third of
   * this while the job runs, however long; a worker that dies has its jobs handed out again within
   * about 4/3 of this of its death. Default 30.
   */
  jobExpireSeconds: number;
  /** How long SIGTERM waits for in-flight work before releasing it. Default 30 s. */
  shutdownTimeoutMs: number;
  /**
   * QUEUE_POLL_MS: how often an idle worker looks for queued jobs. Jobs sent by the same process
   * (either thread of `--role all`) wake it at once; jobs sent by another process (`--role api`) and
   * retries wait for the next poll. Default 500.
   */
  queuePollMs: number;
  /**
   * WORKER_THREAD (auto, on, off; default auto): `--role all` on PostgreSQL runs the worker in a
   * thread of its own (src/worker-thread.ts), so the API's event loop is not the one the stage's
   * work keeps busy. Off on PGlite (the embedded database serves one thread) and in the api and
   * worker roles.
   */
  thread: boolean;
  /** STAGE_MAX_FAILURE_SHARE: share of a stage's items that may fail after every retry before the stage ends FAILED rather than SUCCEEDED. Default 0.1. */
  maxFailureShare: number;
  /**
   * SEARCH_INDEX_MIN_JUDGMENTS: an iteration with at least this many judgments gets a full-text
   * index of its reasoning once its JUDGE stage has ended (PostgreSQL; services/read/reasoning-indexes.ts).
   * 0: none. Default 20,000.
   */
  searchIndexMinJudgments: number;
  /** SEARCH_INDEX_DELAY_SECONDS: how long after the JUDGE stage ended that index is built. Default 60. */
  searchIndexDelaySeconds: number;
  /** Stages in execution BATCH: BATCH_JOB_ITEMS (items per queue job, default 50,000), BATCH_POLL_MS (default 30,000), BATCH_MAX_ATTEMPTS (sends of a line, default 3). */
  providerBatch: { jobItems: number; pollMs: number; maxAttempts: number };
  /**
   * DEFAULT_TOKEN_BUDGET: the token budget of an experiment that sets no tokenBudget (over all its
   * stages, runLoop's included) and of an evaluation outside any experiment (evaluateJudge with a
   * bare model); past it their stages pause. Default 10,000,000; 0: no default budget.
   */
  defaultTokenBudget: number;
};

/** The worker's settings from `env`; `postgres`: a PostgreSQL server is configured (DATABASE_URL). */
export function workerConfig(env: Env, role: Role, postgres: boolean): WorkerConfig {
  return {
    jobConcurrency: int(env, 'WORKER_JOB_CONCURRENCY', 16, 1, 1000),
    batchSize: int(env, 'WORKER_BATCH_SIZE', 32, 1, 10_000),
    jobExpireSeconds: int(env, 'JOB_EXPIRE_SECONDS', 30, 2, 86_400),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 0, 3_600_000),
    queuePollMs: int(env, 'QUEUE_POLL_MS', 500, 50, 60_000),
    thread: workerThread(env, role, postgres),
    maxFailureShare: fraction(env, 'STAGE_MAX_FAILURE_SHARE', 0.1),
    searchIndexMinJudgments: int(env, 'SEARCH_INDEX_MIN_JUDGMENTS', 20_000, 0, Number.MAX_SAFE_INTEGER),
    searchIndexDelaySeconds: int(env, 'SEARCH_INDEX_DELAY_SECONDS', 60, 0, 86_400),
    providerBatch: {
      jobItems: int(env, 'BATCH_JOB_ITEMS', 50_000, 1, 1_000_000),
      pollMs: int(env, 'BATCH_POLL_MS', 30_000, 10, 3_600_000),
      maxAttempts: int(env, 'BATCH_MAX_ATTEMPTS', 3, 1, 20),
    },
    defaultTokenBudget: int(env, 'DEFAULT_TOKEN_BUDGET', 10_000_000, 0, Number.MAX_SAFE_INTEGER),
  };
}

function workerThread(env: Env, role: Role, postgres: boolean): boolean {
  const mode = oneOf(env, 'WORKER_THREAD', ['auto', 'on', 'off'], 'auto');
  if (mode === 'on' && !postgres) {
    throw new ConfigError(
      'WORKER_THREAD=on needs a PostgreSQL server (DATABASE_URL): the embedded PGlite database is served to one thread (unset WORKER_THREAD, or set DATABASE_URL=postgres://user:password@localhost:5432/ste)',
    );
  }
  return mode !== 'off' && role === 'all' && postgres;
}
