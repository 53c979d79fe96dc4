/**
 * An import of 160,000 distinct instructions, inside the body limit: every lookup and insert is
 * chunked under PostgreSQL's 65,535 bind parameters (one parameter a line would already be more),
 * and nothing spreads a whole file into a call (Node 20 here throws "Maximum call stack size
 * exceeded" for `f(...array)` from about 150,000 elements on; 300,000 lines took a minute a database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const LINES = 160_000;

describe.skipIf(NO_DATABASE)(`an import of ${LINES} lines (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('stores every distinct line, then finds every one a duplicate on the second import', { timeout: 480_000 }, async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "big") { id } }')).createExperiment.id;
    const content = Array.from({ length: LINES }, (_, i) => JSON.stringify({ text: `Instruction ${i}: say ${i}.` })).join('\n');
    const query = `mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content, format: JSONL) {
      accepted excluded stored instructionCount duplicates { line } rejected { line } } }`;
    type Result = { accepted: number; excluded: number; stored: boolean; instructionCount: number; duplicates: { line: number }[]; rejected: unknown[] };
    const first = await app.gql<{ importInstructions: Result }>(query, { id, content });
    expect(first.errors).toBeUndefined();
    expect(first.data!.importInstructions).toMatchObject({ accepted: LINES, excluded: 0, stored: true, instructionCount: LINES, rejected: [] });
    expect(first.data!.importInstructions.duplicates).toHaveLength(0);
    const second = dataOf(await app.gql<{ importInstructions: Result }>(query, { id, content })).importInstructions;
    expect(second).toMatchObject({ accepted: 0, stored: false, instructionCount: LINES });
    expect(second.duplicates).toHaveLength(LINES);
  });
});
