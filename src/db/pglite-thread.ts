/**
 * PGlite on a thread of its own (`pglite-thread.mjs`), so its WebAssembly PostgreSQL does not run
 * on the service's event loop. `PgliteThread` offers the part of PGlite's client that drizzle, the
 * queue and the event bus use: `query` (with drizzle's row modes and type parsers), `exec`,
 * interactive `transaction`s, `listen` and `close`. Calls are answered in the order PGlite runs
 * them; a transaction holds the database as it does in-process (other calls wait for its end).
 */
import { Worker } from 'node:worker_threads';
import { projectPath } from '../config/paths.js';

type Row = Record<string, unknown> | unknown[];
type Field = { name: string; dataTypeID: number };
export type ThreadResult = { rows: Row[]; fields: Field[]; affectedRows?: number };
type Parser = (value: string, typeId: number) => unknown;
export type QueryOptions = { rowMode?: 'array' | 'object'; parsers?: Record<number, Parser> };

/** The calls a transaction offers, as PGlite's `Transaction` does. */
export type ThreadTransaction = {
  query(text: string, params?: unknown[], options?: QueryOptions): Promise<ThreadResult>;
  exec(text: string): Promise<ThreadResult[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
};

/** An error PGlite raised on the thread, with its fields (`code` is the SQLSTATE). */
export class PgliteThreadError extends Error {
  constructor(fields: Record<string, unknown>) {
    super(String(fields.message ?? 'database error'));
    Object.assign(this, fields);
    this.name = typeof fields.name === 'string' ? fields.name : 'DatabaseError';
  }
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type Answer = { id: number; ok: boolean; result?: unknown; error?: Record<string, unknown> };
type Notice = { op: 'notify'; listenId: number; payload: string } | { op: 'ready' };

/**
 * The thread's script, plain JavaScript that the build does not compile: read from src/ whether this
 * module runs from src/ (tsx) or from the compiled dist/ (`npm start`), as pglite-init.mjs is.
 */
const THREAD_SCRIPT = projectPath('src', 'db', 'pglite-thread.mjs');

/**
 * The young generation of the thread's heap, MB: PGlite's JavaScript makes short-lived buffers
 * per query, and V8's default (up to 48 MB) would be resident memory for no gain in speed.
 */
export const PGLITE_THREAD_YOUNG_GENERATION_MB = 8;

/**
 * V8 flags for PGlite's WebAssembly. `--liftoff-only` keeps V8 from compiling PostgreSQL's hot
 * functions a second time with its optimising compiler: about 40 MB less resident memory (the
 * optimised code and the compiler's own memory), for slower queries on this thread, which no
 * longer hold the event loop. The flags are process-wide: the service's other WebAssembly, undici's
 * HTTP parser (llhttp) and the snappy decompressor of parquet imports (hysnappy), runs on Liftoff
 * too once compiled after the database opened (in a CPU profile of a judge stage, llhttp took 1%
 * of the event loop's busy time).
 */
export const PGLITE_WASM_FLAGS = ['--liftoff-only'];

export class PgliteThread {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<number, (payload: string) => void>();
  private nextId = 1;
  private stopped: Error | null = null;
  private closing = false;
  private readonly lostListeners: ((error: Error) => void)[] = [];

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: Answer | Notice) => this.receive(message));
    worker.on('error', (error) => this.lose(error));
    worker.on('exit', (code) => this.lose(new Error(`the embedded database's thread stopped (exit code ${code})`)));
  }

  /**
   * Calls `listener` once if the thread stops without `close()` (an uncaught error in PGlite, the
   * WebAssembly out of memory): from then on every call fails, so the owner should end the process.
   */
  onLost(listener: (error: Error) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Starts the thread and opens the database in `dataDir`; rejects with PGlite's error if it cannot.
   * `loadDataDir`: the path of a `dumpDataDir` tar the database starts from (PGlite's `loadDataDir`).
   */
  static async open(dataDir: string, startParams?: string[], loadDataDir?: string): Promise<PgliteThread> {
    // No execArgv: the thread is plain JavaScript and needs no TypeScript loader.
    const worker = new Worker(THREAD_SCRIPT, {
      workerData: { dataDir, startParams, loadDataDir, wasmFlags: PGLITE_WASM_FLAGS },
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: PGLITE_THREAD_YOUNG_GENERATION_MB },
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: Notice) => {
        if (message.op !== 'ready') return;
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the embedded database's thread stopped while opening (exit code ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    return new PgliteThread(worker);
  }

  get closed(): boolean {
    return this.stopped !== null;
  }

  query(text: string, params?: unknown[], options?: QueryOptions): Promise<ThreadResult> {
    return this.runQuery(undefined, text, params, options);
  }

  async exec(text: string): Promise<ThreadResult[]> {
    return (await this.call({ op: 'exec', text })) as ThreadResult[];
  }

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const id = (await this.call({ op: 'begin' })) as number;
    let ended = false;
    const tx: ThreadTransaction = {
      query: (text, params, options) => this.runQuery(open(), text, params, options),
      exec: async (text) => (await this.call({ op: 'exec', text, tx: open() })) as ThreadResult[],
      rollback: async () => {
        await this.call({ op: 'rollback', tx: open() });
        ended = true;
      },
      get closed() {
        return ended;
      },
    };
    const open = () => {
      if (ended) throw new Error('Transaction is closed');
      return id;
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      ended = true;
      await this.call({ op: 'end', tx: id, commit: false }).catch(() => {});
      throw error;
    }
    ended = true;
    // After an explicit rollback PGlite does not commit; `end` only releases the transaction.
    await this.call({ op: 'end', tx: id, commit: true });
    return result;
  }

  /** Calls `onPayload` for each NOTIFY on `channel`; resolves with the function that stops it. */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const listenId = this.nextId++;
    this.listeners.set(listenId, onPayload);
    try {
      await this.call({ op: 'listen', channel, listenId });
    } catch (error) {
      this.listeners.delete(listenId);
      throw error;
    }
    return async () => {
      this.listeners.delete(listenId);
      if (!this.closed) await this.call({ op: 'unlisten', listenId });
    };
  }

  /** Closes the database (a checkpoint) and ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    try {
      await this.call({ op: 'close' });
    } finally {
      this.fail(new Error('the embedded database is closed'));
      await this.worker.terminate();
    }
  }

  private async runQuery(tx: number | undefined, text: string, params: unknown[] | undefined, options: QueryOptions | undefined): Promise<ThreadResult> {
    const parsers = options?.parsers;
    const parserTypes = parsers ? Object.keys(parsers).map(Number) : undefined;
    const result = (await this.call({ op: 'query', text, params, rowMode: options?.rowMode, parserTypes, tx })) as ThreadResult;
    if (parsers && parserTypes!.length > 0) applyParsers(result, parsers);
    return result;
  }

  private call(request: Record<string, unknown>): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private receive(message: Answer | Notice): void {
    if ('op' in message) {
      if (message.op === 'notify') this.listeners.get(message.listenId)?.(message.payload);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new PgliteThreadError(message.error ?? {}));
  }

  /** The thread stopped: lost, unless `close()` stopped it. */
  private lose(error: Error): void {
    const lost = !this.closing && this.stopped === null;
    this.fail(error);
    if (lost) for (const listener of this.lostListeners) listener(error);
  }

  /** The thread is gone (closed, or it died): every waiting call fails with `error`. */
  private fail(error: Error): void {
    this.stopped ??= error;
    for (const pending of this.pending.values()) pending.reject(this.stopped);
    this.pending.clear();
    this.listeners.clear();
  }
}

/**
 * The thread returns the columns that have a parser as PostgreSQL's text (functions cannot cross
 * threads); the parsers run here, on each non-null value of those columns.
 */
function applyParsers(result: ThreadResult, parsers: Record<number, Parser>): void {
  const columns = result.fields.map((field, index) => ({ index, name: field.name, type: field.dataTypeID, parse: parsers[field.dataTypeID] })).filter((c) => c.parse);
  if (columns.length === 0) return;
  for (const row of result.rows) {
    for (const column of columns) {
      if (Array.isArray(row)) {
        if (row[column.index] !== null) row[column.index] = column.parse!(row[column.index] as string, column.type);
      } else if (row[column.name] !== null && row[column.name] !== undefined) {
        row[column.name] = column.parse!(row[column.name] as string, column.type);
      }
    }
  }
}
