import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { isParquet, ParquetFormatError, parquetInfo, parquetRows } from '../../src/services/imports/parquet.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ste-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(rows: number): Uint8Array {
  const long = 'x'.repeat(100_000);
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 10_000_000_000n), type: 'INT64' },
        { name: 'prompt', data: Array.from({ length: rows }, (_, i) => (i === 2 ? long : `question ${i}`)), type: 'STRING' },
        { name: 'subset', data: Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? null : 'chat')), type: 'STRING', nullable: true },
        { name: 'turns', data: Array.from({ length: rows }, (_, i) => [{ role: 'user', content: `q${i}` }]), type: 'JSON' },
      ],
      rowGroupSize: 4,
    }),
  );
}

async function all(source: Parameters<typeof parquetRows>[0], columns?: string[]) {
  const out = [];
  for await (const row of parquetRows(source, { columns })) out.push(row);
  return out;
}

describe('parquetRows', () => {
  it('reads every row in order across row groups, with row numbers, nulls, long strings and 64-bit ids', async () => {
    const bytes = file(10);
    expect(isParquet(bytes)).toBe(true);
    expect(await parquetInfo(bytes)).toEqual({ rows: 10, rowGroups: 3, columns: ['id', 'prompt', 'subset', 'turns'] });
    const rows = await all(bytes);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows[0]!.value).toEqual({ id: 0, prompt: 'question 0', subset: null, turns: [{ role: 'user', content: 'q0' }] });
    expect(rows[1]!.value.id).toBe(10_000_000_000);
    expect((rows[2]!.value.prompt as string).length).toBe(100_000);
    expect(rows[9]!.value).toEqual({ id: 90_000_000_000, prompt: 'question 9', subset: null, turns: [{ role: 'user', content: 'q9' }] });
  });

  it('reads a file from disk in ranges, and only the columns asked for', async () => {
    const p = path.join(dir, 'f.parquet');
    writeFileSync(p, file(6));
    const rows = await all({ path: p }, ['prompt', 'nope']);
    expect(rows.map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ prompt: i === 2 ? 'x'.repeat(100_000) : `question ${i}` })));
  });

  it('names a file that is not Parquet, or is cut short', async () => {
    const text = new TextEncoder().encode('{"prompt": "a"}\n{"prompt": "b"}\n');
    expect(isParquet(text)).toBe(false);
    await expect(all(text)).rejects.toThrow(new ParquetFormatError('not a Parquet file: it does not begin and end with PAR1 (a truncated upload, or another format)'));
    const bytes = file(10);
    await expect(all(bytes.subarray(0, bytes.length - 100))).rejects.toThrow(ParquetFormatError);
    await expect(all(new Uint8Array(5))).rejects.toThrow('not a Parquet file: 5 bytes is too short');
  });
});
