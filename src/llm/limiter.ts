/**
 * Admission control for one endpoint: a FIFO semaphore for requests in flight, token buckets for
 * requests and tokens per minute, and a shared "paused until" instant set by 429 responses.
 * Waiters are woken by releases or by a single timer armed for the earliest moment the head of the
 * queue can go; nothing polls.
 *
 * The semaphore's size adapts (AIMD) so that an endpoint with a hard concurrency cap below the
 * configured `concurrency` is found instead of hammered: each 429 lowers the limit to below the
 * requests then in flight (at least by one), each success raises it by 1/limit (one per limit's
 * worth of successes) up to `concurrency`. After a 429 the limit holds where it is for
 * `PROBE_START` successes before probing above it again, and each later 429 doubles that wait,
 * so against a fixed cap the 429s become rarer and rarer instead of steady.
 */

import { onAbort } from './abort.js';

type Waiter = {
  cost: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Unsubscribes from the caller's signal. */
  off: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  list: WaitList | undefined;
};

class WaitList {
  head: Waiter | undefined;
  tail: Waiter | undefined;
  size = 0;

  push(w: Waiter): void {
    w.list = this;
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail) this.tail.next = w;
    else this.head = w;
    this.tail = w;
    this.size++;
  }

  remove(w: Waiter): void {
    if (w.list !== this) return;
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = w.list = undefined;
    this.size--;
  }
}

/** Continuously refilled bucket that may go into debt, so a request bigger than the burst still runs. */
export class TokenBucket {
  private readonly ratePerMs: number;
  readonly capacity: number;
  private level: number;
  private last: number;

  constructor(perMinute: number, now: number) {
    this.ratePerMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.level = this.capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.level = Math.min(this.capacity, this.level + (now - this.last) * this.ratePerMs);
      this.last = now;
    }
  }

  /** Ms until `cost` may be taken (a cost above capacity needs a full bucket). */
  waitMs(cost: number, now: number): number {
    this.refill(now);
    const need = Math.min(cost, this.capacity);
    return this.level >= need ? 0 : Math.ceil((need - this.level) / this.ratePerMs);
  }

  take(cost: number): void {
    this.level -= cost;
  }

  /** Positive gives tokens back (capped at capacity), negative charges more. */
  adjust(delta: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level + delta);
  }
}

/** Successes after a 429 before the limit may grow past where the 429 left it. */
const PROBE_START = 128;
const PROBE_MAX = 1 << 20;

export type LimiterOptions = {
  /** The most requests in flight; the adaptive limit stays at or below it. */
  concurrency: number;
  /** Adapt the limit to 429s (default true); false keeps it at `concurrency`. */
  adaptive?: boolean;
  requestsPerMinute: number;
  tokensPerMinute: number;
  now?: () => number;
};

export class EndpointLimiter {
  private readonly maxConcurrency: number;
  private readonly adaptive: boolean;
  /** The adaptive limit (fractional: successes add 1/limit). Requests start while `active < floor(limit)`. */
  private limit: number;
  /** Where a 429 left the limit: it does not grow past this until `quiet` reaches `probeAfter`. */
  private ceiling: number | undefined;
  private quiet = 0;
  private probeAfter = PROBE_START;
  private rateLimitedCount = 0;
  private readonly now: () => number;
  private readonly rpm: TokenBucket | undefined;
  private readonly tpm: TokenBucket | undefined;
  /** Retries go first so a call that already waited is not sent to the back of a long queue. */
  private readonly retries = new WaitList();
  private readonly fresh = new WaitList();
  private active = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private closedWith: unknown;

  constructor(opts: LimiterOptions) {
    this.maxConcurrency = opts.concurrency;
    this.adaptive = opts.adaptive ?? true;
    this.limit = opts.concurrency;
    this.now = opts.now ?? (() => Date.now());
    const t = this.now();
    this.rpm = opts.requestsPerMinute > 0 ? new TokenBucket(opts.requestsPerMinute, t) : undefined;
    this.tpm = opts.tokensPerMinute > 0 ? new TokenBucket(opts.tokensPerMinute, t) : undefined;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Requests allowed in flight now (the adaptive limit). */
  get concurrencyLimit(): number {
    return Math.floor(this.limit);
  }

  /** 429 answers seen (attempts the endpoint refused for its rate or concurrency limit). */
  get rateLimited(): number {
    return this.rateLimitedCount;
  }

  private get concurrency(): number {
    return Math.floor(this.limit);
  }

  /**
   * A 429 arrived for a request still counted in flight: the limit drops below what was in flight
   * (the endpoint took fewer), by at least one, and holds there for a while.
   */
  onRateLimited(): void {
    this.rateLimitedCount++;
    if (!this.adaptive) return;
    // 429s of one burst come back with no success between them: only a 429 after successes (a
    // probe above the cap that failed) makes the next probe wait longer.
    if (this.quiet > 0 && this.ceiling === undefined) this.probeAfter = Math.min(PROBE_MAX, this.probeAfter * 2);
    this.limit = Math.max(1, Math.min(this.limit - 1, this.active - 1));
    this.ceiling = Math.floor(this.limit);
    this.quiet = 0;
  }

  /** A request succeeded: the limit grows by 1/limit, up to `concurrency` (and the ceiling while it holds). */
  onSuccess(): void {
    if (!this.adaptive) return;
    this.quiet++;
    if (this.ceiling !== undefined && this.quiet >= this.probeAfter) this.ceiling = undefined;
    const top = Math.min(this.maxConcurrency, this.ceiling ?? Infinity);
    if (this.limit >= top) return;
    const before = Math.floor(this.limit);
    this.limit = Math.min(top, this.limit + 1 / Math.max(1, before));
    if (Math.floor(this.limit) > before && this.queued > 0) this.pump();
  }

  get queued(): number {
    return this.retries.size + this.fresh.size;
  }

  /** The instant new requests may start again after a 429 (0 when not paused). */
  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  /**
   * Waits for a slot and for the rate limits, charging `cost` tokens. Rejects with `signal.reason`
   * if the signal aborts while queued. Every resolved acquire must be paired with one `release()`.
   */
  acquire(cost: number, signal?: AbortSignal, retry = false): Promise<void> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queued === 0 && this.active < this.concurrency && this.waitMs(cost, this.now()) <= 0) {
      this.grant(cost);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { cost, resolve, reject, off: undefined, prev: undefined, next: undefined, list: undefined };
      if (signal) {
        w.off = onAbort(signal, () => {
          w.list?.remove(w);
          reject(signal.reason);
          this.pump();
        });
      }
      (retry ? this.retries : this.fresh).push(w);
      this.pump();
    });
  }

  release(): void {
    this.active--;
    if (this.queued > 0) this.pump();
  }

  /** Corrects the token charge of a finished request: `actual - estimated` (negative refunds). */
  correctTokens(delta: number): void {
    if (!this.tpm || delta === 0) return;
    this.tpm.adjust(-delta, this.now());
    if (delta < 0 && this.queued > 0) this.pump();
  }

  /** Holds back every new request until `until` (epoch ms). Returns true if this extended the pause. */
  pauseUntil(until: number): boolean {
    if (until <= this.pausedUntil) return false;
    this.pausedUntil = until;
    return true;
  }

  /** Rejects everything queued with `reason`, and every later acquire. */
  close(reason: unknown): void {
    this.closedWith = reason;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const list of [this.retries, this.fresh]) {
      for (let w = list.head; w; w = list.head) {
        list.remove(w);
        w.off?.();
        w.reject(reason);
      }
    }
  }

  private waitMs(cost: number, now: number): number {
    let wait = this.pausedUntil - now;
    if (this.rpm) wait = Math.max(wait, this.rpm.waitMs(1, now));
    if (this.tpm && cost > 0) wait = Math.max(wait, this.tpm.waitMs(cost, now));
    return wait;
  }

  private grant(cost: number): void {
    this.active++;
    this.rpm?.take(1);
    if (cost > 0) this.tpm?.take(cost);
  }

  private pump(): void {
    while (this.active < this.concurrency && this.closedWith === undefined) {
      const list = this.retries.head ? this.retries : this.fresh;
      const w = list.head;
      if (!w) return;
      const now = this.now();
      const wait = this.waitMs(w.cost, now);
      if (wait > 0) {
        this.arm(now + wait);
        return;
      }
      list.remove(w);
      w.off?.();
      this.grant(w.cost);
      w.resolve();
    }
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, at - this.now()));
  }
}
