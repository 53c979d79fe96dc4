/** Exports as Parquet: JSON lines in, a file hyparquet reads back row by row, one row group per ROW_GROUP_ROWS. */
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { parquetChunks } from '../../src/services/read/parquet-writer.js';

async function* from(lines: string[]) {
  yield* lines;
}

async function written(lines: string[], rowGroupRows?: number) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of parquetChunks(from(lines), rowGroupRows)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { chunks, file, metadata: parquetMetadata(file) };
}

describe('Parquet exports', () => {
  const rows = Array.from({ length: 25 }, (_, i) => ({
    id: String(i + 1),
    seq: i + 1,
    score: i / 4,
    correct: i % 3 === 0,
    finish_reason: i < 12 ? null : 'stop',
    messages: [{ role: 'user', content: `question ${i} ✓` }, { role: 'assistant', content: '[[A]]' }],
    reasoning: i === 5 ? '' : `reasoning "${i}"\nsecond line`,
  }));

  it('writes one row group per ROW_GROUP_ROWS lines, streamed, and reads back equal to the lines', async () => {
    const { chunks, file, metadata } = await written(rows.map((r) => JSON.stringify(r)), 10);
    // Header and first group, second group, last group, footer: each handed on when written.
    expect(chunks).toHaveLength(4);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
    expect(metadata.schema.slice(1).map((s) => [s.name, s.type, s.converted_type ?? null])).toEqual([
      ['id', 'BYTE_ARRAY', 'UTF8'],
      ['seq', 'DOUBLE', null],
      ['score', 'DOUBLE', null],
      ['correct', 'BOOLEAN', null],
      // No value in the first row group: JSON, which holds whatever comes later.
      ['finish_reason', 'BYTE_ARRAY', 'JSON'],
      ['messages', 'BYTE_ARRAY', 'JSON'],
      ['reasoning', 'BYTE_ARRAY', 'UTF8'],
    ]);
    expect(await parquetReadObjects({ file })).toEqual(rows);
  });

  it('gives a key missing from a line as null, and an empty export as a valid file with no rows', async () => {
    const { file } = await written([JSON.stringify({ a: 'x', b: 1 }), JSON.stringify({ a: 'y' })]);
    expect(await parquetReadObjects({ file })).toEqual([{ a: 'x', b: 1 }, { a: 'y', b: null }]);
    const empty = await written([]);
    expect(Number(empty.metadata.num_rows)).toBe(0);
    expect(await parquetReadObjects({ file: empty.file })).toEqual([]);
  });

  it('refuses a later line with a new key or a value of another type, naming the line and key', async () => {
    const lines = [JSON.stringify({ a: 'x' }), JSON.stringify({ a: 'y' }), JSON.stringify({ a: 'z', extra: 1 })];
    await expect(written(lines, 2)).rejects.toThrow('parquet export: line 3 has the key "extra", which the first 2 lines did not have');
    await expect(written([JSON.stringify({ a: 'x' }), JSON.stringify({ a: 'y' }), JSON.stringify({ a: 3 })], 2)).rejects.toThrow('parquet export: line 3, key "a": 3 is not a STRING');
    await expect(written(['[1, 2]'])).rejects.toThrow('parquet export: line 1 is not a JSON object');
  });
});
