import { linkedController } from './abort.js';
import { LlmError, classifyError, errorMessage, scrubErrorChain, type Classified } from './errors.js';
import type { EndpointLimiter } from './limiter.js';
import type { LlmLogger, SleepFn } from './types.js';

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]. `attempt` is the 1-based failed attempt. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

export const defaultSleep: SleepFn = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Shared per-client state the retry loop needs. */
export type RetryContext = {
  limiter: EndpointLimiter;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  sleep: SleepFn;
  logger: LlmLogger | undefined;
  scrub: (text: string) => string;
  /** Controllers of attempts in flight and backoff sleeps; `close()` aborts them all. */
  live: Set<AbortController>;
  isClosed: () => boolean;
};

export type RunOptions<T> = {
  /** Operation name for messages and logs, e.g. 'chat.completions'. */
  op: string;
  /** Tokens charged against tokens-per-minute before the attempt. */
  cost: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  call: (signal: AbortSignal) => Promise<T>;
  /** Actual tokens used, to correct the charge after success. */
  actualCost?: (value: T) => number;
  /** Tokens given back after a failed attempt (e.g. the completion part that was never generated). */
  refundOnFailure?: number;
  /** Extra veto on retrying a transient failure (non-idempotent POSTs). */
  retryIf?: (c: Classified) => boolean;
};

export type RunResult<T> = { value: T; attempts: number };

const TIMED_OUT = Symbol('llm attempt timeout');

/** A 429 holds back every new request to the endpoint until retry-after (or the un-jittered backoff). */
function pauseEndpoint(ctx: RetryContext, op: string, c: Classified, attempts: number): void {
  const now = Date.now();
  const wasPaused = ctx.limiter.pausedUntilMs > now;
  const pauseMs = c.retryAfterMs ?? Math.min(ctx.backoffMaxMs, ctx.backoffBaseMs * 2 ** (attempts - 1));
  if (ctx.limiter.pauseUntil(now + pauseMs) && !wasPaused) {
    ctx.logger?.warn({ op, pauseMs: Math.round(pauseMs) }, 'llm endpoint rate limited (429): pausing new requests');
  }
}

function abortedError(op: string, attempts: number, closed: boolean, cause: unknown): LlmError {
  return new LlmError(closed ? `${op} aborted: client closed` : `${op} aborted by caller`, { kind: 'aborted', attempts, cause });
}

/**
 * Runs `call` under the limiter with a per-attempt timeout, retrying transient failures with
 * full-jitter backoff. A 429 pauses the whole endpoint until its retry-after (or the un-jittered
 * backoff when the server gives none). Always settles with a value or an LlmError.
 */
export async function runWithRetries<T>(ctx: RetryContext, o: RunOptions<T>): Promise<RunResult<T>> {
  const { signal, op } = o;
  let attempts = 0;
  for (;;) {
    try {
      await ctx.limiter.acquire(o.cost, signal, attempts > 0);
    } catch (err) {
      throw abortedError(op, attempts, ctx.isClosed(), err);
    }
    attempts++;
    const { controller: ac, off } = linkedController(signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort(TIMED_OUT);
    }, o.timeoutMs);
    ctx.live.add(ac);
    let value: T;
    let failure: unknown;
    let failed = false;
    let c: Classified | undefined;
    try {
      value = await o.call(ac.signal);
    } catch (err) {
      failed = true;
      failure = err;
      if (!timedOut && !signal?.aborted && !ctx.isClosed()) {
        c = classifyError(err);
        // before release(): otherwise the slot we free lets a queued request through the 429
        if (c.status === 429) pauseEndpoint(ctx, op, c, attempts);
      }
    } finally {
      clearTimeout(timer);
      off();
      ctx.live.delete(ac);
      ctx.limiter.release();
    }
    if (!failed) {
      if (o.actualCost) ctx.limiter.correctTokens(o.actualCost(value!) - o.cost);
      return { value: value!, attempts };
    }
    if (o.refundOnFailure) ctx.limiter.correctTokens(-o.refundOnFailure);
    if (signal?.aborted || ctx.isClosed()) throw abortedError(op, attempts, ctx.isClosed(), signal?.reason ?? failure);

    c ??= timedOut
      ? { transient: true, notProcessed: false, reason: `timeout after ${o.timeoutMs} ms` }
      : classifyError(failure);
    const retryable = c.transient && (o.retryIf ? o.retryIf(c) : true);
    if (!retryable || attempts > ctx.maxRetries) {
      scrubErrorChain(failure, ctx.scrub);
      const detail = timedOut ? '' : `: ${ctx.scrub(errorMessage(failure))}`;
      const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
      throw new LlmError(`${op} failed (${c.reason}) after ${tries}${detail}`, {
        kind: c.transient ? 'transient' : 'permanent',
        ...(c.status !== undefined && { status: c.status }),
        attempts,
        cause: failure,
      });
    }

    let delay = backoffDelay(attempts, ctx.backoffBaseMs, ctx.backoffMaxMs);
    if (c.retryAfterMs !== undefined) delay = Math.max(delay, c.retryAfterMs);
    ctx.logger?.debug({ op, attempt: attempts, reason: c.reason, delayMs: Math.round(delay) }, 'llm retry');

    const { controller: sleepCtl, off: offSleep } = linkedController(signal);
    ctx.live.add(sleepCtl);
    try {
      await ctx.sleep(delay, sleepCtl.signal);
    } catch (err) {
      throw abortedError(op, attempts, ctx.isClosed(), signal?.reason ?? err);
    } finally {
      offSleep();
      ctx.live.delete(sleepCtl);
    }
    if (ctx.isClosed()) throw abortedError(op, attempts, true, undefined);
  }
}
