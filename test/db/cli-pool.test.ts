import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { wildChatParquet, wildChatRows } from '../helpers/wildchat.js';

describe.skipIf(NO_DATABASE)(`ste import pool (${TEST_DB})`, () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp();
    dir = await mkdtemp(path.join(tmpdir(), 'ste-pool-'));
  });
  afterAll(async () => {
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const experiment = async () => dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "pool") { id } }')).createExperiment.id;

  it('uploads a WildChat Parquet file with progress on stderr and the counts on stdout', async () => {
    const id = await experiment();
    const file = path.join(dir, 'wildchat.parquet');
    const rows = wildChatRows(6_000);
    await writeFile(file, wildChatParquet(rows));
    const run = await runCli(['import', 'pool', file, '--experiment', id, '--format', 'wildchat-parquet', '--languages', 'English'], app.url);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${file}: 5,000 rows read`);
    // The service's rules, counted here: flags first, then the language.
    const skipped = new Map<string, number>();
    let accepted = 0;
    for (const r of rows) {
      const why = r.toxic ? 'flagged toxic' : r.redacted ? 'flagged redacted' : r.language !== 'English' ? `language ${r.language}` : null;
      if (why) skipped.set(why, (skipped.get(why) ?? 0) + 1);
      else accepted += 1;
    }
    const n = (x: number) => x.toLocaleString('en-US');
    const skippedText = [...skipped].map(([why, c]) => `${n(c)} ${why}`).join(', ');
    expect(run.stdout.trim()).toBe(
      `imported ${n(accepted)} instructions from 6,000 rows of ${file} into experiment ${id}: 0 duplicates dropped, skipped ${skippedText}, 0 kept out of training (in a benchmark); the experiment has ${n(accepted)} instructions`,
    );
  });

  it('lists rejected rows with their numbers, exits 1 and stores nothing', async () => {
    const id = await experiment();
    const file = path.join(dir, 'bad.jsonl');
    const rows = wildChatRows(5).map((r) => JSON.stringify(r));
    rows[3] = '{"conversation": [{"role": "user"}]}';
    await writeFile(file, rows.join('\n'));
    const run = await runCli(['import', 'pool', file, '--experiment', id, '--format', 'wildchat-jsonl', '--json'], app.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`ste: ${file}: 1 row rejected, nothing stored`);
    expect(run.stderr).toContain('  row 4: turn 1 must be an object with a string "role" and "content"');
    const count = dataOf(await app.gql<{ experiment: { instructionCount: number } }>('query ($id: ID!) { experiment(id: $id) { instructionCount } }', { id }));
    expect(count.experiment.instructionCount).toBe(0);
    const missing = await runCli(['import', 'pool', path.join(dir, 'missing.parquet'), '--experiment', id, '--format', 'parquet'], app.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`ste: cannot read ${path.join(dir, 'missing.parquet')}: ENOENT`);
  });
});
