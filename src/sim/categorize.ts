/**
 * Keyword rules for the categorize prompt: deterministic, and good enough that math-like
 * instructions land in a math or reasoning category when the caller lists one.
 */
import { hashString } from './rng.js';

/** `category` patterns are tried in order of preference against the listed names. */
type Rule = { instruction: RegExp; category: readonly RegExp[] };

/** Checked in order; the first rule whose instruction pattern matches and whose category is listed wins. */
const RULES: readonly Rule[] = [
  {
    instruction: /\b(calculate|compute|solve|equation|integer|number|numbers|probability|percent|sum|product|math|algebra|geometry|derivative|integral|\d+\s*[-+*/^x]\s*\d+)\b/i,
    category: [/math/i, /reason|logic/i],
  },
  {
    instruction: /\b(code|function|program|python|javascript|java|c\+\+|rust|sql|algorithm|bug|compile|regex|api)\b/i,
    category: [/cod|program|software/i],
  },
  {
    instruction: /\b(puzzle|riddle|logic|deduce|infer|if .+ then|why does|reason|reasoning|prove)\b/i,
    category: [/reason|logic/i, /math/i],
  },
  { instruction: /\b(extract|parse|json|table|csv|list all|identify the)\b/i, category: [/extract|information/i] },
  { instruction: /\b(pretend|imagine you are|act as|role|play the|as if you were)\b/i, category: [/role/i] },
  {
    instruction: /\b(write|compose|draft|poem|story|essay|blog|email|letter|haiku|limerick|slogan)\b/i,
    category: [/writ|creative|generat/i],
  },
  {
    instruction: /\b(physics|chemistry|biology|science|scientific|quantum|energy|molecule|cell|engineering)\b/i,
    category: [/stem|science/i],
  },
  {
    instruction: /\b(history|historical|philosophy|art|culture|religion|literature|politics|economics|society)\b/i,
    category: [/humanit|social|knowledge/i],
  },
  { instruction: /\b(kill|weapon|hack|steal|drugs|illegal|harm)\b/i, category: [/safety|harm|refus/i] },
];

const FALLBACK = /^(other|general|chat|misc|miscellaneous|open[- ]?ended|open qa|knowledge)/i;

/** Picks one of `categories` for `instruction`; never returns a name that is not listed. */
export function chooseCategory(instruction: string, categories: readonly string[]): string | null {
  if (categories.length === 0) return null;
  for (const rule of RULES) {
    if (!rule.instruction.test(instruction)) continue;
    for (const pattern of rule.category) {
      const listed = categories.find((c) => pattern.test(c));
      if (listed) return listed;
    }
  }
  return categories.find((c) => FALLBACK.test(c)) ?? categories[hashString(instruction) % categories.length]!;
}

/** Reads the category names from the categorize system prompt (`...categories: a, b, c.\n`). */
export function listedCategories(system: string, marker: string): string[] {
  const start = system.indexOf(marker);
  if (start < 0) return [];
  let text = system.slice(start + marker.length);
  const lineEnd = text.indexOf('\n');
  if (lineEnd >= 0) text = text.slice(0, lineEnd);
  text = text.replace(/^\s*:\s*/, '').replace(/\.\s*$/, '');
  return text
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}
