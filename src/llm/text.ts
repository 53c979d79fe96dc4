/**
 * Model output as PostgreSQL can store it. A text column refuses U+0000, and an unpaired UTF-16
 * surrogate (what a JSON `\ud800` escape from a server's broken UTF-8 decoding becomes) is not
 * valid Unicode. Each becomes U+FFFD, the replacement character, where it stood: the answer is
 * stored and its verdict read from the rest, instead of its whole batch's write failing on every
 * retry (a NUL did that: PostgreSQL refused the insert). User input with either is refused with
 * an error instead (the API's input guard, the importers): there the user can fix it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

export function storableModelText(text: string): string {
  if (!text.includes('\u0000') && !LONE_SURROGATE.test(text)) return text;
  return text.replace(UNSTORABLE, '\uFFFD');
}
