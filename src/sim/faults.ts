/**
 * Fault injection: the concurrency gate behind 429s, and the seeded draws of latency, 500s,
 * hung requests, malformed and truncated outputs. Draws come from one sequential RNG seeded by
 * the `seed` option, so a run with requests in the same order injects the same faults; a retried
 * request gets a fresh draw (a fault is never pinned to a prompt).
 */
import type { SimulatorOptions } from '../config/simulator.js';
import { createRng, seedTo32, type Rng } from './rng.js';

export type RequestFault = 'error500' | 'timeout' | null;

export class FaultInjector {
  private rng: Rng;
  private active = 0;

  constructor(private options: SimulatorOptions) {
    this.rng = createRng(seedTo32(options.seed));
  }

  /** Applies new options; a changed seed restarts the draw sequence. */
  update(options: SimulatorOptions): void {
    if (options.seed !== this.options.seed) this.rng = createRng(seedTo32(options.seed));
    this.options = options;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Takes a concurrency slot, or returns false when `maxConcurrency` requests are already in flight. */
  tryAcquire(): boolean {
    if (this.active >= this.options.maxConcurrency) return false;
    this.active += 1;
    return true;
  }

  release(): void {
    this.active -= 1;
  }

  /** `retry-after` header value in seconds (fractional, e.g. "0.2"). */
  retryAfterSeconds(): string {
    return String(this.options.retryAfterMs / 1000);
  }

  retryAfterMs(): string {
    return String(Math.round(this.options.retryAfterMs));
  }

  requestFault(): RequestFault {
    const { errorRate, timeoutRate } = this.options;
    if (errorRate > 0 && this.rng() < errorRate) return 'error500';
    if (timeoutRate > 0 && this.rng() < timeoutRate) return 'timeout';
    return null;
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.options;
    return jitterMs > 0 ? latencyMs + this.rng() * jitterMs : latencyMs;
  }

  malformed(): boolean {
    return this.options.malformedRate > 0 && this.rng() < this.options.malformedRate;
  }

  truncated(): boolean {
    return this.options.truncatedRate > 0 && this.rng() < this.options.truncatedRate;
  }

  controlChars(): boolean {
    return this.options.controlCharRate > 0 && this.rng() < this.options.controlCharRate;
  }

  /** Where an injected truncation cuts, as a fraction of the text: between 0.3 and 0.7. */
  truncationPoint(): number {
    return 0.3 + this.rng() * 0.4;
  }
}
