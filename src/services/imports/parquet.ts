/**
 * The one wrapper around the Parquet reader (hyparquet, pure JavaScript; hyparquet-compressors for
 * the codecs beyond snappy). Importers read rows through `parquetRows`: one row group at a time, so
 * memory stays bounded by the largest row group whatever the file's size, with 1-based row numbers
 * for error messages, and values as plain JSON (64-bit integers as numbers when exact, else
 * strings; dates as ISO-8601 strings; binary as base64). A file that is not Parquet, or is
 * truncated or corrupt, is a ParquetFormatError naming what is wrong.
 */
import { open } from 'node:fs/promises';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

export class ParquetFormatError extends Error {
  override readonly name = 'ParquetFormatError';
}

/** Bytes in memory, or the path of a file read in ranges. */
export type ParquetSource = Uint8Array | { path: string };

const MAGIC = 'PAR1';

/** True when the bytes begin and end with Parquet's magic number. */
export function isParquet(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const text = (from: number) => String.fromCharCode(...bytes.subarray(from, from + 4));
  return text(0) === MAGIC && text(bytes.length - 4) === MAGIC;
}

export type ParquetInfo = { rows: number; rowGroups: number; columns: string[] };

export type ParquetRow = { row: number; value: Record<string, unknown> };

/** Reads a file's footer: row count, row groups and top-level column names. */
export async function parquetInfo(source: ParquetSource): Promise<ParquetInfo> {
  return withBuffer(source, async (file) => infoOf(await metadataOf(file)));
}

/**
 * Every row of the file in order, a row group at a time. `columns` limits the columns read (the
 * others are never decoded). Throws ParquetFormatError for an unreadable file or row group.
 */
export async function* parquetRows(source: ParquetSource, options: { columns?: readonly string[] } = {}): AsyncGenerator<ParquetRow> {
  const handle = 'path' in source ? await open(source.path, 'r') : null;
  try {
    const file = handle ? await fileBuffer(handle) : memoryBuffer(source as Uint8Array);
    const metadata = await metadataOf(file);
    const known = new Set(infoOf(metadata).columns);
    const columns = options.columns?.filter((c) => known.has(c));
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors, ...(columns ? { columns: [...columns] } : {}) });
      } catch (cause) {
        throw new ParquetFormatError(`rows ${rowStart + 1} to ${rowEnd} cannot be read: ${(cause as Error).message}`, { cause });
      }
      for (let i = 0; i < rows.length; i += 1) yield { row: rowStart + i + 1, value: toPlain(rows[i]) as Record<string, unknown> };
      rowStart = rowEnd;
    }
  } finally {
    await handle?.close();
  }
}

async function withBuffer<T>(source: ParquetSource, fn: (file: AsyncBuffer) => Promise<T>): Promise<T> {
  if (!('path' in source)) return fn(memoryBuffer(source));
  const handle = await open(source.path, 'r');
  try {
    return await fn(await fileBuffer(handle));
  } finally {
    await handle.close();
  }
}

async function metadataOf(file: AsyncBuffer): Promise<FileMetaData> {
  if (file.byteLength < 12) throw new ParquetFormatError(`not a Parquet file: ${file.byteLength} bytes is too short`);
  const head = new Uint8Array(await file.slice(0, 4));
  const tail = new Uint8Array(await file.slice(file.byteLength - 4));
  if (String.fromCharCode(...head) !== MAGIC || String.fromCharCode(...tail) !== MAGIC) {
    throw new ParquetFormatError('not a Parquet file: it does not begin and end with PAR1 (a truncated upload, or another format)');
  }
  try {
    return await parquetMetadataAsync(file);
  } catch (cause) {
    throw new ParquetFormatError(`the Parquet footer cannot be read: ${(cause as Error).message}`, { cause });
  }
}

function infoOf(metadata: FileMetaData): ParquetInfo {
  // The schema's first element is the root; its direct children are the top-level columns.
  const [root, ...rest] = metadata.schema;
  const columns: string[] = [];
  let i = 0;
  const skip = (): void => {
    const element = rest[i++]!;
    for (let c = 0; c < (element.num_children ?? 0); c += 1) skip();
  };
  for (let c = 0; c < (root?.num_children ?? 0); c += 1) {
    columns.push(rest[i]!.name);
    skip();
  }
  return { rows: Number(metadata.num_rows), rowGroups: metadata.row_groups.length, columns };
}

function memoryBuffer(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end) => {
      const copy = bytes.slice(start, end);
      return copy.buffer.slice(copy.byteOffset, copy.byteOffset + copy.byteLength) as ArrayBuffer;
    },
  };
}

async function fileBuffer(handle: Awaited<ReturnType<typeof open>>): Promise<AsyncBuffer> {
  const { size } = await handle.stat();
  return {
    byteLength: size,
    slice: async (start, end = size) => {
      const length = Math.max(0, end - start);
      const bytes = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(bytes, read, length - read, start + read);
        if (bytesRead === 0) throw new ParquetFormatError(`the file ended at byte ${start + read} of ${size} while reading`);
        read += bytesRead;
      }
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** A decoded value as plain JSON. */
function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
