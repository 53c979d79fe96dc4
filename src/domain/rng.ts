/**
 * Seeded randomness for everything the loop draws at random (sample selection, balancing,
 * bootstrap resampling, benchmark order). The same seed always gives the same sequence, on
 * every platform: the generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * 128-bit state, passes PractRand), its state filled from the seed with splitmix32, and string
 * seeds hashed with cyrb53. Never use Math.random() in the loop; derive a sub-seed per item
 * with `deriveSeed` instead, so that a choice does not depend on the order items are processed.
 */

export type Seed = number | string;

export interface Rng {
  /** Uniform float in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform unsigned 32-bit integer in [0, 2^32). */
  uint32(): number;
  /**
   * Uniform integer in [0, maxExclusive), without modulo bias (rejection sampling).
   * Throws a RangeError unless maxExclusive is an integer in [1, 2^32].
   */
  int(maxExclusive: number): number;
  /** One element chosen uniformly. Throws a RangeError on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** A uniformly shuffled copy (Fisher-Yates); the input is left unchanged. */
  shuffle<T>(items: readonly T[]): T[];
}

const TWO_POW_32 = 4294967296;

/**
 * A generator seeded by `seed`. Integer seeds are used as they are (any safe integer, negative
 * included); strings and non-integer numbers are hashed (cyrb53), so `createRng(1)` and
 * `createRng('1')` give different streams. Throws a RangeError for NaN or an infinite seed.
 */
export function createRng(seed: Seed): Rng {
  const [lo, hi] = seedWords(seed);
  // splitmix32 expands the 64-bit seed into the 128-bit sfc32 state.
  let sm = (lo ^ Math.imul(hi ^ 0x5bd1e995, 0x9e3779b9)) >>> 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix() ^ hi;
  let c = splitmix();
  let d = 1; // sfc32's counter
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i += 1) uint32(); // mix the initial state

  const next = (): number => uint32() / TWO_POW_32;
  const int = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`int(maxExclusive) needs an integer in [1, 2^32], got ${maxExclusive}`);
    }
    // Reject the top partial block of [0, 2^32) so that every result is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    for (;;) {
      const x = uint32();
      if (x < limit) return x % maxExclusive;
    }
  };
  return {
    next,
    uint32,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
      return items[int(items.length)]!;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = int(i + 1);
        const tmp = out[i]!;
        out[i] = out[j]!;
        out[j] = tmp;
      }
      return out;
    },
  };
}

/**
 * A stable sub-seed for one item or purpose: the same seed and parts always give the same value,
 * and different parts give (practically) unrelated ones. Strings and numbers are kept apart
 * (`deriveSeed(1, 2) !== deriveSeed(1, '2')`), as are part boundaries (`('ab')` vs `('a', 'b')`).
 * Returns an integer in [0, 2^31), so it fits a PostgreSQL `integer` column.
 * Throws a RangeError for a NaN or infinite number among the seed or parts.
 */
export function deriveSeed(seed: Seed, ...parts: (string | number)[]): number {
  const encoded = [seed, ...parts].map(encodePart).join('');
  return cyrb53(encoded) % 0x80000000;
}

/**
 * cyrb53 (bryc, public domain): a fast 53-bit string hash, good avalanche, not cryptographic.
 * Returns an integer in [0, 2^53).
 */
export function hashString(text: string, salt = 0): number {
  return cyrb53(text, salt);
}

function cyrb53(text: string, salt = 0): number {
  let h1 = 0xdeadbeef ^ salt;
  let h2 = 0x41c6ce57 ^ salt;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function encodePart(part: string | number): string {
  if (typeof part === 'number') {
    if (!Number.isFinite(part)) throw new RangeError(`seed parts must be finite numbers, got ${part}`);
    const text = String(part);
    return `n${text.length}:${text}`;
  }
  return `s${part.length}:${part}`;
}

/** Two 32-bit words from a seed: integers directly (low and high halves), anything else hashed. */
function seedWords(seed: Seed): [number, number] {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    if (Number.isSafeInteger(seed)) {
      const lo = seed >>> 0;
      const hi = Math.floor(seed / TWO_POW_32) >>> 0;
      return [lo, hi];
    }
  }
  const h = cyrb53(typeof seed === 'string' ? `s:${seed}` : `n:${String(seed)}`);
  return [h >>> 0, Math.floor(h / TWO_POW_32) >>> 0];
}
