/**
 * Percentile bootstrap confidence intervals for means of per-item values, seeded through rng.ts
 * so that the same data and seed always give the same interval.
 */
import { createRng, type Seed } from '../../domain/rng.js';

export type Interval = { low: number; high: number };

export type BootstrapOptions = {
  /** Number of resamples; default 1000. 0 turns the intervals off (null). */
  resamples?: number;
  /** Coverage of the interval; default 0.95. */
  confidence?: number;
};

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;

/** Checks the options; throws a RangeError for a negative or fractional count, or a level outside (0, 1). */
export function resolveBootstrapOptions(options: BootstrapOptions = {}): Required<BootstrapOptions> {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 0) throw new RangeError(`resamples must be a non-negative integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return { resamples, confidence };
}

/**
 * Percentile interval of the mean of `values`, resampling the values (items) with replacement.
 * Null when there are no values or resampling is off. Quantiles interpolate linearly (NumPy's default).
 */
export function bootstrapMeanCi(values: readonly number[], seed: Seed, options: BootstrapOptions = {}): Interval | null {
  return pairedBootstrapDiffCi(null, values, seed, options);
}

/**
 * Paired percentile interval of mean(b) - mean(a) (a[i] and b[i] belong to the same item, and are
 * resampled together). With `a` null, the interval of mean(b). Throws a RangeError when the
 * lengths differ.
 */
export function pairedBootstrapDiffCi(
  a: readonly number[] | null,
  b: readonly number[],
  seed: Seed,
  options: BootstrapOptions = {},
): Interval | null {
  const { resamples, confidence } = resolveBootstrapOptions(options);
  if (a && a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} and ${b.length}`);
  const n = b.length;
  if (n === 0 || resamples === 0) return null;
  const rng = createRng(seed);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r += 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 1) {
      const j = rng.int(n);
      sum += a ? b[j]! - a[j]! : b[j]!;
    }
    stats[r] = sum / n;
  }
  stats.sort();
  const alpha = (1 - confidence) / 2;
  return { low: quantile(stats, alpha), high: quantile(stats, 1 - alpha) };
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const frac = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}
