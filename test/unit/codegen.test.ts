import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { GENERATED_SCHEMA_TYPES } from '../../codegen.js';

describe('generated GraphQL types', () => {
  it('are current with schema.graphql (run `npm run codegen` after changing the schema)', async () => {
    const outputs: { filename: string; content: string }[] = await generate({ ...config, silent: true }, false);
    expect(outputs.map((o) => o.filename)).toEqual([GENERATED_SCHEMA_TYPES]);
    const stored = await readFile(GENERATED_SCHEMA_TYPES, 'utf8');
    // Compared whole: a stale file fails here, with the difference in the report.
    expect(stored).toBe(outputs[0]!.content);
  }, 60_000);
});
