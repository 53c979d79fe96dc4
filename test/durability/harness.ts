/**
 * What the durability tests share. Each test gets a fresh database on a PostgreSQL server, the
 * simulator running in the test process (so the test reads its request log and changes its
 * faults), an API-only app in the test process (it never runs jobs), and worker processes
 * started the way users start them: `node --import tsx src/main.ts --role worker`.
 * Everything started is stopped by `stop()`, and `stop()` fails the test if a worker it started
 * was still running.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator, SimulatorOptions } from '../../src/sim/server.js';

export const SERVER_URL = process.env.DATABASE_URL;

/** Lease of a job in these tests: a killed worker's jobs are handed out again within about 4 s. */
export const LEASE_SECONDS = 3;

export type Gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export type WorkerProcess = {
  name: string;
  child: ChildProcess;
  /** stdout and stderr lines so far. */
  lines: string[];
  /** Resolves with the exit code (or the signal's name) when the process has ended. */
  exited: Promise<number | string>;
  running(): boolean;
};

export type Harness = {
  sim: Simulator;
  api: App;
  gql: Gql;
  /** Connections to the test database, for checks on the rows (a pool: it outlives a server restart). */
  sql: pg.Pool;
  databaseUrl: string;
  /**
   * A worker process, as users start it: `--role worker`, or `--role all` (an API of its own and,
   * on PostgreSQL, the worker in a thread of the process: see src/worker-thread.ts).
   */
  startWorker(env?: Record<string, string>, role?: 'worker' | 'all'): Promise<WorkerProcess>;
  /** Sends a signal and waits for the process to end. */
  stopWorker(worker: WorkerProcess, signal?: NodeJS.Signals): Promise<number | string>;
  stop(): Promise<void>;
};

/** The environment of every worker; a test overrides what it studies. */
const WORKER_ENV = {
  LOG_LEVEL: 'warn',
  JOB_EXPIRE_SECONDS: String(LEASE_SECONDS),
  WORKER_JOB_CONCURRENCY: '4',
  WORKER_BATCH_SIZE: '4',
  LLM_CONCURRENCY: '8',
  LLM_TIMEOUT_MS: '5000',
  DATABASE_POOL_SIZE: '5',
  SHUTDOWN_TIMEOUT_MS: '2000',
};

/** `env`: more environment for the API app and every worker (STE_CONFIG, ...). */
export async function startHarness(options: { serverUrl?: string; sim?: Partial<SimulatorOptions>; env?: Record<string, string> } = {}): Promise<Harness> {
  const serverUrl = options.serverUrl ?? SERVER_URL!;
  const name = `ste_d_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  // On DATABASE_URL's server, a copy of the run's migrated database (test/helpers/template-databases.ts).
  const template = serverUrl === SERVER_URL ? inject('postgresTemplate') : '';
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const stops: (() => Promise<void>)[] = [];
  const workers = new Set<WorkerProcess>();
  let leaked: string[] = [];
  const stop = async () => {
    leaked = [...workers].filter((w) => w.running()).map((w) => w.name);
    for (const w of workers) if (w.running()) w.child.kill('SIGKILL');
    await Promise.all([...workers].map((w) => w.exited));
    for (const s of stops.reverse()) await s().catch(() => {});
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  try {
    const sim = await startSimulator({ logRequests: 100_000, ...options.sim });
    stops.push(() => sim.close());
    const config = loadConfig(
      { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, OPENAI_BASE_URL: sim.url, JOB_EXPIRE_SECONDS: String(LEASE_SECONDS), ...options.env },
      ['--role', 'api'],
    );
    const api = await createApp(config, createLogger('silent'));
    stops.push(() => api.stop());
    const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    sql.on('error', () => {});
    stops.push(() => sql.end());

    const gql: Gql = async (query, variables) => {
      const response = await fetch(api.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as never;
    };

    let count = 0;
    const startWorker = async (env: Record<string, string> = {}, role: 'worker' | 'all' = 'worker'): Promise<WorkerProcess> => {
      count += 1;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', role], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: databaseUrl, OPENAI_BASE_URL: sim.url, PORT: '0', ...WORKER_ENV, ...options.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const worker: WorkerProcess = {
        name: `worker ${count} (pid ${child.pid})`,
        child,
        lines: [],
        exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
        running: () => child.exitCode === null && child.signalCode === null,
      };
      workers.add(worker);
      let partial = '';
      const onData = (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        worker.lines.push(...parts);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      const started = await Promise.race([
        new Promise<boolean>((resolve) => {
          const announced = role === 'worker' ? 'worker started' : 'GraphQL API at';
          const check = () => (worker.lines.some((l) => l.includes(announced)) ? resolve(true) : setTimeout(check, 20));
          check();
        }),
        worker.exited.then(() => false),
      ]);
      if (!started) throw new Error(`${worker.name} did not start:\n${worker.lines.slice(-20).join('\n')}`);
      return worker;
    };

    const stopWorker = async (worker: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL') => {
      if (worker.running()) worker.child.kill(signal);
      return worker.exited;
    };

    return {
      sim,
      api,
      gql,
      sql,
      databaseUrl,
      startWorker,
      stopWorker,
      stop: async () => {
        await stop();
        if (leaked.length > 0) throw new Error(`the test left workers running: ${leaked.join(', ')}`);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
