/**
 * The syntax of verdict patterns: JavaScript regular expressions (no flags, UTF-16 code units, as
 * `new RegExp(source)` reads them) without the parts that need backtracking. Everything a regular
 * language needs is here: literals and escapes, `.`, classes, groups (capturing, named and
 * non-capturing), `|`, `* + ? {n} {n,} {n,m}` (lazy or not: `test` does not care), `^`, `$`,
 * `\b`, `\B`. Refused with a `PatternError` that says why: backreferences, lookahead and
 * lookbehind, octal escapes. The caller checks first that JavaScript accepts the source, so this
 * parser only has to be right on valid patterns; a differential test compares the two.
 */

/** A set of UTF-16 code units: sorted, disjoint, non-adjacent inclusive ranges. */
export type CharSet = readonly (readonly [number, number])[];

export type Ast =
  | { t: 'set'; set: CharSet }
  | { t: 'seq'; items: Ast[] }
  | { t: 'alt'; options: Ast[] }
  | { t: 'rep'; node: Ast; min: number; max: number }
  | { t: 'assert'; kind: 'bol' | 'eol' | 'wordb' | 'nwordb' };

/** A pattern the linear-time matcher does not take; the message says what to change. */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

const MAX_CODE = 0xffff;
export const WORD: CharSet = [[48, 57], [65, 90], [95, 95], [97, 122]];
const DIGIT: CharSet = [[48, 57]];
const SPACE: CharSet = normalize([[9, 13], [32, 32], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]]);
const DOT: CharSet = negate([[10, 10], [13, 13], [0x2028, 0x2029]]);
const CONTROL: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
const CLASS_ESCAPES: Record<string, CharSet> = { d: DIGIT, D: negate(DIGIT), w: WORD, W: negate(WORD), s: SPACE, S: negate(SPACE) };

export function normalize(ranges: readonly (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function negate(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of normalize(set)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE) out.push([next, MAX_CODE]);
  return out;
}

const single = (code: number): Ast => ({ t: 'set', set: [[code, code]] });
const QUANTIFIER = /^\{(\d+)(,(\d*))?\}/;
/** Largest count in `{n}`, `{n,}` and `{n,m}`. */
export const MAX_COUNT = 1_000;

/** Parses `source` into an Ast; throws a PatternError for what the matcher refuses. */
export function parsePattern(source: string): Ast {
  const parser = new Parser(source);
  const ast = parser.alternation();
  if (parser.at < source.length) throw new PatternError(`has an unmatched ")" at position ${parser.at}`);
  return ast;
}

class Parser {
  at = 0;
  constructor(private readonly s: string) {}

  alternation(): Ast {
    const options = [this.sequence()];
    while (this.s[this.at] === '|') {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private sequence(): Ast {
    const items: Ast[] = [];
    while (this.at < this.s.length && this.s[this.at] !== '|' && this.s[this.at] !== ')') items.push(this.quantified());
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantified(): Ast {
    const atom = this.atom();
    const c = this.s[this.at];
    let min: number;
    let max: number;
    const counted = c === '{' ? QUANTIFIER.exec(this.s.slice(this.at)) : null;
    if (c === '*' || c === '+' || c === '?') {
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
      this.at++;
    } else if (counted) {
      min = Number(counted[1]);
      max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3]);
      this.at += counted[0].length;
    } else {
      return atom;
    }
    if (atom.t === 'assert') throw new PatternError('repeats an anchor or a word boundary, which is not supported');
    // Counts are expanded into copies: bound them before anything loops over them.
    if (min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT)) throw new PatternError(`has a counted repetition above ${MAX_COUNT}, which is not supported`);
    if (this.s[this.at] === '?') this.at++; // lazy: the same language
    return { t: 'rep', node: atom, min, max };
  }

  private atom(): Ast {
    const c = this.s[this.at++]!;
    switch (c) {
      case '^':
        return { t: 'assert', kind: 'bol' };
      case '$':
        return { t: 'assert', kind: 'eol' };
      case '.':
        return { t: 'set', set: DOT };
      case '(':
        return this.group();
      case '[':
        return { t: 'set', set: this.charClass() };
      case '\\':
        return this.escape();
      default:
        return single(c.charCodeAt(0));
    }
  }

  private group(): Ast {
    if (this.s[this.at] === '?') {
      const head = this.s.slice(this.at, this.at + 3);
      if (head.startsWith('?:')) this.at += 2;
      else if (head.startsWith('?=') || head.startsWith('?!') || head === '?<=' || head === '?<!') {
        throw new PatternError('uses lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which is not supported: verdict patterns must be matchable in linear time');
      } else if (head.startsWith('?<')) this.at = this.s.indexOf('>', this.at) + 1;
    }
    const inner = this.alternation();
    this.at++; // ')': the source is valid JavaScript
    return inner;
  }

  private escape(): Ast {
    const c = this.s[this.at]!;
    if (c === 'b' || c === 'B') {
      this.at++;
      return { t: 'assert', kind: c === 'b' ? 'wordb' : 'nwordb' };
    }
    if (c === 'k' && this.s.includes('(?<')) throw new PatternError('uses a backreference (\\k<name>), which is not supported: verdict patterns must be matchable in linear time');
    return { t: 'set', set: this.escapedSet(false) };
  }

  /** The set of an escape after `\` (in a class when `inClass`: `\b` is a backspace there). */
  private escapedSet(inClass: boolean): CharSet {
    const c = this.s[this.at++]!;
    const named = CLASS_ESCAPES[c];
    if (named) return named;
    if (c >= '1' && c <= '9') throw new PatternError('uses a backreference or octal escape (\\1 to \\9), which is not supported: verdict patterns must be matchable in linear time');
    if (c === '0') {
      if (/[0-9]/.test(this.s[this.at] ?? '')) throw new PatternError('uses an octal escape (\\0 followed by digits), which is not supported: write \\x.. instead');
      return [[0, 0]];
    }
    if (inClass && c === 'b') return [[8, 8]];
    const control = CONTROL[c];
    if (control !== undefined) return [[control, control]];
    if (c === 'c') {
      const letter = this.s[this.at] ?? '';
      if (!/[A-Za-z]/.test(letter)) throw new PatternError('uses \\c without a letter after it, which is not supported');
      this.at++;
      const code = letter.charCodeAt(0) % 32;
      return [[code, code]];
    }
    const hex = c === 'x' ? /^[0-9a-fA-F]{2}/.exec(this.s.slice(this.at)) : c === 'u' ? /^[0-9a-fA-F]{4}/.exec(this.s.slice(this.at)) : null;
    if (hex) {
      this.at += hex[0].length;
      const code = Number.parseInt(hex[0], 16);
      return [[code, code]];
    }
    const code = c.charCodeAt(0); // identity escape: \. \[ \/ ... (and \q is q without the u flag)
    return [[code, code]];
  }

  private charClass(): CharSet {
    const negated = this.s[this.at] === '^';
    if (negated) this.at++;
    const ranges: (readonly [number, number])[] = [];
    while (this.s[this.at] !== ']') {
      const low = this.classAtom();
      if (this.s[this.at] === '-' && this.s[this.at + 1] !== ']' && this.at + 1 < this.s.length) {
        this.at++;
        const high = this.classAtom();
        // A range needs single characters at both ends; with \d and the like, '-' is itself a member.
        if (low.length === 1 && high.length === 1 && low[0]![0] === low[0]![1] && high[0]![0] === high[0]![1]) {
          ranges.push([low[0]![0], high[0]![0]]);
          continue;
        }
        ranges.push(...low, [45, 45], ...high);
        continue;
      }
      ranges.push(...low);
    }
    this.at++;
    const set = normalize(ranges);
    return negated ? negate(set) : set;
  }

  private classAtom(): CharSet {
    const c = this.s[this.at++]!;
    if (c !== '\\') {
      const code = c.charCodeAt(0);
      return [[code, code]];
    }
    return this.escapedSet(true);
  }
}
