import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NO_DATABASE, TEST_DB } from '../helpers/app.js';

const run = promisify(execFile);

// The benchmarks need PostgreSQL and child processes: a tiny run keeps them working. No timing is checked.
describe.skipIf(NO_DATABASE || TEST_DB !== 'postgres')('the benchmark harness', () => {
  it('runs every scenario at quick sizes and writes its results', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-bench-'));
    try {
      const out = path.join(dir, 'results.json');
      await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--skip-promptfoo', '--only', 'efficiency,peers,overhead,memory,queries,pglite,paper,paper-split', '--paper-pairs', '20', '--out', out], { env: process.env, timeout: 240_000 });
      const results = JSON.parse(readFileSync(out, 'utf8')) as { rows: { figure: string; measured: string }[] };
      const figures = results.rows.map((r) => r.figure).join('\n');
      for (const word of ['efficiency', 'plain openai script', 'Judgments stored per second', 'Two worker processes', 'Peak RSS', 'p95', 'PGlite']) expect(figures).toContain(word);
      // the paper-scale scenario at 20 pairs: 20 x 2 orders x 15 samples, every one stored
      expect(figures).toContain('Paper scale: judge stage efficiency, 600 judgments (20 pairs x 2 orders x 15, n=15, 40 requests');
      for (const file of ['openai-sft.jsonl', 'trl-dpo.jsonl']) expect(figures).toContain(`Paper scale: export ${file} (streamed)`);
      // the same with the API and the worker in processes of their own
      expect(figures).toContain('Paper scale, API and worker in two processes: judge stage efficiency, 600 judgments (20 pairs x 2 orders x 15, n=15, 40 requests');
      expect(figures).toContain('Paper scale, API and worker in two processes: API during the stage, first page of 50 judgments and iteration stats, p95');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('measures fan-out with a few subscribers, every judgment delivered once to each', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/fanout.ts', '--judgments', '64', '--subscribers', '1,3', '--runs', '1', '--latency-ms', '10'], {
      env: process.env,
      timeout: 240_000,
    });
    const rows = stdout.split('\n').filter((line) => /^\| \d/.test(line)).map((line) => line.split('|').map((cell) => cell.trim()));
    // | subscribers | stage s | p50 | p99 | max | lost | duplicates | ...
    expect(rows.map((r) => [r[1], r[6], r[7]])).toEqual([
      ['1', '0', '0'],
      ['3', '0', '0'],
    ]);
  }, 300_000);
});
