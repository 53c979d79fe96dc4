/**
 * The reading half of the benchmark importers for uploads: text content (JSONL or a JSON array)
 * or base64 content (bytes: Parquet, detected by its magic number, or UTF-8 JSONL / JSON), turned
 * into raw records with their positions. Parquet is read only through `parquet.ts`.
 *
 * Positions: 1-based line (JSONL), item (JSON array) or row (Parquet) numbers; `unit` says which.
 * A file-level problem (not Parquet after all, cut short, not a JSON array) is `fileError`: then
 * there are no records and nothing may be stored, whatever the bad-row mode.
 */
import { isParquet, parquetRows, ParquetFormatError } from './parquet.js';
import { readRecords } from './records.js';
import type { RawRecord } from './records.js';

/** How `content` is sent: TEXT as is, BASE64 for bytes (required for Parquet, which is binary). */
export type ContentEncoding = 'TEXT' | 'BASE64';

export type UploadRecords = {
  container: 'jsonl' | 'json' | 'parquet';
  /** What a position counts, for messages: "line", "item" or "row". */
  unit: 'line' | 'item' | 'row';
  records: RawRecord[];
  fileError: string | null;
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes base64 content (white space ignored). Returns null when it is not base64: a character
 * outside the alphabet, or a length that is not a multiple of 4.
 */
export function decodeBase64(content: string): Buffer | null {
  const compact = content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

/**
 * Reads uploaded records. With bytes that begin and end with PAR1 the file is Parquet and only
 * `columns` are decoded (a column missing from the file is absent from every row, so the row checks
 * name it; a null is kept, so they say "found null"); otherwise it is JSONL or a JSON array as
 * `readRecords` reads it.
 */
export async function readUpload(content: Buffer | string, columns: readonly string[]): Promise<UploadRecords> {
  if (typeof content !== 'string' && isParquet(content)) return readParquet(content, columns);
  const read = readRecords(content, 'auto');
  return { container: read.isArray ? 'json' : 'jsonl', unit: read.isArray ? 'item' : 'line', records: read.records, fileError: read.fileError };
}

async function readParquet(bytes: Uint8Array, columns: readonly string[]): Promise<UploadRecords> {
  const records: RawRecord[] = [];
  try {
    for await (const { row, value } of parquetRows(bytes, { columns })) records.push({ position: row, value });
  } catch (error) {
    if (!(error instanceof ParquetFormatError)) throw error;
    return { container: 'parquet', unit: 'row', records: [], fileError: `the Parquet file cannot be read: ${error.message}` };
  }
  return { container: 'parquet', unit: 'row', records, fileError: null };
}
