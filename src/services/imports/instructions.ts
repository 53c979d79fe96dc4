/**
 * Importers for user files. Each one parses a whole file into rows and reports every problem with
 * its line (or item) number and a specific reason; it never stores anything and never drops a
 * row silently. The caller decides what a rejected row means (the instruction import rejects the
 * whole batch when any row is rejected).
 *
 * Instruction files: MT-Bench / Vicuna-bench question JSONL, plain JSONL, or a JSON array.
 * Benchmark files (RewardBench, LLMBar, generic pairwise): see `benchmark-importers.ts`,
 * re-exported here.
 */
import { normalizeText } from '../../domain/prompts.js';
import { codePointLength, describeType, isPlainObject, readOptionalId, readRecords, unstorableText } from './records.js';

export {
  BUNDLED_BENCHMARKS,
  parseBenchmarkFile,
  type BenchmarkFormat,
  type BenchmarkItem,
  type BenchmarkParseOptions,
  type BenchmarkParseResult,
  type BundledBenchmark,
  type BundledBenchmarkFile,
  type BundledBenchmarkName,
  type PairwiseMapping,
} from './benchmark-files.js';

export type InstructionFormat = 'auto' | 'mtbench' | 'jsonl' | 'json';

export type InstructionParseOptions = {
  /** Longest accepted instruction, in Unicode code points, after trimming. A positive integer. */
  maxLength: number;
  /**
   * - `mtbench`: JSONL of MT-Bench / Vicuna-bench questions (`question_id`, `category`, `turns`;
   *   the first turn is the instruction);
   * - `jsonl`: JSONL of objects with `instruction`, `prompt` or `text` (+ optional `category`, `id`);
   * - `json`: a JSON array of objects of either kind;
   * - `auto` (default): a JSON array when the first non-space character is `[`, JSONL otherwise;
   *   objects of either kind.
   */
  format?: InstructionFormat;
};

export type AcceptedInstruction = {
  /** The instruction, trimmed of surrounding white space (inner text untouched). */
  text: string;
  category: string | null;
  /** `question_id` (MT-Bench), else `id`, as a string; null when the row has neither. */
  sourceId: string | null;
  /** 1-based line number (JSONL) or item number (JSON array). */
  line: number;
};

export type InstructionParseResult = {
  accepted: AcceptedInstruction[];
  /** Rows whose normalised text (`normalizeText`) equals an earlier accepted row's. */
  duplicates: { line: number; duplicateOfLine: number }[];
  /**
   * Rows that cannot be imported, in file order. `line` 0 means the whole file (e.g. a JSON
   * array that does not parse); in that case nothing is accepted.
   */
  rejected: { line: number; reason: string }[];
};

/** Fields that may hold the instruction in a plain row, in order of preference. */
export const INSTRUCTION_TEXT_FIELDS = ['instruction', 'prompt', 'text'] as const;

/**
 * Parses an instruction file. Blank lines are skipped. A row is rejected (with a reason) when it is
 * not valid UTF-8 (only detectable when `content` is a Buffer; pass the raw upload), not valid
 * JSON, not an object, has no text field, has a non-string or empty text, is longer than
 * `maxLength`, holds a NUL or unpaired surrogate, or has a category / id of the wrong type. In a
 * JSON array the reasons start with "item N". Never throws for bad content; throws a RangeError
 * when `maxLength` is not a positive integer.
 */
export function parseInstructionFile(content: Buffer | string, options: InstructionParseOptions): InstructionParseResult {
  const { maxLength } = options;
  const format = options.format ?? 'auto';
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  }
  const container = format === 'json' ? 'json' : format === 'auto' ? 'auto' : 'jsonl';
  const read = readRecords(content, container);
  const result: InstructionParseResult = { accepted: [], duplicates: [], rejected: [] };
  if (read.fileError) {
    result.rejected.push({ line: 0, reason: read.fileError });
    return result;
  }
  const prefix = (n: number) => (read.isArray ? `item ${n}: ` : '');
  const firstLineOf = new Map<string, number>();
  for (const record of read.records) {
    const line = record.position;
    const row = 'error' in record ? { ok: false as const, reason: record.error } : readInstructionRow(record.value, format, maxLength);
    if (!row.ok) {
      result.rejected.push({ line, reason: prefix(line) + row.reason });
      continue;
    }
    const key = normalizeText(row.text);
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      result.duplicates.push({ line, duplicateOfLine: earlier });
      continue;
    }
    firstLineOf.set(key, line);
    result.accepted.push({ text: row.text, category: row.category, sourceId: row.sourceId, line });
  }
  return result;
}

type RowResult = { ok: true; text: string; category: string | null; sourceId: string | null } | { ok: false; reason: string };

/** Reads one plain or MT-Bench instruction row (the rules of `parseInstructionFile`). */
export function readInstructionRow(value: unknown, format: InstructionFormat, maxLength: number): RowResult {
  if (!isPlainObject(value)) return { ok: false, reason: `expected a JSON object, found ${describeType(value)}` };
  const found = findText(value, format);
  if (!found.ok) return found;
  const text = found.text.trim();
  if (!text) return { ok: false, reason: `${found.field} is empty` };
  const unstorable = unstorableText(text);
  if (unstorable) return { ok: false, reason: `${found.field} ${unstorable}` };
  const length = codePointLength(text);
  if (length > maxLength) {
    return { ok: false, reason: `${found.field} is ${length} characters long, over the limit of ${maxLength}` };
  }
  let category: string | null = null;
  if (value.category !== undefined && value.category !== null) {
    if (typeof value.category !== 'string') {
      return { ok: false, reason: `field "category" must be a string, found ${describeType(value.category)}` };
    }
    category = value.category.trim() || null;
  }
  const idField = value.question_id !== undefined && value.question_id !== null ? 'question_id' : 'id';
  const id = readOptionalId(value, idField);
  if (!id.ok) return id;
  return { ok: true, text, category, sourceId: id.value };
}

type FoundText = { ok: true; field: string; text: string } | { ok: false; reason: string };

function findText(row: Record<string, unknown>, format: InstructionFormat): FoundText {
  const allowPlain = format !== 'mtbench';
  const allowTurns = format !== 'jsonl';
  if (allowPlain) {
    for (const field of INSTRUCTION_TEXT_FIELDS) {
      const v = row[field];
      if (v === undefined) continue;
      if (typeof v !== 'string') return { ok: false, reason: `field "${field}" must be a string, found ${describeType(v)}` };
      return { ok: true, field: `field "${field}"`, text: v };
    }
  }
  if (allowTurns && row.turns !== undefined) {
    const turns = row.turns;
    if (!Array.isArray(turns) || turns.length === 0) {
      return { ok: false, reason: `field "turns" must be a non-empty array of strings, found ${Array.isArray(turns) ? 'an empty array' : describeType(turns)}` };
    }
    const first: unknown = turns[0];
    if (typeof first !== 'string') return { ok: false, reason: `the first turn must be a string, found ${describeType(first)}` };
    return { ok: true, field: 'first turn', text: first };
  }
  const names = [...(allowPlain ? INSTRUCTION_TEXT_FIELDS.map((f) => `"${f}"`) : []), ...(allowTurns ? ['"turns"'] : [])];
  let reason = `missing the instruction text: expected a field ${names.join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
  if (format === 'jsonl' && row.turns !== undefined) reason += ' (the row has "turns": use format mtbench or auto)';
  if (format === 'mtbench' && INSTRUCTION_TEXT_FIELDS.some((f) => row[f] !== undefined)) reason += ' (use format jsonl or auto for plain rows)';
  return { ok: false, reason };
}
