/**
 * Large instruction pools from a file on disk (an upload streamed to a temporary file): plain
 * instruction rows or WildChat-style conversation rows, as JSONL or Parquet. Rows are read one at a
 * time (Parquet a row group at a time, only the columns needed), so memory holds the accepted
 * instructions, never the file. All or nothing: any rejected row (reported with its 1-based row or
 * line number and reason, the first 100) means nothing is stored. Duplicates (same normalised text)
 * are dropped and reported; conversation rows outside the filters are skipped and counted by reason.
 * `onProgress` is called every `PROGRESS_EVERY` rows.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ExperimentRow } from '../../db/schema.js';
import { badInput } from '../../domain/errors.js';
import { normalizeText } from '../../domain/prompts.js';
import type { ExperimentService, ImportInstructionsResult } from '../experiments/experiments.js';
import { MAX_SOURCE_LENGTH } from '../experiments/experiments.js';
import { readConversationRow } from './conversations.js';
import type { ConversationOptions } from './conversations.js';
import { readInstructionRow } from './instructions.js';
import { parquetRows, ParquetFormatError } from './parquet.js';

export const POOL_FORMATS = ['WILDCHAT_PARQUET', 'WILDCHAT_JSONL', 'PARQUET', 'JSONL'] as const;
export type PoolFormat = (typeof POOL_FORMATS)[number];

export const PROGRESS_EVERY = 5_000;
/** ImportInstructionsResult.rejected lists at most this many lines. */
export const MAX_REPORTED = 100;
const CONVERSATION_COLUMNS = ['conversation_hash', 'conversation', 'turn', 'language', 'toxic', 'redacted'];
const INSTRUCTION_COLUMNS = ['instruction', 'prompt', 'text', 'turns', 'category', 'id', 'question_id'];

export type PoolImportResult = ImportInstructionsResult & {
  /** Rows (lines or Parquet rows) read. */
  rows: number;
  /** Conversation rows (or turns) left out by a filter, by reason. */
  skipped: Record<string, number>;
};

type RowOrError = { row: number; value: unknown } | { row: number; error: string };

export type PoolOptions = Omit<ConversationOptions, 'maxLength'>;

export async function importPool(
  experiments: ExperimentService,
  experiment: ExperimentRow,
  file: { path: string; format: PoolFormat },
  options: PoolOptions,
  context: { source: string | null; maxLength: number; onProgress?: (rows: number) => void },
): Promise<PoolImportResult> {
  if (context.source !== null && context.source.length > MAX_SOURCE_LENGTH) throw badInput('source', `must be at most ${MAX_SOURCE_LENGTH} characters`);
  const conversations = file.format.startsWith('WILDCHAT');
  const rows = file.format.endsWith('PARQUET') ? parquetSource(file.path, conversations ? CONVERSATION_COLUMNS : INSTRUCTION_COLUMNS) : jsonlSource(file.path);
  const conversationOptions = { ...options, maxLength: context.maxLength };
  const accepted: { text: string; category: string | null; sourceId: string | null; line: number }[] = [];
  const duplicates: ImportInstructionsResult['duplicates'] = [];
  const rejected: { line: number; reason: string }[] = [];
  const skipped: Record<string, number> = {};
  const firstLineOf = new Map<string, number>();
  let count = 0;
  for await (const item of rows) {
    count += 1;
    if (count % PROGRESS_EVERY === 0) context.onProgress?.(count);
    const reject = (reason: string) => rejected.length < MAX_REPORTED && rejected.push({ line: item.row, reason });
    if ('error' in item) {
      reject(item.error);
      continue;
    }
    let found: { text: string; category: string | null; sourceId: string | null }[];
    if (conversations) {
      const read = readConversationRow(item.value, conversationOptions);
      if (!read.ok) {
        reject(read.reason);
        continue;
      }
      if (read.skipped) skipped[read.skipped] = (skipped[read.skipped] ?? 0) + 1;
      found = read.instructions.map((i) => ({ ...i, category: null }));
    } else {
      const read = readInstructionRow(item.value, 'auto', context.maxLength);
      if (!read.ok) {
        reject(read.reason);
        continue;
      }
      found = [read];
    }
    // After a rejected row nothing will be stored: keep reading only to report the other bad rows.
    if (rejected.length > 0) continue;
    for (const instruction of found) {
      const key = normalizeText(instruction.text);
      const earlier = firstLineOf.get(key);
      if (earlier !== undefined) {
        duplicates.push({ line: item.row, duplicateOfLine: earlier });
        continue;
      }
      firstLineOf.set(key, item.row);
      accepted.push({ ...instruction, line: item.row });
    }
  }
  context.onProgress?.(count);
  if (rejected.length > 0) {
    return { accepted: 0, duplicates, rejected, excluded: 0, stored: false, instructionCount: await experiments.instructionCount(experiment.id), rows: count, skipped };
  }
  const stored = await experiments.storeAccepted(experiment, accepted, duplicates, context.source);
  return { ...stored, rows: count, skipped };
}

async function* parquetSource(path: string, columns: readonly string[]): AsyncGenerator<RowOrError> {
  try {
    for await (const { row, value } of parquetRows({ path }, { columns })) yield { row, value };
  } catch (error) {
    if (!(error instanceof ParquetFormatError)) throw error;
    // A file-level problem is reported as row 0 ("the whole file"), like an unreadable JSON array.
    yield { row: 0, error: error.message };
  }
}

async function* jsonlSource(path: string): AsyncGenerator<RowOrError> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row += 1;
    if (!line.trim()) continue;
    try {
      yield { row, value: JSON.parse(line) as unknown };
    } catch (error) {
      yield { row, error: `not valid JSON: ${(error as Error).message}` };
    }
  }
}
