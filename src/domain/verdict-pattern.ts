/**
 * Verdict patterns that cannot hang the service: a pattern is compiled, once, into a complete
 * deterministic automaton, and `test(text)` is then one table look-up per UTF-16 code unit of the
 * text, whatever the pattern: no backtracking, no work that grows with the pattern at match time.
 *
 * The price is paid at compile time and bounded there: the Thompson automaton may have at most
 * `LIMITS.nfaStates` states (counted repetitions expanded), the deterministic one at most
 * `LIMITS.dfaStates` states and `LIMITS.transitions` table cells, and building it may take at most
 * `LIMITS.work` steps. A pattern past any of these is refused with a `PatternError` that says so
 * (a field error at input); within them, compiling takes a few milliseconds at most. Syntax: see
 * pattern-syntax.ts (JavaScript's, without backreferences and lookaround).
 */
import { parsePattern, PatternError, WORD } from './pattern-syntax.js';
import type { Ast, CharSet } from './pattern-syntax.js';

export { PatternError } from './pattern-syntax.js';

export const LIMITS = { nfaStates: 1_000, dfaStates: 1_000, transitions: 100_000, work: 50_000 } as const;

/** A compiled pattern: `test` is true when the pattern matches anywhere in the text (like RegExp#test). */
export type LinearPattern = { readonly source: string; test(text: string): boolean };

type Node =
  | { k: 'char'; set: CharSet; out: number }
  | { k: 'split'; out: number; out2: number }
  | { k: 'assert'; kind: 'bol' | 'eol' | 'wordb' | 'nwordb'; out: number }
  | { k: 'match' };

const MATCHED = -1;

/** Compiles `source` (a valid JavaScript RegExp source); throws a PatternError when refused. */
export function compileLinearPattern(source: string): LinearPattern {
  const nodes: Node[] = [{ k: 'match' }];
  const start = build(parsePattern(source), 0, nodes);
  const alphabet = classify(nodes);
  const dfa = determinize(nodes, start, alphabet);
  const { classOf } = alphabet;
  const { table, endMatch, classes } = dfa;
  return {
    source,
    test(text: string): boolean {
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        state = table[state * classes + classOf[text.charCodeAt(i)]!]!;
        if (state === MATCHED) return true;
      }
      return endMatch[state] === 1;
    },
  };
}

/** Adds the Thompson states of `ast`, continuing to state `next`; returns its first state. */
function build(ast: Ast, next: number, nodes: Node[], steps = { n: 0 }): number {
  // Empty groups add no state but still cost a step each: `(?:(?:){1000}){1000}` must stop too.
  if (++steps.n > LIMITS.nfaStates * 10) throw tooLarge();
  const add = (node: Node): number => {
    if (nodes.length >= LIMITS.nfaStates) throw tooLarge();
    nodes.push(node);
    return nodes.length - 1;
  };
  switch (ast.t) {
    case 'set':
      return add({ k: 'char', set: ast.set, out: next });
    case 'assert':
      return add({ k: 'assert', kind: ast.kind, out: next });
    case 'seq':
      return ast.items.reduceRight((to, item) => build(item, to, nodes, steps), next);
    case 'alt': {
      const starts = ast.options.map((option) => build(option, next, nodes, steps));
      return starts.reduceRight((rest, first) => add({ k: 'split', out: first, out2: rest }));
    }
    case 'rep': {
      let to = next;
      if (ast.max === Infinity) {
        const loop = add({ k: 'split', out: -1, out2: next });
        (nodes[loop] as { out: number }).out = build(ast.node, loop, nodes, steps);
        to = loop;
      } else {
        for (let i = ast.min; i < ast.max; i++) to = add({ k: 'split', out: build(ast.node, to, nodes, steps), out2: next });
      }
      for (let i = 0; i < ast.min; i++) to = build(ast.node, to, nodes, steps);
      return to;
    }
  }
}

type Alphabet = { classOf: Uint16Array; classes: number; isWord: Uint8Array; accepts: Map<number, Uint8Array> };

/**
 * Splits the code units into classes that every character set of the pattern (and `\w`, for
 * word boundaries) treats alike, so the table has one column per class instead of 65,536.
 */
function classify(nodes: Node[]): Alphabet {
  // Copies made by counted repetitions share their set: each distinct set counts once.
  const sets = [...new Set([...nodes.flatMap((n) => (n.k === 'char' ? [n.set] : [])), WORD])];
  const cuts = new Set<number>([0, 0x10000]);
  for (const set of sets) for (const [lo, hi] of set) cuts.add(lo).add(hi + 1);
  const bounds = [...cuts].sort((a, b) => a - b);
  const classOf = new Uint16Array(0x10000);
  const ids = new Map<string, number>();
  const representative: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i]!;
    const signature = sets.map((set) => (contains(set, lo) ? '1' : '0')).join('');
    let id = ids.get(signature);
    if (id === undefined) {
      id = ids.size;
      ids.set(signature, id);
      representative.push(lo);
    }
    classOf.fill(id, lo, bounds[i + 1]!);
  }
  const classes = ids.size;
  const isWord = Uint8Array.from(representative, (code) => Number(contains(WORD, code)));
  const accepts = new Map<number, Uint8Array>();
  nodes.forEach((n, index) => {
    if (n.k === 'char') accepts.set(index, Uint8Array.from(representative, (code) => Number(contains(n.set, code))));
  });
  return { classOf, classes, isWord, accepts };
}

function contains(set: CharSet, code: number): boolean {
  for (const [lo, hi] of set) if (code >= lo && code <= hi) return true;
  return false;
}

type Context = { atStart: boolean; prevWord: boolean; nextWord: boolean; atEnd: boolean };

/**
 * Builds every state of the deterministic automaton. A state is the set of Thompson states
 * reached after the last character (the start is added at every position: a match may begin
 * anywhere) plus what the assertions need to know about that character: whether it was a word
 * character, and whether there was none (start of text). The step on a class first follows the
 * empty moves in that context; reaching the match state there means a match ended just before
 * the character, and the transition goes to MATCHED.
 */
function determinize(nodes: Node[], start: number, alphabet: Alphabet): { table: Int32Array; endMatch: Uint8Array; classes: number } {
  const { classes, isWord, accepts } = alphabet;
  const acceptsOf = nodes.map((_, i) => accepts.get(i));
  const keys = new Map<string, number>();
  const kernels: { set: number[]; atStart: boolean; prevWord: boolean }[] = [];
  const intern = (set: number[], atStart: boolean, prevWord: boolean): number => {
    const key = `${Number(atStart)}${Number(prevWord)}:${set.join(',')}`;
    let id = keys.get(key);
    if (id === undefined) {
      id = kernels.length;
      if (id >= LIMITS.dfaStates || (id + 1) * classes > LIMITS.transitions) throw tooComplex();
      keys.set(key, id);
      kernels.push({ set, atStart, prevWord });
    }
    return id;
  };
  let work = 0;
  // Visited marks of the current closure: a fresh generation number instead of a fresh array.
  const seen = new Int32Array(nodes.length);
  let generation = 0;
  const closure = (set: number[], ctx: Context): { chars: number[]; matched: boolean } => {
    generation++;
    const stack = [...set, start];
    const chars: number[] = [];
    let matched = false;
    while (stack.length > 0) {
      const index = stack.pop()!;
      if (seen[index] === generation) continue;
      seen[index] = generation;
      if (++work > LIMITS.work) throw tooComplex();
      const node = nodes[index]!;
      if (node.k === 'match') matched = true;
      else if (node.k === 'char') chars.push(index);
      else if (node.k === 'split') stack.push(node.out2, node.out);
      else if (holds(node.kind, ctx)) stack.push(node.out);
    }
    return { chars, matched };
  };
  intern([], true, false);
  const cells: number[] = [];
  const ends: number[] = [];
  for (let state = 0; state < kernels.length; state++) {
    const { set, atStart, prevWord } = kernels[state]!;
    ends.push(Number(closure(set, { atStart, prevWord, nextWord: false, atEnd: true }).matched));
    // The empty moves depend on the next character only through whether it is a word character.
    const after = [false, true].map((nextWord) => closure(set, { atStart, prevWord, nextWord, atEnd: false }));
    for (let c = 0; c < classes; c++) {
      const { chars, matched } = after[isWord[c]!]!;
      if (matched) {
        cells.push(MATCHED);
        continue;
      }
      work += chars.length;
      generation++;
      const next: number[] = [];
      for (const i of chars) {
        const out = (nodes[i] as { out: number }).out;
        if (acceptsOf[i]![c] === 1 && seen[out] !== generation) {
          seen[out] = generation;
          next.push(out);
        }
      }
      cells.push(intern(next.sort((a, b) => a - b), false, isWord[c] === 1));
    }
    if (work > LIMITS.work) throw tooComplex();
  }
  return { table: Int32Array.from(cells), endMatch: Uint8Array.from(ends), classes };
}

function holds(kind: 'bol' | 'eol' | 'wordb' | 'nwordb', ctx: Context): boolean {
  switch (kind) {
    case 'bol':
      return ctx.atStart;
    case 'eol':
      return ctx.atEnd;
    case 'wordb':
      return ctx.prevWord !== ctx.nextWord;
    case 'nwordb':
      return ctx.prevWord === ctx.nextWord;
  }
}

function tooLarge(): PatternError {
  return new PatternError(`is too large: it expands to more than ${LIMITS.nfaStates} states (large counted repetitions such as {1000} count many times)`);
}

function tooComplex(): PatternError {
  return new PatternError(
    `is too complex to match in linear time: its automaton would need more than ${LIMITS.dfaStates} states, ${LIMITS.transitions} transitions or ${LIMITS.work} construction steps (simplify repeated alternatives and large counted repetitions)`,
  );
}
