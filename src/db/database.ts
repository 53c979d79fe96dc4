/**
 * The database wrapper: a node-postgres pool to a PostgreSQL server when DATABASE_URL is set,
 * embedded PGlite in DATA_DIR otherwise (on a worker thread of its own, pglite-thread.ts, so its
 * WebAssembly does not hold the event loop). Both run the same drizzle schema and migrations.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { DatabaseConfig } from '../config/index.js';
import { redactUrl } from '../config/index.js';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import type { DataDirLock, LockOptions } from './data-dir-lock.js';
import { PgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';
import { projectPath } from '../config/paths.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Runs `fn` in a transaction of `db` (or a savepoint inside one), passing the transaction as a `Db`:
 * drizzle types a transaction as a class of its own although it offers every query method `Db`
 * has, so repositories take `Db` and this is the one place that says so.
 */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}

/** A statement on a `Database.session` connection: its rows. */
export type SessionQuery = (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

export type Database = {
  kind: 'postgres' | 'pglite';
  db: Db;
  /** Raw parameterised SQL; multi-statement text (no parameters) returns the rows of every statement. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /**
   * Calls `onPayload` for every NOTIFY on `channel`. On PostgreSQL this holds its own connection
   * that reconnects after a drop and then calls `onReconnect` so the caller can catch up.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  /**
   * Runs `fn` while holding a lock named `key` across every process on this database (a
   * PostgreSQL advisory lock on a connection of its own). PGlite lives in one process: `fn` runs as is.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on a connection of its own, for maintenance that must not run in a transaction
   * (CREATE INDEX CONCURRENTLY), may take minutes and holds session state (an advisory lock).
   * Aborting `signal` cancels the statement running on it (pg_cancel_backend), so that a stop need
   * not wait for it. PGlite: its one connection.
   */
  session<T>(fn: (run: SessionQuery) => Promise<T>, signal: AbortSignal): Promise<T>;
  /**
   * Calls `listener` if the database is gone for good while open: PGlite's thread stopped without
   * `close()`, after which every call fails. (A PostgreSQL pool replaces dropped connections: never.)
   */
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
};

/** Raised when the database cannot be reached or migrated; the message is one line for the operator. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export const MIGRATIONS_FOLDER = projectPath('migrations');

/** Any number to keep concurrent starts from migrating at once. */
const MIGRATION_LOCK_KEY = 7_215_530_418;

/**
 * Opens (and migrates) the database. PGlite in a folder: the folder's lock is taken first
 * (`data-dir-lock.ts`; DataDirLockedError when another process holds it) and released by `close()`.
 */
export async function openDatabase(config: DatabaseConfig, lockOptions: LockOptions = {}): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url, config.poolSize) : openPglite(config.dataDir, lockOptions, config.loadDataDir);
}

/** True for a PGlite data dir that lives in memory (nothing on disk, nothing to lock). */
export function inMemory(dataDir: string): boolean {
  return dataDir.startsWith('memory://');
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  await migratePostgres(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // A dropped idle connection must not crash the process; the pool replaces it on next use.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners = new Set<PgListener>();
  return {
    kind: 'postgres',
    db,
    executeSql: async (text, values) => {
      const result = await pool.query(text, values);
      return { rows: flattenRows(result) };
    },
    listen: async (channel, onPayload, onReconnect) => {
      const listener = new PgListener(url, channel, onPayload, onReconnect);
      await listener.start();
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    ping: async () => {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    session: async (fn, signal) => {
      const client = await pool.connect();
      try {
        const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
        const cancel = () => void pool.query('select pg_cancel_backend($1)', [pid]).catch(() => {});
        if (signal.aborted) throw signal.reason;
        signal.addEventListener('abort', cancel, { once: true });
        try {
          return await fn(async (text, values) => {
            // Aborted between two statements: the cancel found nothing running, so none starts.
            if (signal.aborted) throw signal.reason;
            return (await client.query(text, values)).rows as Record<string, unknown>[];
          });
        } finally {
          signal.removeEventListener('abort', cancel);
        }
      } finally {
        // The connection goes back to the pool without session state (an advisory lock `fn` could not
        // release); one where even that fails is closed instead (release with an error destroys it).
        const unlocked = await client.query('select pg_advisory_unlock_all()').then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        client.release(unlocked);
      }
    },
    withLock: async (key, fn) => {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        client.release();
      }
    },
    onLost: () => {},
    close: async () => {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end();
    },
  };
}

async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw new DatabaseUnavailableError(`cannot connect to the database at ${describeUrl(url)}: ${errorText(cause)}`, { cause });
  }
  try {
    // Several API and worker processes may start at once: one migrates, the others wait.
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (cause) {
    throw new DatabaseUnavailableError(`migrating the database at ${describeUrl(url)} failed: ${errorText(cause)}`, { cause });
  } finally {
    await client.end().catch(() => {});
  }
}

async function openPglite(dataDir: string, lockOptions: LockOptions, loadDataDir?: string): Promise<Database> {
  if (loadDataDir && !inMemory(dataDir)) throw new DatabaseUnavailableError(`a data dir dump is loaded into memory:// only, not into ${dataDir}`);
  const lock = inMemory(dataDir) ? null : lockFolder(dataDir, lockOptions);
  let client: PgliteThread;
  try {
    if (lock && !existsSync(path.join(dataDir, 'PG_VERSION'))) await createInChild(dataDir);
    client = await PgliteThread.open(dataDir, pgliteStartParams(), loadDataDir);
  } catch (cause) {
    lock?.release();
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${dataDir}: ${errorText(cause)}`, { cause });
  }
  // drizzle's PGlite driver uses only the calls PgliteThread offers (query, transaction).
  const asPglite = client as unknown as PGlite;
  const db = drizzlePglite(asPglite, { schema }) as unknown as Db;
  try {
    await migratePglite(drizzlePglite(asPglite), { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (cause) {
    await client.close().catch(() => {});
    lock?.release();
    throw new DatabaseUnavailableError(`migrating the embedded database in ${dataDir} failed: ${errorText(cause)}`, { cause });
  }
  return {
    kind: 'pglite',
    db,
    executeSql: async (text, values) => {
      if (values && values.length > 0) {
        const result = await client.query(text, values);
        return { rows: result.rows as Record<string, unknown>[] };
      }
      const results = await client.exec(text);
      return { rows: results.flatMap((r) => r.rows as Record<string, unknown>[]) };
    },
    listen: (channel, onPayload) => client.listen(channel, onPayload),
    ping: async () => {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    withLock: (_key, fn) => fn(),
    session: (fn) => fn(async (text, values) => (await client.query(text, values)).rows as Record<string, unknown>[]),
    onLost: (listener) => client.onLost(listener),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * PostgreSQL's shared buffers inside PGlite. Its default, 128 MB, is resident memory as soon as
 * a stage has touched that many pages; pages beyond these buffers are read back from the OS page
 * cache through PGlite's file system, which costs a copy, not a disk read.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/**
 * PGlite's start parameters with smaller shared buffers. PGlite does not type its defaults: if a
 * release stops exposing them, its own defaults are used (more memory, nothing else), and
 * test/unit/pglite-memory.test.ts fails.
 */
export function pgliteStartParams(): string[] | undefined {
  const defaults = (PGlite as unknown as { defaultStartParams?: readonly string[] }).defaultStartParams;
  return defaults ? [...defaults, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] : undefined;
}

// The source file, plain JavaScript: the same script whether the service runs from src/ or dist/.
const CREATE_SCRIPT = projectPath('src', 'db', 'pglite-init.mjs');

/** Creates the database of a folder that has none in a short-lived child process (pglite-init.mjs says why). */
async function createInChild(dataDir: string): Promise<void> {
  const child = spawn(process.execPath, [CREATE_SCRIPT, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2_000)));
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  if (code !== 0) throw new Error(`creating the database failed (${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
}

function lockFolder(dataDir: string, lockOptions: LockOptions): DataDirLock {
  try {
    return lockDataDir(dataDir, lockOptions);
  } catch (cause) {
    if (cause instanceof DataDirLockedError) throw cause;
    throw new DatabaseUnavailableError(`cannot use the data folder ${dataDir}: ${errorText(cause)}`, { cause });
  }
}

/** LISTEN on a connection of its own; reconnects with backoff and re-LISTENs after a drop. */
class PgListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onPayload: (payload: string) => void,
    private readonly onReconnect?: () => void,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onPayload(message.payload ?? '');
    });
    client.on('error', () => this.dropped(client));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.retry(250);
  }

  /** Reconnects with backoff up to 5 s; after a reconnect the caller catches up from the table. */
  private retry(delayMs: number): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      this.connect().then(
        () => this.onReconnect?.(),
        () => this.retry(Math.min(delayMs * 2, 5_000)),
      );
    }, delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

function flattenRows(result: pg.QueryResult | pg.QueryResult[]): Record<string, unknown>[] {
  return Array.isArray(result) ? result.flatMap((r) => r.rows as Record<string, unknown>[]) : (result.rows as Record<string, unknown>[]);
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return redactUrl(url);
  }
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorText(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    const message = error.message || code || error.name;
    return code && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}

/** Rows of a raw drizzle `execute`, whichever driver ran it. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
