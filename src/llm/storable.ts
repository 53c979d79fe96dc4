/**
 * What a response says, as PostgreSQL can store it: its text and its token counts. A bad value
 * here once failed the write of its whole batch on every try (the model called again each time)
 * and then its stage; now it is stored as near to what was said as the columns allow.
 */

/**
 * Model output as PostgreSQL can store it. A text column refuses U+0000, and an unpaired UTF-16
 * surrogate (what a JSON `\ud800` escape from a server's broken UTF-8 decoding becomes) is not
 * valid Unicode. Each becomes U+FFFD, the replacement character, where it stood: the answer is
 * stored and its verdict read from the rest. User input with either is refused with an error
 * instead (the API's input guard, the importers): there the user can fix it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

export function storableModelText(text: string): string {
  if (!text.includes('\u0000') && !LONE_SURROGATE.test(text)) return text;
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** Largest count a token column holds (PostgreSQL integer). */
const MAX_TOKENS = 2 ** 31 - 1;

/**
 * A token count as a response reports it, when it is one: a whole number from 0 to 2^31 - 1.
 * Anything else (a fraction, a negative number, a count past the columns' range, a string) is
 * undefined, and the caller estimates the count as for a response without usage: such a value
 * failed the write of its batch (an integer column refuses 12.5) as a NUL in the text did.
 */
export function reportedTokens(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKENS ? value : undefined;
}
