import { linkedController } from './abort.js';
import { LlmError, classifyError, errorCodeOf, scrubErrorChain, shortFailure, type Classified } from './errors.js';
import type { EndpointLimiter } from './limiter.js';
import type { LlmLogger, LlmObserver, SleepFn } from './types.js';

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
  /**
   * A request gives up on 429s once it has spent more than this waiting on them (from each 429 to
   * its next attempt). 429s do not count against `maxRetries`. Default `DEFAULT_RATE_LIMIT_MAX_WAIT_MS`.
   */
  rateLimitMaxWaitMs?: number;
  observer?: LlmObserver | undefined;
};

/** 10 minutes, the longest `retry-after` honoured (MAX_RETRY_AFTER_MS). */
export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 600_000;

export type RunOptions<T> = {
  /** Operation name for messages and logs, e.g. 'chat.completions'. */
  op: string;
  /** For the observer: the model called and the call's usage tags. */
  model?: string;
  tags?: Record<string, string>;
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
  /**
   * Asked about each failed attempt (not timeouts or aborts) before anything else: true sends the
   * request again at once, as a new attempt that is not a retry (no backoff, not counted against
   * `maxRetries`). `call` must then send something different, or this must not say true again.
   */
  resendAtOnce?: (err: unknown) => boolean;
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
 * backoff when the server gives none). 429s (rate limiting) do not count against `maxRetries`: the
 * request keeps trying until it has spent more than `rateLimitMaxWaitMs` waiting on them. Always
 * settles with a value or an LlmError.
 */
export async function runWithRetries<T>(ctx: RetryContext, o: RunOptions<T>): Promise<RunResult<T>> {
  const { signal, op } = o;
  const maxRateLimitWaitMs = ctx.rateLimitMaxWaitMs ?? DEFAULT_RATE_LIMIT_MAX_WAIT_MS;
  /** HTTP attempts, whatever their outcome. */
  let attempts = 0;
  /** Failed attempts that count against maxRetries (all but 429s and resends). */
  let failures = 0;
  let rateLimits = 0;
  let rateLimitWaitMs = 0;
  /** When the last 429 arrived, until the next attempt starts. */
  let rateLimitedAt: number | undefined;
  for (;;) {
    try {
      await ctx.limiter.acquire(o.cost, signal, attempts > 0);
    } catch (err) {
      throw abortedError(op, attempts, ctx.isClosed(), err);
    }
    if (rateLimitedAt !== undefined) {
      rateLimitWaitMs += Date.now() - rateLimitedAt;
      rateLimitedAt = undefined;
    }
    attempts++;
    const { controller: ac, off } = linkedController(signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort(TIMED_OUT);
    }, o.timeoutMs);
    ctx.live.add(ac);
    const observed = ctx.observer?.attempt({ op, model: o.model, tags: o.tags });
    const started = performance.now();
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
        if (c.status === 429) {
          ctx.limiter.onRateLimited();
          pauseEndpoint(ctx, op, c, attempts);
        }
      }
    } finally {
      clearTimeout(timer);
      off();
      ctx.live.delete(ac);
      ctx.limiter.release();
    }
    if (observed) {
      const status = !failed ? '200' : timedOut ? 'timeout' : signal?.aborted || ctx.isClosed() ? 'aborted' : String((c ?? classifyError(failure)).status ?? 'network');
      observed({ status, seconds: (performance.now() - started) / 1000 });
    }
    if (!failed) {
      ctx.limiter.onSuccess();
      if (o.actualCost) ctx.limiter.correctTokens(o.actualCost(value!) - o.cost);
      return { value: value!, attempts };
    }
    if (o.refundOnFailure) ctx.limiter.correctTokens(-o.refundOnFailure);
    if (signal?.aborted || ctx.isClosed()) throw abortedError(op, attempts, ctx.isClosed(), signal?.reason ?? failure);
    if (!timedOut && o.resendAtOnce?.(failure)) continue;

    c ??= timedOut
      ? { transient: true, notProcessed: false, reason: `timeout after ${o.timeoutMs} ms` }
      : classifyError(failure);
    const retryable = c.transient && (o.retryIf ? o.retryIf(c) : true);
    const rateLimited = retryable && c.rateLimited === true;
    if (rateLimited) rateLimits++;
    else failures++;
    const outOfTime = rateLimited && rateLimitWaitMs > maxRateLimitWaitMs;
    if (!retryable || failures > ctx.maxRetries || outOfTime) {
      scrubErrorChain(failure, ctx.scrub);
      // Stored and shown to readers: status, type and a short message, never the upstream body.
      const detail = timedOut ? '' : `: ${ctx.scrub(shortFailure(failure))}`;
      const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
      const reason = outOfTime
        ? `${c.reason}: rate limited ${rateLimits} times, ${(rateLimitWaitMs / 1000).toFixed(1)} s spent waiting on 429s, more than the ${maxRateLimitWaitMs} ms allowed (LLM_RATE_LIMIT_MAX_WAIT_MS)`
        : c.reason;
      const code = errorCodeOf(failure);
      throw new LlmError(`${op} failed (${reason}) after ${tries}${detail}`, {
        kind: c.transient ? 'transient' : 'permanent',
        ...(c.status !== undefined && { status: c.status }),
        ...(code !== undefined && { code }),
        attempts,
        cause: failure,
      });
    }
    if (rateLimited) rateLimitedAt = Date.now();

    let delay = backoffDelay(attempts, ctx.backoffBaseMs, ctx.backoffMaxMs);
    if (c.retryAfterMs !== undefined) delay = Math.max(delay, c.retryAfterMs);
    ctx.logger?.debug({ op, attempt: attempts, reason: c.reason, delayMs: Math.round(delay) }, 'llm retry');
    ctx.observer?.retry({ rateLimited, waitMs: delay });

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
