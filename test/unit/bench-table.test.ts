import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { table } from '../../bench/table.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ste-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the README performance table', () => {
  it('lists every row of every results file with the run it comes from', () => {
    const file = path.join(dir, 'run-a.json');
    writeFileSync(file, JSON.stringify({ started: '2026-12-06T01:00:00.000Z', machine: '2 × cpu', runs: 3, quick: false, rows: [
      { figure: 'Judge stage efficiency', target: '>= 0.95', measured: '0.966', ok: true },
      { figure: 'Two workers', target: 'faster', measured: '5830/s vs 5506/s', ok: false },
    ] }));
    const relative = path.relative('.', file);
    expect(table([file])).toBe(
      [
        '| figure | target | measured | | run |',
        '|---|---|---|---|---|',
        `| Judge stage efficiency | >= 0.95 | 0.966 | met | [run-a](${relative}) |`,
        `| Two workers | faster | 5830/s vs 5506/s | missed | [run-a](${relative}) |`,
        '',
        `- [\`run-a.json\`](${relative}): 2026-12-06, 2 × cpu, median of 3 run(s)`,
        '',
      ].join('\n'),
    );
  });

  it('names a file that is not a benchmark result, and asks for one when none is given', () => {
    const file = path.join(dir, 'other.json');
    writeFileSync(file, '{"rows": 3}');
    expect(() => table([file])).toThrow(`${file}: not a benchmark result (it needs "started", "machine" and "rows", as npm run bench writes them)`);
    expect(() => table([])).toThrow(/name at least one results file/);
  });
});
