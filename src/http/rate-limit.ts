/**
 * A token bucket per key (an API token's id, or a client address when no tokens are configured):
 * `perMinute` calls a minute on average, bursts up to `perMinute`. Past MAX_KEYS keys, the buckets
 * that have refilled (they hold no state worth keeping) are dropped, so addresses cannot grow the
 * map without bound.
 */
const MAX_KEYS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `perMinute` 0: unlimited. */
  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `count` calls for `key` at once: 0 when allowed, else the ms to wait before they would be (nothing is taken then). */
  take(key: string, count = 1): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    if (!this.buckets.has(key) && this.buckets.size >= MAX_KEYS) this.prune(now, perMs);
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return 0;
    }
    return Math.ceil((count - bucket.tokens) / perMs);
  }

  private prune(now: number, perMs: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * perMs >= this.perMinute) this.buckets.delete(key);
  }
}
