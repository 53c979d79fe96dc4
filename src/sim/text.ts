/**
 * Deterministic text generation: answers that reuse the instruction's key words (so that answers to
 * x and to a modified x' differ in content) and modified instructions x' for contrasting pairs.
 */
import { pick, type Rng } from './rng.js';
import {
  CLOSING_SENTENCES,
  EXTRA_CONSTRAINTS,
  FILLER_SENTENCES,
  INTRO_SENTENCES,
  KEYWORD_SENTENCES,
  PAIR_SENTENCES,
  PROPER_NOUNS,
  STOPWORDS,
  SUBSTITUTES,
  TOPIC_NOUNS,
  capitalize,
} from './vocabulary.js';

const WORD = /[A-Za-z][A-Za-z'-]*|\d+(?:\.\d+)?/g;
const LIST_REQUEST = /\b(list|steps?|outline|tips|ways|ideas|bullet|points|reasons|examples)\b/i;
const SENTENCE_START = /(^|[.!?:]\s*)$/;
const NOUN_CONTEXT = /\b(a|an|the|about|of|for|on|in|to|with|your|my|his|her|their|our|from|between)\s+$/i;

/** Maximum key words an answer works with; longer instructions are summarised by their first ones. */
const MAX_KEYWORDS = 12;

function normalizeWord(raw: string): string {
  const lower = raw.toLowerCase();
  return lower.endsWith("'s") ? lower.slice(0, -2) : lower;
}

function isContentWord(word: string): boolean {
  const numeric = word.charCodeAt(0) <= 57;
  return numeric || (word.length >= 3 && !STOPWORDS.has(word));
}

/** Distinct content words of `text`, lower case, in order of first appearance. */
export function keywords(text: string, limit = Infinity): string[] {
  return keywordForms(text, limit, false);
}

/**
 * Like `keywords`, but with `display` keeps each word as first written (names stay capitalised;
 * a sentence-initial capital is dropped).
 */
function keywordForms(text: string, limit: number, display: boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const word = normalizeWord(raw);
    if (!isContentWord(word) || seen.has(word)) continue;
    seen.add(word);
    out.push(display && !SENTENCE_START.test(text.slice(Math.max(0, match.index - 3), match.index)) ? raw.replace(/'s$/i, '') : word);
    if (out.length >= limit) break;
  }
  return out;
}

/** The set of all lower-case words of `text` (stop words included), for overlap features. */
export function wordSet(text: string): Set<string> {
  const set = new Set<string>();
  for (const raw of text.match(WORD) ?? []) set.add(normalizeWord(raw));
  return set;
}

function joinTopic(words: readonly string[]): string {
  if (words.length === 0) return 'your question';
  if (words.length === 1) return words[0]!;
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]!}`;
}

/**
 * An answer to `instruction`: mentions most of its key words (each kept with probability 0.85, so
 * samples differ), plus filler sentences; a bulleted list when the instruction asks for one.
 */
export function generateAnswer(instruction: string, rng: Rng): string {
  const all = keywordForms(instruction, MAX_KEYWORDS, true);
  const used = all.filter(() => rng() < 0.85);
  if (used.length === 0 && all.length > 0) used.push(all[0]!);

  const body: string[] = [];
  for (let i = 0; i < used.length; ) {
    if (i + 1 < used.length && rng() < 0.3) {
      body.push(pick(rng, PAIR_SENTENCES)(used[i]!, used[i + 1]!));
      i += 2;
    } else {
      body.push(pick(rng, KEYWORD_SENTENCES)(used[i]!));
      i += 1;
    }
  }
  const fillers = 1 + Math.floor(rng() * 3);
  const first = Math.floor(rng() * FILLER_SENTENCES.length);
  for (let i = 0; i < fillers; i += 1) {
    // Consecutive entries from a random start: varied, never the same filler twice in one answer.
    const filler = FILLER_SENTENCES[(first + i * 3) % FILLER_SENTENCES.length]!;
    body.splice(Math.floor(rng() * (body.length + 1)), 0, filler);
  }

  const asList = LIST_REQUEST.test(instruction) || rng() < 0.15;
  const intro = pick(rng, INTRO_SENTENCES)(joinTopic(used.slice(0, 3)));
  const closing = pick(rng, CLOSING_SENTENCES)(used[0] ?? 'the essentials');
  const middle = asList ? body.map((s) => `- ${s}`).join('\n') : body.join(' ');
  return `${intro}\n\n${middle}\n\n${closing}`;
}

type Candidate = { word: string; priority: number; proper: boolean; numeric: boolean };

function replacementCandidates(instruction: string): Candidate[] {
  const byWord = new Map<string, Candidate>();
  let index = 0;
  for (const match of instruction.matchAll(WORD)) {
    const raw = match[0];
    const word = normalizeWord(raw);
    const position = match.index;
    index += 1;
    if (index === 1 || !isContentWord(word) || byWord.has(word)) continue;
    const numeric = word.charCodeAt(0) <= 57;
    if (!numeric && word.length < 4) continue;
    const before = instruction.slice(Math.max(0, position - 12), position);
    const proper = raw[0] !== raw[0]!.toLowerCase() && !/[.!?:]\s*$/.test(before);
    let priority = 1;
    if (proper || SUBSTITUTES.has(word)) priority = 3;
    else if (numeric || NOUN_CONTEXT.test(before)) priority = 2;
    byWord.set(word, { word, priority, proper, numeric });
  }
  return [...byWord.values()];
}

function replacementFor(candidate: Candidate, taken: Set<string>, rng: Rng): string {
  const paired = SUBSTITUTES.get(candidate.word);
  if (paired && !taken.has(paired)) return paired;
  if (candidate.numeric) return String(Math.round(Number(candidate.word) * 2 + 1));
  const pool = candidate.proper ? PROPER_NOUNS : TOPIC_NOUNS;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const choice = pick(rng, pool);
    if (!taken.has(choice.toLowerCase())) return choice;
  }
  return `${candidate.word} alternatives`;
}

function matchCase(original: string, replacement: string): string {
  return original[0] !== original[0]!.toLowerCase() ? capitalize(replacement) : replacement;
}

/**
 * A modified instruction x': one to three of x's content words (preferring names, paired words and
 * nouns) replaced by related but different ones, sometimes with an extra constraint.
 */
export function modifyInstruction(instruction: string, rng: Rng): string {
  const candidates = replacementCandidates(instruction);
  const count = Math.min(candidates.length, Math.max(1, Math.min(3, Math.round(candidates.length / 4))));
  const ranked = candidates
    .map((c) => ({ c, key: c.priority + rng() }))
    .sort((a, b) => b.key - a.key)
    .slice(0, count);
  const taken = new Set(keywords(instruction));
  const replacements = new Map<string, string>();
  for (const { c } of ranked) {
    const replacement = replacementFor(c, taken, rng);
    taken.add(replacement.toLowerCase());
    replacements.set(c.word, replacement);
  }
  let modified = instruction.replace(WORD, (raw) => {
    const replacement = replacements.get(normalizeWord(raw));
    return replacement === undefined ? raw : matchCase(raw, replacement);
  });
  if (replacements.size === 0 || rng() < 0.25 || modified.trim() === instruction.trim()) {
    modified = `${modified.trimEnd()} ${pick(rng, EXTRA_CONSTRAINTS)}`;
  }
  return modified;
}

/**
 * A deliberately worse rewrite of `answer` for `instruction` (the WORSE_REWRITE ablation): most
 * sentences that carry the instruction's key words are dropped, some replaced by filler, so the
 * rewrite stays on topic and fluent but covers less of what was asked.
 */
export function worsenAnswer(instruction: string, answer: string, rng: Rng): string {
  const keys = new Set(keywords(instruction));
  const sentences = answer.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim());
  const out: string[] = [];
  let dropped = 0;
  for (const sentence of sentences) {
    const carries = [...wordSet(sentence)].some((w) => keys.has(w));
    if (carries && rng() < 0.6) {
      dropped += 1;
      if (rng() < 0.5) out.push(pick(rng, FILLER_SENTENCES));
      continue;
    }
    out.push(sentence.trim());
  }
  if (dropped === 0 && out.length > 1) out.splice(Math.floor(rng() * out.length), 1, pick(rng, FILLER_SENTENCES));
  return out.join(' ');
}

/** The last line of defence for generic prompts: a short answer built the same way. */
export function generateGenericAnswer(text: string, rng: Rng): string {
  return generateAnswer(text || 'your message', rng);
}
