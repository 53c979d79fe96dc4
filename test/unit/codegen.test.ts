import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { DASHBOARD_DOCUMENTS, DASHBOARD_OPERATION_TYPES, GENERATED_CLI_OPERATIONS, GENERATED_SCHEMA_TYPES } from '../../codegen.js';

type Output = { filename: string; content: string };

describe('generated GraphQL types', () => {
  it('are all current with schema.graphql and the operations (run `npm run codegen` after changing either)', async () => {
    const outputs: Output[] = await generate({ ...config, silent: true }, false);
    // Every output of codegen.ts is checked: a new entry must be added here, and committed.
    expect(outputs.map((o) => o.filename).sort()).toEqual([DASHBOARD_DOCUMENTS, DASHBOARD_OPERATION_TYPES, GENERATED_CLI_OPERATIONS, GENERATED_SCHEMA_TYPES].sort());
    for (const output of outputs) {
      // Compared whole: a stale file fails here, with the difference in the report.
      expect(await readFile(output.filename, 'utf8'), output.filename).toBe(output.content);
    }
  }, 60_000);

  it("fail to generate when the schema loses a field one of the CLI's operations selects", async () => {
    const schema = await readFile('schema.graphql', 'utf8');
    // `unpricedModels` of Experiment and Stage, read by `ste experiment show` and `ste iteration show`.
    // Each with its one-line description.
    const without = schema.replace(/^ {2}"[^"\n]*"\n {2}unpricedModels: \[String!\]!\n/gm, '');
    expect(without).not.toBe(schema);
    const dir = await mkdtemp(path.join(tmpdir(), 'ste-codegen-'));
    try {
      const file = path.join(dir, 'schema.graphql');
      await writeFile(file, without);
      const run = generate({ schema: file, generates: { [GENERATED_CLI_OPERATIONS]: config.generates[GENERATED_CLI_OPERATIONS]! }, silent: true }, false);
      await expect(run).rejects.toThrow(/Cannot query field "unpricedModels" on type "(Experiment|Stage)"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
