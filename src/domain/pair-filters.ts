/**
 * Checks on a parsed contrasting pair before it may be judged. A pair that fails one is stored as
 * REJECTED with the reason (and the measured value), never silently dropped:
 * - y_l nearly identical to y_w: the label "y_w beats y_l" then means nothing;
 * - a length ratio y_l / y_w outside a band: the judge would learn "longer (or shorter) wins";
 * - x' nearly identical to x: y_l is then an answer to x, and possibly as good as y_w.
 */
import { normalizeText } from './prompts.js';

export type PairFilters = {
  /** Reject when the word-bigram overlap (Dice) of y_l and y_w is above this. Default 0.9; 1 turns it off. */
  maxAnswerSimilarity: number;
  /** Reject when length(y_l) / length(y_w), in characters, is below this. Default 0.2; 0 turns it off. */
  minLengthRatio: number;
  /** Reject when length(y_l) / length(y_w) is above this. Default 5. */
  maxLengthRatio: number;
  /** Reject when 1 - (word edit distance / longer word count) of x' and x is above this. Default 0.99 (one word changed in a 100-word instruction passes); 1 turns it off. */
  maxInstructionSimilarity: number;
};

export const DEFAULT_PAIR_FILTERS: PairFilters = Object.freeze({
  maxAnswerSimilarity: 0.9,
  minLengthRatio: 0.2,
  maxLengthRatio: 5,
  maxInstructionSimilarity: 0.99,
});

/** Lower-case words and numbers of `text`, punctuation dropped. */
export function words(text: string): string[] {
  return normalizeText(text).match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * Dice coefficient of the word-bigram multisets of `a` and `b` (single words for one-word texts):
 * 1 for the same words in the same order, 0 for nothing in common. Linear in the text length.
 */
export function answerSimilarity(a: string, b: string): number {
  const grams = (text: string): Map<string, number> => {
    const w = words(text);
    const out = new Map<string, number>();
    const add = (key: string) => out.set(key, (out.get(key) ?? 0) + 1);
    if (w.length === 1) add(w[0]!);
    for (let i = 0; i + 1 < w.length; i += 1) add(`${w[i]!} ${w[i + 1]!}`);
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const n of ga.values()) sizeA += n;
  for (const [key, n] of gb) {
    sizeB += n;
    shared += Math.min(n, ga.get(key) ?? 0);
  }
  if (sizeA + sizeB === 0) return 1;
  return (2 * shared) / (sizeA + sizeB);
}

/** 1 - word-level edit distance / the longer word count (1 = the same words in the same order). */
export function instructionSimilarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  const longer = Math.max(x.length, y.length);
  if (longer === 0) return 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= y.length; j += 1) {
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return 1 - previous[y.length]! / longer;
}

const round = (value: number): string => value.toFixed(3);

/** The first filter the pair fails, as a reason; null when it passes them all. */
export function pairFilterReason(
  pair: { instruction: string; chosen: string; rejected: string; modifiedInstruction: string | null },
  filters: PairFilters,
): string | null {
  if (pair.modifiedInstruction !== null && filters.maxInstructionSimilarity < 1) {
    const s = instructionSimilarity(pair.instruction, pair.modifiedInstruction);
    if (s > filters.maxInstructionSimilarity) {
      return `modified instruction nearly identical to the original (similarity ${round(s)} > ${filters.maxInstructionSimilarity})`;
    }
  }
  if (filters.maxAnswerSimilarity < 1) {
    const s = answerSimilarity(pair.chosen, pair.rejected);
    if (s > filters.maxAnswerSimilarity) return `y_l nearly identical to y_w (bigram overlap ${round(s)} > ${filters.maxAnswerSimilarity})`;
  }
  const ratio = pair.rejected.length / Math.max(1, pair.chosen.length);
  if (ratio < filters.minLengthRatio || ratio > filters.maxLengthRatio) {
    return `length ratio y_l/y_w ${round(ratio)} outside [${filters.minLengthRatio}, ${filters.maxLengthRatio}]`;
  }
  return null;
}
