/**
 * Instructions from WildChat-style conversation rows (the paper's instruction source):
 * `{conversation_hash, conversation: [{role, content, language?, toxic?, redacted?}, ...], turn?,
 * language?, toxic?, redacted?}`. The instruction is the first user turn, or every user turn with
 * `turns: ALL`. Rows outside the filters (language, number of turns, flagged toxic or redacted when
 * the flag is present) are skipped and counted by reason; a row that is not a conversation is
 * rejected with the reason (the caller reports its row number and stores nothing).
 */
import { codePointLength, describeType, isPlainObject, unstorableText } from './records.js';

export type ConversationTurns = 'FIRST' | 'ALL';

export type ConversationOptions = {
  /** FIRST (default): the first user turn; ALL: every user turn. */
  turns: ConversationTurns;
  /** Keep only conversations in these languages (case-insensitive; row `language`, else the turn's); null keeps all. */
  languages: string[] | null;
  /** Keep only conversations with at least / at most this many user turns; null for no bound. */
  minTurns: number | null;
  maxTurns: number | null;
  /** Longest accepted instruction, in Unicode code points. */
  maxLength: number;
};

export type ConversationInstruction = { text: string; sourceId: string | null };

export type ConversationRowResult =
  | { ok: true; instructions: ConversationInstruction[]; skipped: string | null }
  | { ok: false; reason: string };

type Turn = { role: string; content: string; language: string | null; toxic: boolean; redacted: boolean };

/** True when a row looks like a conversation row rather than a plain instruction row. */
export function isConversationRow(value: unknown): boolean {
  return isPlainObject(value) && value.conversation !== undefined;
}

export function readConversationRow(value: unknown, options: ConversationOptions): ConversationRowResult {
  if (!isPlainObject(value)) return { ok: false, reason: `expected an object, found ${describeType(value)}` };
  const turns = readTurns(value.conversation);
  if (!Array.isArray(turns)) return turns;
  const flag = (field: 'toxic' | 'redacted'): { ok: false; reason: string } | boolean => {
    const v = value[field];
    if (v === undefined || v === null) return false;
    return typeof v === 'boolean' ? v : { ok: false, reason: `field "${field}" must be a boolean, found ${describeType(v)}` };
  };
  for (const field of ['toxic', 'redacted'] as const) {
    const f = flag(field);
    if (typeof f !== 'boolean') return f;
    if (f) return { ok: true, instructions: [], skipped: `flagged ${field}` };
  }
  const users = turns.filter((t) => t.role === 'user');
  if (users.length === 0) return { ok: false, reason: 'the conversation has no user turn' };
  const language = typeof value.language === 'string' ? value.language : users[0]!.language;
  if (options.languages && !options.languages.some((l) => l.toLowerCase() === (language ?? '').toLowerCase())) {
    return { ok: true, instructions: [], skipped: `language ${language ?? 'unknown'}` };
  }
  if ((options.minTurns !== null && users.length < options.minTurns) || (options.maxTurns !== null && users.length > options.maxTurns)) {
    return { ok: true, instructions: [], skipped: 'number of turns' };
  }
  const hash = typeof value.conversation_hash === 'string' ? value.conversation_hash : null;
  const chosen = options.turns === 'ALL' ? users : users.slice(0, 1);
  const instructions: ConversationInstruction[] = [];
  let skipped: string | null = null;
  for (const [index, turn] of chosen.entries()) {
    if (turn.toxic || turn.redacted) {
      skipped = `turn flagged ${turn.toxic ? 'toxic' : 'redacted'}`;
      continue;
    }
    const text = turn.content.trim();
    if (!text) {
      skipped = 'empty user turn';
      continue;
    }
    const unstorable = unstorableText(text);
    if (unstorable) return { ok: false, reason: `user turn ${index + 1} ${unstorable}` };
    const length = codePointLength(text);
    if (length > options.maxLength) return { ok: false, reason: `user turn ${index + 1} is ${length} characters long, over the limit of ${options.maxLength}` };
    instructions.push({ text, sourceId: hash === null ? null : options.turns === 'ALL' ? `${hash}#${index + 1}` : hash });
  }
  return { ok: true, instructions, skipped: instructions.length === 0 ? skipped : null };
}

function readTurns(raw: unknown): Turn[] | { ok: false; reason: string } {
  if (!Array.isArray(raw)) return { ok: false, reason: `field "conversation" must be an array of turns, found ${describeType(raw)}` };
  const turns: Turn[] = [];
  for (const [i, t] of raw.entries()) {
    if (!isPlainObject(t) || typeof t.role !== 'string' || typeof t.content !== 'string') {
      return { ok: false, reason: `turn ${i + 1} must be an object with a string "role" and "content"` };
    }
    turns.push({
      role: t.role,
      content: t.content,
      language: typeof t.language === 'string' ? t.language : null,
      toxic: t.toxic === true,
      redacted: t.redacted === true,
    });
  }
  return turns;
}
