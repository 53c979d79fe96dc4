/**
 * Reading a tagged answer (`[Start of X] ... [End of X]` blocks in a fixed order) the way models
 * actually write it, without ever guessing:
 * - tags match case-insensitively, with any run of white space inside a tag;
 * - when the format template is echoed before the answer (so each tag appears twice), the last
 *   block that starts with the first tag is read;
 * - a missing final closing tag is accepted only when the model stopped on its own
 *   (`finish_reason: 'stop'`): the rest of the text is then the last part. A cut-off answer
 *   (`'length'`) or any other missing tag is rejected;
 * - a part left as the template's own placeholder, or empty, is rejected.
 * Every rejection carries a reason naming the tag or part.
 */

export type TaggedPart = {
  /** What the part is called in reasons, e.g. "modified instruction". */
  name: string;
  start: string;
  end: string;
  /** The placeholder text the prompt shows for this part; an answer equal to it is rejected. */
  placeholder: string;
};

export type TaggedResult = { ok: true; parts: string[]; habits: string[] } | { ok: false; reason: string };

function tagPattern(tag: string): RegExp {
  const escaped = tag
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  return new RegExp(escaped, 'gi');
}

type Match = { at: number; end: number };

function matchesOf(text: string, tag: string): Match[] {
  return [...text.matchAll(tagPattern(tag))].map((m) => ({ at: m.index, end: m.index + m[0].length }));
}

function firstAfter(text: string, tag: string, from: number): Match | null {
  return matchesOf(text, tag).find((m) => m.at >= from) ?? null;
}

/**
 * Reads `parts` (in order) from `output`. `finishReason` is the completion's finish reason; only
 * 'stop' allows the final closing tag to be missing.
 */
export function parseTagged(output: string, parts: readonly TaggedPart[], finishReason: string | null): TaggedResult {
  const first = parts[0]!;
  const starts = matchesOf(output, first.start);
  const start = starts[starts.length - 1];
  if (!start) return { ok: false, reason: `missing tag ${first.start}` };
  const habits: string[] = [];
  if (starts.length > 1) habits.push('template echoed: read the last block');
  if (output.slice(start.at, start.end) !== first.start) habits.push('tags in another case or spacing');
  const values: string[] = [];
  let cursor = start.end;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i]!;
    if (i > 0) {
      const open = firstAfter(output, part.start, cursor);
      if (!open) return { ok: false, reason: `missing tag ${part.start} after ${parts[i - 1]!.end}` };
      cursor = open.end;
    }
    const close = firstAfter(output, part.end, cursor);
    let value: string;
    if (close) {
      value = output.slice(cursor, close.at);
      cursor = close.end;
    } else if (i === parts.length - 1 && finishReason === 'stop') {
      value = output.slice(cursor);
      cursor = output.length;
      habits.push('final closing tag missing on a complete answer');
    } else {
      const why = i === parts.length - 1 ? ` (finish_reason ${finishReason ?? 'unknown'}: the answer may be cut off)` : '';
      return { ok: false, reason: `missing tag ${part.end}${why}` };
    }
    const trimmed = value.trim();
    if (!trimmed) return { ok: false, reason: `empty ${part.name}` };
    if (trimmed === part.placeholder) return { ok: false, reason: `${part.name} is the template's placeholder, not an answer` };
    values.push(trimmed);
  }
  return { ok: true, parts: values, habits };
}
