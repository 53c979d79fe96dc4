/**
 * The linear-time verdict patterns: the same answers as JavaScript's RegExp on every pattern it
 * accepts, refusals that say why, and (the one timing the hardening issue asks for) no parse of a
 * long adversarial output over 50 ms for thousands of random patterns.
 */
import { describe, expect, it } from 'vitest';
import { compileLinearPattern, LIMITS, PatternError } from '../../src/domain/verdict-pattern.js';
import { DEFAULT_JUDGE_TEMPLATE, TemplateError, verdictParser } from '../../src/domain/prompts.js';
import { resolveJudgeTemplate } from '../../src/services/experiments/validate.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = ['a', 'b', 'A', '!', ' ', '.', '\\s', '\\w', '\\d', '\\S', '[ab]', '[^a]', '[a-c!]', '\\[', '\\]', '\\[\\[A\\]\\]', 'x', '\\b', '^', '$'];
const QUANTIFIERS = ['', '', '', '*', '+', '?', '*?', '{2}', '{1,3}', '{2,}', '{0,5}'];

/** A random pattern in the shape of the examples: nested groups, alternation, quantifiers. */
function randomPattern(next: () => number, depth = 0): string {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const parts: string[] = [];
  const length = 1 + Math.floor(next() * 4);
  for (let i = 0; i < length; i++) {
    let atom: string;
    if (depth < 3 && next() < 0.35) {
      const options = Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomPattern(next, depth + 1));
      atom = `(${next() < 0.5 ? '?:' : ''}${options.join('|')})`;
    } else {
      atom = pick(ATOMS);
    }
    const quantifier = atom === '\\b' || atom === '^' || atom === '$' ? '' : pick(QUANTIFIERS);
    parts.push(atom + quantifier);
  }
  return parts.join('');
}

function randomText(next: () => number, length: number): string {
  const alphabet = 'aabA! [].x1\n';
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
}

describe(compileLinearPattern.name, () => {
  it('answers as RegExp#test does on every accepted random pattern and text', () => {
    const next = random(17);
    let compared = 0;
    for (let p = 0; p < 1_500; p++) {
      const source = randomPattern(next);
      let pattern;
      try {
        pattern = compileLinearPattern(source);
      } catch (error) {
        expect(error, source).toBeInstanceOf(PatternError);
        continue;
      }
      const reference = new RegExp(source);
      for (let t = 0; t < 20; t++) {
        const text = randomText(next, Math.floor(next() * 12));
        expect(pattern.test(text), `${source} on ${JSON.stringify(text)}`).toBe(reference.test(text));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });

  it.each([
    ['\\[\\[A\\]\\]', ['x [[A]] y', '[[B]]', '[[A]'], [true, false, false]],
    ['^verdict:\\s*(?<v>A|B)\\b', ['verdict: A', 'verdict: AB', ' verdict: A', 'verdict:\u00a0B.'], [true, false, false, true]],
    ['\\BA|a{2,3}b$', ['BA', ' A', 'aab', 'aab\n'], [true, false, true, false]],
    ['[^\\d\\s-]x|\\x41\\u0042\\cJ|[\\b]', ['-x', 'yx', 'AB\n', '\b'], [false, true, true, true]],
    ['.|[]', ['\n', '\r', '\u2028', ''], [false, false, false, false]],
    ['[^]', ['\n', ''], [true, false]],
  ])('reads %s as JavaScript does', (source, texts, expected) => {
    const pattern = compileLinearPattern(source);
    expect(texts.map((t) => pattern.test(t))).toEqual(expected);
    expect(texts.map((t) => new RegExp(source).test(t))).toEqual(expected);
  });

  it.each([
    ['(a)\\1', 'uses a backreference or octal escape (\\1 to \\9), which is not supported: verdict patterns must be matchable in linear time'],
    ['(?<v>a)\\k<v>', 'uses a backreference (\\k<name>), which is not supported: verdict patterns must be matchable in linear time'],
    ['A(?=B)', 'uses lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which is not supported: verdict patterns must be matchable in linear time'],
    ['(?<!x)A', 'uses lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which is not supported: verdict patterns must be matchable in linear time'],
    ['[ab]*a[ab]{20}', `is too complex to match in linear time: its automaton would need more than ${LIMITS.dfaStates} states, ${LIMITS.transitions} transitions or ${LIMITS.work} construction steps (simplify repeated alternatives and large counted repetitions)`],
    ['((a{1,40}){1,40}){1,40}', `is too large: it expands to more than ${LIMITS.nfaStates} states (large counted repetitions such as {1000} count many times)`],
    ['(?:){99999999999}', 'has a counted repetition above 1000, which is not supported'],
    ['(?:(?:(?:){1000}){1000}){1000}', `is too large: it expands to more than ${LIMITS.nfaStates} states (large counted repetitions such as {1000} count many times)`],
  ])('refuses %s: %s', (source, message) => {
    expect(() => compileLinearPattern(source)).toThrow(new PatternError(message));
  });
});

describe('verdict patterns at input', () => {
  const template = { ...DEFAULT_JUDGE_TEMPLATE, verdictTie: null };

  it('accepts the patterns that hung the backtracking engine: they are linear now', () => {
    for (const bad of ['(a|aa)+$', '(a|a?)+$', '(.|\\s)*\\[\\[Z\\]\\]', '(\\w|\\d)+!', '(?:a|a)*b', '(a+)+$', '(.*a){20}']) {
      expect(resolveJudgeTemplate('config.judgeTemplate', { ...template, verdictB: bad }).verdictB).toBe(bad);
    }
  });

  it('refuses a pattern the linear matcher cannot take as a field error naming the pattern', () => {
    expect(() => resolveJudgeTemplate('config.judgeTemplate', { ...template, verdictTie: '(a)\\1' })).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: 'config.judgeTemplate.verdictTie',
        message: 'config.judgeTemplate.verdictTie: uses a backreference or octal escape (\\1 to \\9), which is not supported: verdict patterns must be matchable in linear time',
      }),
    );
    expect(() => verdictParser({ ...template, verdictA: 'A(?=B)' })).toThrow(TemplateError);
  });

  it('parses a long adversarial output in well under 50 ms for each of thousands of random patterns', () => {
    const next = random(2026);
    const outputs = [
      // About 16k tokens each: longer than a judge's answer at the default max tokens (4,096).
      'a'.repeat(64_000),
      `${'a'.repeat(64_000)}!`,
      ' '.repeat(32_000) + '\t\n'.repeat(16_000),
      '[[A]] [[B]] '.repeat(5_400),
      randomText(next, 64_000),
    ];
    let accepted = 0;
    let slowest = 0;
    let slowestPattern = '';
    for (let p = 0; p < 2_000; p++) {
      const verdictA = randomPattern(next);
      let parse;
      try {
        parse = verdictParser({ verdictA, verdictB: '\\[\\[B\\]\\]', verdictTie: null });
      } catch (error) {
        expect(error, verdictA).toBeInstanceOf(TemplateError);
        continue;
      }
      accepted++;
      for (const output of outputs) {
        // Best of three: a parse is deterministic, so a slow pattern is slow every time, while a
        // garbage collection or a descheduling on a shared machine hits one run, not three.
        let took = Infinity;
        for (let run = 0; run < 3; run++) {
          const started = performance.now();
          parse(output);
          took = Math.min(took, performance.now() - started);
        }
        if (took > slowest) [slowest, slowestPattern] = [took, verdictA];
      }
    }
    expect(accepted).toBeGreaterThan(1_000);
    expect(slowest, `slowest: ${slowestPattern}`).toBeLessThan(50);
  });
});
