import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, hashString } from '../../src/domain/rng.js';

const draws = (seed: number | string, n: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(draws(42, 20)).toEqual(draws(42, 20));
    expect(draws('run-7', 20)).toEqual(draws('run-7', 20));
    expect(draws(42, 20)).not.toEqual(draws(43, 20));
    expect(draws(1, 20)).not.toEqual(draws('1', 20));
    expect(draws(0, 5)).not.toEqual(draws(2 ** 32, 5)); // the high word counts
    expect(draws(-1, 5)).not.toEqual(draws(2 ** 32 - 1, 5));
  });

  it('gives a fixed sequence (a change here changes every stored seeded result)', () => {
    const rng = createRng(12345);
    expect([rng.uint32(), rng.uint32(), rng.uint32()]).toEqual([3826963469, 1352597731, 2622888391]);
    expect(createRng('x').int(1000)).toBe(710);
    expect(deriveSeed('run', 'item', 1)).toBe(989015356);
  });

  it('next() stays in [0, 1) with a sane mean', () => {
    const xs = draws(7, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('int(10) fills every bucket evenly over 10k draws', () => {
    const rng = createRng('buckets');
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i += 1) counts[rng.int(10)]! += 1;
    for (const c of counts) {
      expect(c).toBeGreaterThan(850);
      expect(c).toBeLessThan(1150);
    }
  });

  it('int() handles the edges and rejects bad bounds', () => {
    const rng = createRng(1);
    expect(rng.int(1)).toBe(0);
    const big = rng.int(2 ** 32);
    expect(big).toBeGreaterThanOrEqual(0);
    expect(big).toBeLessThan(2 ** 32);
    for (const bad of [0, -3, 2.5, Number.NaN, 2 ** 32 + 1]) expect(() => rng.int(bad)).toThrow(RangeError);
  });

  it('pick() chooses members and rejects an empty array', () => {
    const rng = createRng(3);
    const items = ['a', 'b', 'c'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) seen.add(rng.pick(items));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('shuffle() returns a new permutation and leaves the input alone', () => {
    const input = Array.from({ length: 50 }, (_, i) => i);
    const copy = input.slice();
    const out = createRng(9).shuffle(input);
    expect(input).toEqual(copy);
    expect(out).not.toBe(input);
    expect(out.slice().sort((a, b) => a - b)).toEqual(input);
    expect(out).not.toEqual(input);
    expect(createRng(9).shuffle(input)).toEqual(out);
    expect(createRng(1).shuffle([])).toEqual([]);
    expect(createRng(1).shuffle(['x'])).toEqual(['x']);
  });

  it('shuffle() puts each element in each slot about equally often', () => {
    const rng = createRng('perm');
    const counts = [0, 0, 0]; // how often element 0 lands in slot 0, 1, 2
    for (let i = 0; i < 9000; i += 1) counts[rng.shuffle([0, 1, 2]).indexOf(0)]! += 1;
    for (const c of counts) {
      expect(c).toBeGreaterThan(2700);
      expect(c).toBeLessThan(3300);
    }
  });

  it('rejects non-finite seeds and accepts fractional ones', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(draws(0.5, 3)).toEqual(draws(0.5, 3));
    expect(draws(0.5, 3)).not.toEqual(draws(0, 3));
  });
});

describe('deriveSeed', () => {
  it('is stable, in [0, 2^31), and sensitive to every part', () => {
    const s = deriveSeed(42, 'item', 17);
    expect(deriveSeed(42, 'item', 17)).toBe(s);
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(deriveSeed(43, 'item', 17)).not.toBe(s);
    expect(deriveSeed(42, 'item', 18)).not.toBe(s);
    expect(deriveSeed(42, 'item', '17')).not.toBe(s);
    expect(deriveSeed(42, 'ab')).not.toBe(deriveSeed(42, 'a', 'b'));
    expect(deriveSeed('42')).not.toBe(deriveSeed(42));
    expect(() => deriveSeed(1, Number.NaN)).toThrow(RangeError);
  });

  it('makes per-item choices independent of processing order', () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const choose = (order: string[]) =>
      Object.fromEntries(order.map((id) => [id, createRng(deriveSeed('run', id)).int(15)]));
    expect(choose(ids)).toEqual(choose(ids.slice().reverse()));
  });

  it('spreads sub-seeds (no collisions among 10k items)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i += 1) seen.add(deriveSeed(7, 'pair', i));
    expect(seen.size).toBe(10_000);
  });
});

describe('hashString', () => {
  it('is a deterministic 53-bit hash', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
    expect(Number.isSafeInteger(hashString('abc'))).toBe(true);
  });
});
