/**
 * Retrying database work through short outages: a PostgreSQL restart or failover, a dropped
 * connection, a serialization failure or deadlock. Only idempotent work may be retried this way
 * (a whole transaction, never a statement inside one).
 */

/** SQLSTATE codes worth another try: connection exceptions (08), serialization/deadlock, shutdown and startup. */
const TRANSIENT_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '08P01', '40001', '40P01', '57P01', '57P02', '57P03', '53300']);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TRANSIENT_MESSAGE = /connection terminated|connection (is )?closed|timeout exceeded when trying to connect|terminating connection|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

/** True for errors that say the database was briefly unreachable or asked for a retry. */
export function isTransientDbError(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_CODES.has(code))) return true;
    if (e instanceof Error && TRANSIENT_MESSAGE.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export type DbRetryOptions = {
  /** Give up after this long, ms. Default 30000. */
  maxMs?: number;
  /** First delay, ms (doubled each time, with full jitter, up to 5 s). Default 200. */
  baseMs?: number;
  /** Stops retrying when aborted (the last error is thrown). */
  signal?: AbortSignal;
};

/** Runs `fn`, and again after a jittered backoff while it fails with a transient database error. */
export async function withDbRetry<T>(fn: () => Promise<T>, options: DbRetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.maxMs ?? 30_000);
  const base = options.baseMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransientDbError(error) || options.signal?.aborted) throw error;
      const delay = Math.random() * Math.min(5_000, base * 2 ** (attempt - 1));
      if (Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * SQLSTATE classes of a value the database will not store however often it is tried: data
 * exceptions (22: a NUL byte, an invalid number for its column) and program limits (54: a value
 * past an index's or a type's size).
 */
const REFUSED_VALUE_CLASSES = ['22', '54'];

/** The database's message when `error` says it refused a value it will refuse on every try; else undefined. */
export function refusedValue(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.length === 5 && REFUSED_VALUE_CLASSES.includes(code.slice(0, 2))) {
      return `${e instanceof Error ? e.message : String(e)} (SQLSTATE ${code})`;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
