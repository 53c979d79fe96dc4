import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { parseBenchmarkUpload } from '../../src/services/imports/benchmark-upload.js';
import { decodeBase64 } from '../../src/services/imports/upload.js';

const LONG = 'A long answer. '.repeat(20_000); // 300,000 characters

type Row = { prompt: string | null; chosen: string | null; rejected: string | null; subset: string | null; id: bigint };

/** A file shaped like RewardBench's published `filtered` split, in row groups of 3. */
function rewardBenchParquet(rows: Row[]): Buffer {
  const column = (name: keyof Row) => rows.map((r) => r[name]);
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'prompt', data: column('prompt'), type: 'STRING', nullable: true },
        { name: 'chosen', data: column('chosen'), type: 'STRING', nullable: true },
        { name: 'chosen_model', data: rows.map(() => 'gpt-4'), type: 'STRING' },
        { name: 'rejected', data: column('rejected'), type: 'STRING', nullable: true },
        { name: 'rejected_model', data: rows.map(() => 'llama-2'), type: 'STRING' },
        { name: 'subset', data: column('subset'), type: 'STRING', nullable: true },
        { name: 'id', data: BigInt64Array.from(rows.map((r) => r.id)), type: 'INT64' },
      ],
      rowGroupSize: 3,
    }),
  );
}

const good = (i: number, subset: string | null = 'alpacaeval-easy'): Row => ({ prompt: `Question ${i}?`, chosen: `Right ${i}`, rejected: `Wrong ${i}`, subset, id: BigInt(i) });

describe(parseBenchmarkUpload.name, () => {
  it('reads RewardBench Parquet across row groups: long strings intact, ids as strings, null subsets from the option', async () => {
    const rows = [good(1), { ...good(2), chosen: LONG }, good(3, null), good(4, 'hep-python'), { ...good(5), id: 9_007_199_254_740_993n }];
    const r = await parseBenchmarkUpload(rewardBenchParquet(rows), { format: 'rewardbench', subset: 'shp' });
    expect(r).toMatchObject({ container: 'parquet', unit: 'row', rejected: [] });
    expect(r.items.map((i) => [i.position, i.subset, i.sourceId])).toEqual([
      [1, 'alpacaeval-easy', '1'],
      [2, 'alpacaeval-easy', '2'],
      [3, 'shp', '3'],
      [4, 'hep-python', '4'],
      [5, 'alpacaeval-easy', '9007199254740993'], // beyond 2^53: kept exact as a string
    ]);
    expect(r.items[1]!.chosen).toBe(LONG);
    expect(r.items[0]).toMatchObject({ prompt: 'Question 1?', chosen: 'Right 1', rejected: 'Wrong 1' });
  });

  it('reports each bad row with its row number and reason, and keeps the good ones', async () => {
    const rows = [good(1), good(2), { ...good(3), rejected: null }, good(4), { ...good(5), rejected: 'Right 5' }, { ...good(6), prompt: '  ' }, good(7, null)];
    const r = await parseBenchmarkUpload(rewardBenchParquet(rows), { format: 'rewardbench' });
    expect(r.items.map((i) => i.position)).toEqual([1, 2, 4]);
    expect(r.rejected).toEqual([
      { position: 3, reason: 'field "rejected" must be a string, found null' },
      { position: 5, reason: 'fields "chosen" and "rejected" are identical' },
      { position: 6, reason: 'field "prompt" is empty' },
      { position: 7, reason: 'missing the subset: no field "subset" in the row and no subset option' },
    ]);
  });

  it('reads Parquet with a pairwise mapping, naming a column the file lacks', async () => {
    const bytes = rewardBenchParquet([good(1), good(2)]);
    const mapped = await parseBenchmarkUpload(bytes, { format: 'pairwise', mapping: { prompt: 'prompt', chosen: 'rejected', rejected: 'chosen', id: 'id' } });
    expect(mapped.items.map((i) => [i.chosen, i.rejected])).toEqual([['Wrong 1', 'Right 1'], ['Wrong 2', 'Right 2']]);
    const missing = await parseBenchmarkUpload(bytes, { format: 'pairwise', mapping: { prompt: 'question', chosen: 'chosen', rejected: 'rejected' } });
    expect(missing.items).toEqual([]);
    expect(missing.rejected).toEqual([1, 2].map((position) => ({ position, reason: 'missing field "question"' })));
  });

  it('rejects a cut-short Parquet file as a whole (position 0), and reads JSONL bytes line by line', async () => {
    const bytes = rewardBenchParquet([good(1), good(2), good(3), good(4)]);
    const cut = Buffer.concat([bytes.subarray(0, 40), bytes.subarray(bytes.length - 30)]);
    const r = await parseBenchmarkUpload(cut, { format: 'rewardbench' });
    expect(r.items).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.position).toBe(0);
    expect(r.rejected[0]!.reason).toMatch(/^the Parquet file cannot be read: /);
    const jsonl = Buffer.from(['{"prompt":"p","chosen":"a","rejected":"b","subset":"shp"}', '{"prompt":"p","chosen":"a"}'].join('\n'));
    const lines = await parseBenchmarkUpload(jsonl, { format: 'rewardbench' });
    expect(lines).toMatchObject({ container: 'jsonl', unit: 'line', rejected: [{ position: 2, reason: 'missing field "rejected"' }] });
    expect(lines.items).toHaveLength(1);
  });
});

describe(decodeBase64.name, () => {
  it('decodes base64 with white space and refuses anything else', () => {
    expect(decodeBase64('UEFS\nMQ==')!.toString()).toBe('PAR1');
    expect(decodeBase64('')!.length).toBe(0);
    expect(decodeBase64('UEFSMQ')).toBeNull(); // not a multiple of 4
    expect(decodeBase64('{"prompt": 1}')).toBeNull();
    expect(decodeBase64('UEF$MQ==')).toBeNull();
  });
});
