import { describe, expect, it } from 'vitest';
import { answerSimilarity, DEFAULT_PAIR_FILTERS, instructionSimilarity, pairFilterReason } from '../../src/domain/pair-filters.js';
import { resolvePairSettings } from '../../src/services/experiments/pair-config.js';

const yW = 'Rayleigh scattering sends short blue wavelengths across the whole sky, so the sky looks blue at noon.';
const x = 'Explain why the sky is blue at noon.';

describe('pair filter measures', () => {
  it.each<{ a: string; b: string; expected: number }>([
    { a: 'the sky is blue', b: 'the sky is blue', expected: 1 },
    { a: 'The sky, is BLUE!', b: 'the sky is blue', expected: 1 },
    { a: 'the sky is blue', b: 'grass grows green fast', expected: 0 },
    { a: 'a b c d', b: 'a b x y', expected: 1 / 3 },
    { a: '', b: '', expected: 1 },
  ])('answerSimilarity($a, $b) = $expected', ({ a, b, expected }) => {
    expect(answerSimilarity(a, b)).toBeCloseTo(expected, 10);
  });

  it.each<{ a: string; b: string; expected: number }>([
    { a: x, b: x, expected: 1 },
    { a: x, b: 'explain why the sky is blue at noon?', expected: 1 },
    { a: x, b: 'Explain why the sea is blue at noon.', expected: 7 / 8 },
    { a: 'one two', b: 'three four five six', expected: 0 },
  ])('instructionSimilarity($b) = $expected', ({ a, b, expected }) => {
    expect(instructionSimilarity(a, b)).toBeCloseTo(expected, 10);
  });
});

describe(pairFilterReason.name, () => {
  const good = { instruction: x, modifiedInstruction: 'Explain why sunsets are red in the evening.', chosen: yW, rejected: 'At sunset the light crosses much more air, so blue is scattered away and the reds remain.' };

  it('passes a pair that differs enough on every measure', () => {
    expect(pairFilterReason(good, DEFAULT_PAIR_FILTERS)).toBeNull();
  });

  it.each<{ name: string; change: Partial<typeof good>; reason: string }>([
    { name: "x' equal to x but for punctuation", change: { modifiedInstruction: 'explain why the sky is blue at noon?' }, reason: 'modified instruction nearly identical to the original (similarity 1.000 > 0.99)' },
    { name: 'y_l a copy of y_w', change: { rejected: `${yW} ` }, reason: 'y_l nearly identical to y_w (bigram overlap 1.000 > 0.9)' },
    { name: 'y_l far shorter than y_w', change: { rejected: 'Red.' }, reason: 'length ratio y_l/y_w 0.040 outside [0.2, 5]' },
    { name: 'y_l far longer than y_w', change: { rejected: 'Sunsets are red because of scattering. '.repeat(20) }, reason: 'length ratio y_l/y_w 7.723 outside [0.2, 5]' },
  ])('rejects $name with the measured value', ({ change, reason }) => {
    expect(pairFilterReason({ ...good, ...change }, DEFAULT_PAIR_FILTERS)).toBe(reason);
  });

  it('skips the instruction check for a rewrite (no x\') and honours turned-off filters', () => {
    expect(pairFilterReason({ ...good, modifiedInstruction: null }, DEFAULT_PAIR_FILTERS)).toBeNull();
    const off = { maxAnswerSimilarity: 1, minLengthRatio: 0, maxLengthRatio: 1000, maxInstructionSimilarity: 1 };
    expect(pairFilterReason({ ...good, modifiedInstruction: x, rejected: yW }, off)).toBeNull();
  });
});

describe(resolvePairSettings.name, () => {
  it('defaults to the paper: modified instructions, no system prompt for y_w, default filters', () => {
    expect(resolvePairSettings({})).toEqual({ pairConstruction: 'MODIFIED_INSTRUCTION', answerSystemPrompt: null, pairFilters: DEFAULT_PAIR_FILTERS });
  });

  it.each<{ input: Parameters<typeof resolvePairSettings>[0]; message: string }>([
    { input: { pairConstruction: 'BETTER' as never }, message: 'config.pairConstruction: must be one of MODIFIED_INSTRUCTION, WORSE_REWRITE, got "BETTER"' },
    { input: { pairFilters: { maxAnswerSimilarity: 1.5 } }, message: 'config.pairFilters.maxAnswerSimilarity: must be a number from 0 to 1, got 1.5' },
    { input: { pairFilters: { minLengthRatio: 3, maxLengthRatio: 2 } }, message: 'config.pairFilters.minLengthRatio: must not be above maxLengthRatio (2), got 3' },
    { input: { answerSystemPrompt: 'x'.repeat(20_001) }, message: 'config.answerSystemPrompt: must be at most 20000 characters' },
  ])('rejects $message', ({ input, message }) => {
    expect(() => resolvePairSettings(input)).toThrow(message);
  });
});
