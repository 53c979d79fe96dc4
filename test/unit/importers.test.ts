import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLED_BENCHMARKS, parseBenchmarkFile, parseInstructionFile } from '../../src/services/imports/instructions.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = (path: string): Buffer => readFileSync(root + path);
const lines = (...rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

describe('parseInstructionFile on the bundled question files', () => {
  it('reads all 80 MT-Bench questions with the first turn, category and question_id', () => {
    const r = parseInstructionFile(file('data/instructions/mt-bench-questions.jsonl'), { maxLength: 4000 });
    expect(r.rejected).toEqual([]);
    expect(r.duplicates).toEqual([]);
    expect(r.accepted).toHaveLength(80);
    expect(r.accepted[0]).toEqual({
      text: 'Compose an engaging travel blog post about a recent trip to Hawaii, highlighting cultural experiences and must-see attractions.',
      category: 'writing',
      sourceId: '81',
      line: 1,
    });
    expect(new Set(r.accepted.map((a) => a.category))).toEqual(
      new Set(['writing', 'roleplay', 'reasoning', 'math', 'coding', 'extraction', 'stem', 'humanities']),
    );
    expect(r.accepted.at(-1)?.sourceId).toBe('160');
    // Non-ASCII text survives (question 95 quotes a Chinese poem).
    expect(r.accepted.find((a) => a.sourceId === '95')?.text).toContain('衣带渐宽终不悔');
  });

  it('reads the same file with format mtbench, and as a string', () => {
    const content = file('data/instructions/mt-bench-questions.jsonl');
    const viaBuffer = parseInstructionFile(content, { maxLength: 4000, format: 'mtbench' });
    const viaString = parseInstructionFile(content.toString('utf8'), { maxLength: 4000 });
    expect(viaBuffer.accepted).toHaveLength(80);
    expect(viaString).toEqual(viaBuffer);
  });

  it('rejects MT-Bench with format jsonl, with a hint', () => {
    const r = parseInstructionFile(file('data/instructions/mt-bench-questions.jsonl'), { maxLength: 4000, format: 'jsonl' });
    expect(r.accepted).toEqual([]);
    expect(r.rejected).toHaveLength(80);
    expect(r.rejected[0]!.reason).toMatch(/"instruction", "prompt" or "text".*use format mtbench or auto/);
  });

  it('reads all 80 Vicuna-bench questions', () => {
    const r = parseInstructionFile(file('data/instructions/vicuna-bench-questions.jsonl'), { maxLength: 4000 });
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toHaveLength(80);
    expect(r.accepted[0]).toMatchObject({ text: 'How can I improve my time management skills?', category: 'generic', sourceId: '1' });
  });

  it('reports the longest MT-Bench question against a small limit', () => {
    const r = parseInstructionFile(file('data/instructions/mt-bench-questions.jsonl'), { maxLength: 1000 });
    expect(r.rejected.length).toBeGreaterThan(0);
    expect(r.rejected[0]!.reason).toMatch(/^first turn is \d+ characters long, over the limit of 1000$/);
    expect(r.accepted.length + r.rejected.length).toBe(80);
  });
});

describe('parseInstructionFile on crafted input', () => {
  it('accepts the plain field names, keeps category and id, skips blank lines', () => {
    const content = lines(
      { instruction: '  Write a haiku.  ', category: 'writing', id: 7 },
      '',
      '   ',
      { prompt: 'Sum 2 and 2.', id: 'q-2' },
      { text: 'Name a colour.', category: '' },
    );
    const r = parseInstructionFile(content, { maxLength: 100 });
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toEqual([
      { text: 'Write a haiku.', category: 'writing', sourceId: '7', line: 1 },
      { text: 'Sum 2 and 2.', category: null, sourceId: 'q-2', line: 4 },
      { text: 'Name a colour.', category: null, sourceId: null, line: 5 },
    ]);
  });

  it('gives a specific reason for each bad row', () => {
    const content = lines(
      '{"instruction": "ok"',
      '[1, 2]',
      '"just a string"',
      { question: 'wrong field' },
      { instruction: '   ' },
      { instruction: 42 },
      { instruction: 'x'.repeat(11) },
      { turns: [] },
      { turns: [null] },
      { instruction: 'ok', category: 5 },
      { instruction: 'ok', id: { a: 1 } },
      { instruction: 'nul \u0000 here' },
      '{"instruction": "lone \\ud800 surrogate"}',
    );
    const r = parseInstructionFile(content, { maxLength: 10 });
    expect(r.accepted).toEqual([]);
    const reasons = Object.fromEntries(r.rejected.map((x) => [x.line, x.reason]));
    expect(reasons[1]).toMatch(/^not valid JSON: /);
    expect(reasons[2]).toBe('expected a JSON object, found an array');
    expect(reasons[3]).toBe('expected a JSON object, found a string');
    expect(reasons[4]).toBe('missing the instruction text: expected a field "instruction", "prompt", "text" or "turns"');
    expect(reasons[5]).toBe('field "instruction" is empty');
    expect(reasons[6]).toBe('field "instruction" must be a string, found a number');
    expect(reasons[7]).toBe('field "instruction" is 11 characters long, over the limit of 10');
    expect(reasons[8]).toBe('field "turns" must be a non-empty array of strings, found an empty array');
    expect(reasons[9]).toBe('the first turn must be a string, found null');
    expect(reasons[10]).toBe('field "category" must be a string, found a number');
    expect(reasons[11]).toBe('field "id" must be a string or a number, found an object');
    expect(reasons[12]).toBe('field "instruction" contains a NUL character (U+0000)');
    expect(reasons[13]).toMatch(/unpaired UTF-16 surrogate/);
  });

  it('counts length in code points, not UTF-16 units', () => {
    const r = parseInstructionFile(lines({ instruction: '😀😀😀' }), { maxLength: 3 });
    expect(r.accepted).toHaveLength(1);
  });

  it('deduplicates on normalised text and names the earlier line', () => {
    const content = lines(
      { instruction: 'Explain   recursion.' },
      { instruction: 'Something else' },
      { prompt: 'explain recursion.' },
      { text: 'EXPLAIN RECURSION.' },
      { instruction: 'Ｅxplain recursion.' }, // full-width E: NFKC folds it
    );
    const r = parseInstructionFile(content, { maxLength: 100 });
    expect(r.accepted.map((a) => a.line)).toEqual([1, 2]);
    expect(r.duplicates).toEqual([
      { line: 3, duplicateOfLine: 1 },
      { line: 4, duplicateOfLine: 1 },
      { line: 5, duplicateOfLine: 1 },
    ]);
  });

  it('detects invalid UTF-8 per line in a Buffer and reads the other lines', () => {
    const good = Buffer.from('{"instruction": "fine"}\n', 'utf8');
    const bad = Buffer.concat([Buffer.from('{"instruction": "caf'), Buffer.from([0xe9]), Buffer.from('"}\r\n')]);
    const r = parseInstructionFile(Buffer.concat([good, bad, Buffer.from('{"instruction": "also fine"}\r\n')]), { maxLength: 100 });
    expect(r.accepted.map((a) => [a.line, a.text])).toEqual([
      [1, 'fine'],
      [3, 'also fine'],
    ]);
    expect(r.rejected).toEqual([{ line: 2, reason: 'line is not valid UTF-8 (the file must be UTF-8 encoded)' }]);
  });

  it('ignores a byte-order mark and CRLF line ends', () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text": "a"}\r\n{"text": "b"}\r\n')]);
    const r = parseInstructionFile(content, { maxLength: 100 });
    expect(r.rejected).toEqual([]);
    expect(r.accepted.map((a) => a.text)).toEqual(['a', 'b']);
  });

  it('reads a JSON array, numbering items and saying "item N"', () => {
    const content = JSON.stringify([{ instruction: 'One' }, { turns: ['Two', 'follow-up'], question_id: 2, category: 'c' }, { nope: 1 }, { text: 'one' }], null, 2);
    const r = parseInstructionFile(`  \n${content}`, { maxLength: 100 });
    expect(r.accepted).toEqual([
      { text: 'One', category: null, sourceId: null, line: 1 },
      { text: 'Two', category: 'c', sourceId: '2', line: 2 },
    ]);
    expect(r.rejected).toEqual([{ line: 3, reason: expect.stringMatching(/^item 3: missing the instruction text/) as unknown as string }]);
    expect(r.duplicates).toEqual([{ line: 4, duplicateOfLine: 1 }]);
  });

  it('rejects a whole unparseable JSON array as line 0', () => {
    const r = parseInstructionFile('[{"instruction": "a"},', { maxLength: 100 });
    expect(r.accepted).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.line).toBe(0);
    expect(r.rejected[0]!.reason).toMatch(/^the file is not a valid JSON array: /);
    const notArray = parseInstructionFile('{"instruction": "a"}', { maxLength: 100, format: 'json' });
    expect(notArray.rejected).toEqual([{ line: 0, reason: 'the file must hold a JSON array at the top level, found an object' }]);
    const badBytes = parseInstructionFile(Buffer.concat([Buffer.from('[\n"'), Buffer.from([0xff]), Buffer.from('"]')]), { maxLength: 9 });
    expect(badBytes.rejected).toEqual([{ line: 0, reason: 'the file is not valid UTF-8 (first bad bytes on line 2)' }]);
  });

  it('explains a pretty-printed single object', () => {
    const r = parseInstructionFile(JSON.stringify({ instruction: 'a' }, null, 2), { maxLength: 100 });
    expect(r.rejected).toEqual([{ line: 0, reason: expect.stringMatching(/one JSON object spread over several lines/) as unknown as string }]);
  });

  it('format mtbench refuses plain rows; empty input gives nothing', () => {
    const r = parseInstructionFile(lines({ instruction: 'a' }), { maxLength: 100, format: 'mtbench' });
    expect(r.rejected[0]!.reason).toBe('missing the instruction text: expected a field "turns" (use format jsonl or auto for plain rows)');
    expect(parseInstructionFile('', { maxLength: 1 })).toEqual({ accepted: [], duplicates: [], rejected: [] });
    expect(parseInstructionFile('\n\n', { maxLength: 1 })).toEqual({ accepted: [], duplicates: [], rejected: [] });
  });

  it('throws on a bad maxLength', () => {
    expect(() => parseInstructionFile('', { maxLength: 0 })).toThrow(RangeError);
    expect(() => parseInstructionFile('', { maxLength: 1.5 })).toThrow(RangeError);
  });
});

describe('parseBenchmarkFile on the bundled files', () => {
  const all = Object.values(BUNDLED_BENCHMARKS).flatMap((b) => b.files);

  it('describes six files with RewardBench subset names', () => {
    expect(BUNDLED_BENCHMARKS.llmbar.files.map((f) => [f.path.split('/').pop(), f.subset, f.rows])).toEqual([
      ['natural.json', 'llmbar-natural', 100],
      ['adversarial-neighbor.json', 'llmbar-adver-neighbor', 134],
      ['adversarial-gptinst.json', 'llmbar-adver-GPTInst', 92],
      ['adversarial-gptout.json', 'llmbar-adver-GPTOut', 47],
      ['adversarial-manual.json', 'llmbar-adver-manual', 46],
    ]);
    expect(BUNDLED_BENCHMARKS.llmeval2.files.map((f) => [f.path, f.subset, f.rows])).toEqual([['data/eval/llmeval2/dataset.json', 'llmeval2', 200]]);
  });

  it.each(all.map((f) => [f.subset, f] as const))('imports %s with the documented counts', (_, f) => {
    const r = parseBenchmarkFile(file(f.path), { format: 'llmbar', subset: f.subset });
    expect(r.items.length + r.rejected.length).toBe(f.rows);
    expect(r.items).toHaveLength(f.items);
    expect(r.rejected.map((x) => x.position)).toEqual(f.knownRejected.map((k) => k.position));
    expect(r.items.every((i) => i.subset === f.subset && i.sourceId === null && i.chosen !== i.rejected)).toBe(true);
  });

  it('maps the label to chosen and rejected', () => {
    // First row of adversarial-neighbor.json has label 2; first row of llmeval2 has label 1.
    const raw = JSON.parse(file('data/eval/llmbar/adversarial-neighbor.json').toString('utf8')) as { output_1: string; output_2: string; label: number }[];
    const r = parseBenchmarkFile(file('data/eval/llmbar/adversarial-neighbor.json'), { format: 'llmbar', subset: 'llmbar-adver-neighbor' });
    expect(raw[0]!.label).toBe(2);
    expect(r.items[0]).toMatchObject({ prompt: 'Give three tips for staying healthy.', chosen: raw[0]!.output_2, rejected: raw[0]!.output_1, position: 1 });
  });

  it('keeps a pair that differs only in letter case (adversarial-manual item 40)', () => {
    const r = parseBenchmarkFile(file('data/eval/llmbar/adversarial-manual.json'), { format: 'llmbar', subset: 'llmbar-adver-manual' });
    const item = r.items.find((i) => i.position === 40)!;
    expect(item.chosen.toLowerCase()).toBe(item.rejected.toLowerCase());
    expect(item.chosen).not.toBe(item.rejected);
  });

  it('reports the two bad LLMEval^2 rows', () => {
    const r = parseBenchmarkFile(file('data/eval/llmeval2/dataset.json'), { format: 'llmbar', subset: 'llmeval2' });
    expect(r.rejected).toEqual([
      { position: 58, reason: 'item 58: fields "output_1" and "output_2" are identical' },
      { position: 170, reason: 'item 170: field "output_2" is empty' },
    ]);
  });
});

describe('parseBenchmarkFile on crafted input', () => {
  it('reads RewardBench rows, keeping texts verbatim', () => {
    const content = lines(
      { prompt: 'Q1', chosen: '  good\n', rejected: 'bad', subset: 'mt-bench-hard', id: 30 },
      { prompt: 'Q2', chosen: 'a', rejected: 'b', id: 'x' },
      { prompt: 'Q3', chosen: 'same', rejected: 'same', subset: 's' },
      { prompt: '', chosen: 'a', rejected: 'b', subset: 's' },
      { prompt: 'Q5', chosen: ['a'], rejected: 'b', subset: 's' },
      { prompt: 'Q6', rejected: 'b', subset: 's' },
      { prompt: 'Q7', chosen: 'a', rejected: 'b', subset: 7 },
      'not json',
    );
    const r = parseBenchmarkFile(content, { format: 'rewardbench' });
    expect(r.items).toEqual([{ prompt: 'Q1', chosen: '  good\n', rejected: 'bad', subset: 'mt-bench-hard', sourceId: '30', position: 1 }]);
    expect(r.rejected).toEqual([
      { position: 2, reason: 'missing the subset: no field "subset" in the row and no subset option' },
      { position: 3, reason: 'fields "chosen" and "rejected" are identical' },
      { position: 4, reason: 'field "prompt" is empty' },
      { position: 5, reason: 'field "chosen" must be a string, found an array' },
      { position: 6, reason: 'missing field "chosen"' },
      { position: 7, reason: 'field "subset" must be a string, found a number' },
      { position: 8, reason: expect.stringMatching(/^not valid JSON/) as unknown as string },
    ]);
    const withDefault = parseBenchmarkFile(content, { format: 'rewardbench', subset: 'mine' });
    expect(withDefault.items.map((i) => [i.position, i.subset])).toEqual([
      [1, 'mt-bench-hard'],
      [2, 'mine'],
    ]);
  });

  it('rejects LLMBar labels other than the number 1 or 2', () => {
    const rows = [0, 3, '1', null, 1.5, undefined].map((label) => ({ input: 'q', output_1: 'a', output_2: 'b', label }));
    const r = parseBenchmarkFile(JSON.stringify(rows), { format: 'llmbar', subset: 's' });
    expect(r.items).toEqual([]);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'item 1: field "label" must be the number 1 or 2 (the better output), found 0',
      'item 2: field "label" must be the number 1 or 2 (the better output), found 3',
      'item 3: field "label" must be the number 1 or 2 (the better output), found "1"',
      'item 4: field "label" must be the number 1 or 2 (the better output), found null',
      'item 5: field "label" must be the number 1 or 2 (the better output), found 1.5',
      'item 6: field "label" must be the number 1 or 2 (the better output), found nothing',
    ]);
  });

  it('reads generic pairwise rows through a mapping (e.g. Meta DPO data)', () => {
    const content = lines({ id: 'm1', src: 'Q', tgt_chosen: 'yes', tgt_rejected: 'no', split: 'train' }, { src: 'Q2', tgt_chosen: 'y', tgt_rejected: 'n' });
    const mapping = { prompt: 'src', chosen: 'tgt_chosen', rejected: 'tgt_rejected', subset: 'split', id: 'id' };
    const r = parseBenchmarkFile(content, { format: 'pairwise', mapping, subset: 'meta' });
    expect(r.rejected).toEqual([]);
    expect(r.items).toEqual([
      { prompt: 'Q', chosen: 'yes', rejected: 'no', subset: 'train', sourceId: 'm1', position: 1 },
      { prompt: 'Q2', chosen: 'y', rejected: 'n', subset: 'meta', sourceId: null, position: 2 },
    ]);
  });

  it('reports a whole-file error as position 0', () => {
    expect(parseBenchmarkFile('[{"input": ', { format: 'llmbar', subset: 's' }).rejected).toEqual([
      { position: 0, reason: expect.stringMatching(/^the file is not a valid JSON array/) as unknown as string },
    ]);
  });

  it('throws on unusable options', () => {
    expect(() => parseBenchmarkFile('[]', { format: 'llmbar' })).toThrow(/needs options.subset/);
    expect(() => parseBenchmarkFile('', { format: 'pairwise' })).toThrow(/needs options.mapping/);
    expect(() => parseBenchmarkFile('', { format: 'pairwise', mapping: { prompt: 'a', chosen: 'a', rejected: 'b' } })).toThrow(RangeError);
    expect(() => parseBenchmarkFile('', { format: 'rewardbench', mapping: { prompt: 'a', chosen: 'b', rejected: 'c' } })).toThrow(RangeError);
    expect(() => parseBenchmarkFile('', { format: 'rewardbench', subset: ' ' })).toThrow(RangeError);
  });
});
