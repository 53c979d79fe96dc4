/**
 * The reading half of the importers: turns an uploaded file (JSONL or a JSON array) into raw
 * records with their line or item numbers, and the field checks the importers share.
 * Pure: no I/O. Used by `importers.ts` and `benchmark-importers.ts`.
 */

/** One raw record: a parsed JSON value, or the reason it could not be read. */
export type RawRecord = { position: number; value: unknown } | { position: number; error: string };

export type ReadResult = {
  /** True when the file was read as a JSON array (positions are 1-based item numbers). */
  isArray: boolean;
  records: RawRecord[];
  /** Set when the whole file is unusable (e.g. a JSON array that does not parse). */
  fileError: string | null;
};

export type Container = 'auto' | 'jsonl' | 'json';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const BOM = '\uFEFF';

/**
 * Reads JSONL (one value per line; blank lines skipped; positions are 1-based physical line
 * numbers; `\r\n` accepted; a leading byte-order mark ignored) or a JSON array (positions are
 * 1-based item numbers). `auto` picks the array when the first non-space character is `[`.
 * With a Buffer, a line whose bytes are not valid UTF-8 becomes an error record for that line;
 * with a string, the text is taken as already decoded.
 */
export function readRecords(content: Buffer | string, container: Container): ReadResult {
  const lines = splitLines(content);
  const asArray = container === 'json' || (container === 'auto' && firstNonSpaceChar(lines) === '[');
  return asArray ? readArray(lines) : readJsonl(lines);
}

type Line = { text: string } | { invalidUtf8: true };

function splitLines(content: Buffer | string): Line[] {
  const out: Line[] = [];
  if (typeof content === 'string') {
    for (const raw of content.split('\n')) out.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw });
  } else {
    let start = 0;
    for (;;) {
      const nl = content.indexOf(0x0a, start);
      const end = nl < 0 ? content.length : nl;
      const bytes = content.subarray(start, end > start && content[end - 1] === 0x0d ? end - 1 : end);
      try {
        out.push({ text: UTF8.decode(bytes) });
      } catch {
        out.push({ invalidUtf8: true });
      }
      if (nl < 0) break;
      start = nl + 1;
    }
  }
  const first = out[0];
  if (first && 'text' in first && first.text.startsWith(BOM)) out[0] = { text: first.text.slice(1) };
  return out;
}

function firstNonSpaceChar(lines: Line[]): string | null {
  for (const line of lines) {
    if (!('text' in line)) return null;
    const m = /\S/.exec(line.text);
    if (m) return m[0];
  }
  return null;
}

function readJsonl(lines: Line[]): ReadResult {
  const records: RawRecord[] = [];
  lines.forEach((line, index) => {
    const position = index + 1;
    if (!('text' in line)) {
      records.push({ position, error: 'line is not valid UTF-8 (the file must be UTF-8 encoded)' });
      return;
    }
    if (!line.text.trim()) return;
    try {
      records.push({ position, value: JSON.parse(line.text) as unknown });
    } catch (cause) {
      records.push({ position, error: `not valid JSON: ${(cause as Error).message}` });
    }
  });
  // A pretty-printed single object fails on every line; say what the file really is.
  const firstRecord = records[0];
  if (firstRecord && 'error' in firstRecord && lines.every((l) => 'text' in l)) {
    const whole = lines.map((l) => ('text' in l ? l.text : '')).join('\n');
    if (parsesAsObject(whole)) {
      return {
        isArray: false,
        records: [],
        fileError: 'the file is one JSON object spread over several lines; expected JSONL (one object per line) or a JSON array',
      };
    }
  }
  return { isArray: false, records, fileError: null };
}

function readArray(lines: Line[]): ReadResult {
  const bad = lines.findIndex((l) => !('text' in l));
  if (bad >= 0) {
    return { isArray: true, records: [], fileError: `the file is not valid UTF-8 (first bad bytes on line ${bad + 1})` };
  }
  const text = lines.map((l) => ('text' in l ? l.text : '')).join('\n');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    return { isArray: true, records: [], fileError: `the file is not a valid JSON array: ${(cause as Error).message}` };
  }
  if (!Array.isArray(parsed)) {
    return { isArray: true, records: [], fileError: `the file must hold a JSON array at the top level, found ${describeType(parsed)}` };
  }
  return { isArray: true, records: parsed.map((value: unknown, i) => ({ position: i + 1, value })), fileError: null };
}

function parsesAsObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** "an object", "an array", "null", "a string", ... for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' ? 'an object' : `a ${t}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why a text cannot be stored, or null when it can: a NUL character (PostgreSQL text rejects it)
 * or a lone UTF-16 surrogate (from a `\ud800`-style escape; not encodable as UTF-8).
 */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    return 'contains an unpaired UTF-16 surrogate (invalid Unicode)';
  }
  return null;
}

/** Optional identifier: a string or a finite number, as a string; missing, null or "" give null. */
export function readOptionalId(row: Record<string, unknown>, field: string): { ok: true; value: string | null } | { ok: false; reason: string } {
  const v = row[field];
  if (v === undefined || v === null) return { ok: true, value: null };
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: String(v) };
  if (typeof v === 'string') return { ok: true, value: v.trim() === '' ? null : v.trim() };
  return { ok: false, reason: `field "${field}" must be a string or a number, found ${describeType(v)}` };
}

/** Number of Unicode code points (what a PostgreSQL varchar limit counts). */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const hi = text.charCodeAt(i);
    const lo = text.charCodeAt(i + 1);
    if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
      n -= 1;
      i += 1;
    }
  }
  return n;
}
