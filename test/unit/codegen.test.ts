import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { DASHBOARD_DOCUMENTS, DASHBOARD_OPERATION_TYPES, GENERATED_SCHEMA_TYPES } from '../../codegen.js';

describe('generated GraphQL types', () => {
  it('are current with schema.graphql and the operations (run `npm run codegen` after changing either)', async () => {
    const outputs: { filename: string; content: string }[] = await generate({ ...config, silent: true }, false);
    expect(outputs.map((o) => o.filename).sort()).toEqual(Object.keys(config.generates).sort());
    expect(Object.keys(config.generates)).toEqual(expect.arrayContaining([GENERATED_SCHEMA_TYPES, DASHBOARD_OPERATION_TYPES, DASHBOARD_DOCUMENTS]));
    // Each compared whole with the file of its name: a stale file fails here, with the difference in the report.
    for (const output of outputs) {
      const stored = await readFile(output.filename, 'utf8');
      expect({ file: output.filename, content: stored }).toEqual({ file: output.filename, content: output.content });
    }
  }, 60_000);
});
