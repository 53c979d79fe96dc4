import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { wildChatParquet, wildChatRows } from '../helpers/wildchat.js';

type Line = { progress?: { rows: number }; result?: Record<string, unknown> & { accepted: number; rows: number; skipped: Record<string, number>; rejected: { line: number; reason: string }[]; duplicates: unknown[]; stored: boolean; instructionCount: number } };

describe.skipIf(NO_DATABASE)(`instruction pools from conversation rows and Parquet (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  const experiment = async () => dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "pool") { id } }')).createExperiment.id;
  const upload = async (id: string, query: string, body: Uint8Array | string) =>
    fetch(app.url.replace('/graphql', `/imports/experiments/${id}/instructions?${query}`), { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
  const lines = async (response: Response): Promise<Line[]> => (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  const resultOf = async (response: Response) => {
    expect(response.status).toBe(200);
    const all = await lines(response);
    return { progress: all.filter((l) => l.progress).map((l) => l.progress!.rows), result: all[all.length - 1]!.result! };
  };
  const texts = async (id: string) =>
    dataOf(await app.gql<{ experiment: { instructions: { edges: { node: { text: string; sourceId: string | null } }[] } } }>(
      'query ($id: ID!) { experiment(id: $id) { instructions(first: 500) { edges { node { text sourceId } } } } }',
      { id },
    )).experiment.instructions.edges.map((e) => e.node);

  it('imports the first user turn of 12,000 WildChat-shaped Parquet rows, skipping toxic and redacted ones, with progress', async () => {
    const id = await experiment();
    const { progress, result } = await resultOf(await upload(id, 'format=WILDCHAT_PARQUET&source=wildchat', wildChatParquet(wildChatRows(12_000))));
    // 1,200 rows are toxic (i % 10 == 9); 480 are redacted (i % 25 == 24), 240 of them also toxic (counted as toxic).
    expect(result.skipped).toEqual({ 'flagged toxic': 1_200, 'flagged redacted': 240 });
    expect(result).toMatchObject({ rows: 12_000, accepted: 10_560, rejected: [], duplicates: [], stored: true, instructionCount: 10_560, excluded: 0 });
    expect(progress).toEqual([5_000, 10_000, 12_000]);
    const first = (await texts(id)).slice(0, 2);
    expect(first).toEqual([
      { text: 'Question 0.1: how would you reason about puzzle number 0?', sourceId: 'h00000000' },
      { text: 'Question 1.1: how would you reason about puzzle number 7?', sourceId: 'h00000001' },
    ]);
  });

  it('takes every user turn with turns=ALL, filters by language and turn count, and drops duplicates', async () => {
    const id = await experiment();
    const rows = wildChatRows(60);
    rows.push({ ...rows[1]!, conversation_hash: 'copy' });
    const { result } = await resultOf(await upload(id, 'format=WILDCHAT_PARQUET&turns=ALL&languages=english,French&minTurns=2', wildChatParquet(rows)));
    // English or French: i % 6 in {0,1,2,5}; 2+ turns: i % 3 != 0; not toxic or redacted.
    const kept = rows.slice(0, 60).map((r, i) => ({ r, i })).filter(({ r, i }) => [0, 1, 2, 5].includes(i % 6) && i % 3 !== 0 && !r.toxic && !r.redacted);
    const turns = kept.reduce((sum, { r }) => sum + r.turn, 0);
    expect(result.accepted).toBe(turns);
    // Row 61 repeats both user turns of row 2.
    expect(result.duplicates).toEqual([{ line: 61, duplicateOfLine: 2 }, { line: 61, duplicateOfLine: 2 }]);
    // Chinese rows are i % 6 == 3: 10 of 60, of which 2 (i = 9, 39) are skipped as toxic first.
    expect(result.skipped['language Chinese']).toBe(8);
    const stored = await texts(id);
    expect(stored).toHaveLength(turns);
    expect(stored.find((s) => s.text.startsWith('Question 1.2:'))).toEqual({ text: 'Question 1.2: how would you reason about puzzle number 8?', sourceId: 'h00000001#2' });

    // The same rows as JSONL: everything is already in the experiment.
    const again = await resultOf(await upload(id, 'format=WILDCHAT_JSONL&turns=ALL&languages=English,French&minTurns=2', rows.map((r) => JSON.stringify(r)).join('\n')));
    expect(again.result).toMatchObject({ accepted: 0, stored: false, instructionCount: turns });
    expect(again.result.duplicates).toHaveLength(turns + 2);
  });

  it('reports a bad row with its row number and stores nothing', async () => {
    const id = await experiment();
    const rows = wildChatRows(30).map((r) => JSON.stringify(r));
    rows.splice(16, 1, JSON.stringify({ conversation_hash: 'bad', conversation: 'hello' }));
    const { result } = await resultOf(await upload(id, 'format=WILDCHAT_JSONL', rows.join('\n')));
    expect(result.rejected).toEqual([{ line: 17, reason: 'field "conversation" must be an array of turns, found a string' }]);
    expect(result).toMatchObject({ accepted: 0, stored: false, instructionCount: 0 });
    expect(await texts(id)).toEqual([]);

    const broken = await resultOf(await upload(id, 'format=WILDCHAT_PARQUET', new TextEncoder().encode('PAR1 this is not parquet at all PAR1')));
    expect(broken.result.rejected).toHaveLength(1);
    expect(broken.result.rejected[0]!.line).toBe(0);
    expect(broken.result.stored).toBe(false);
  });

  it('imports plain instruction rows from Parquet', async () => {
    const id = await experiment();
    const file = new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 'instruction', data: ['Prove that the square root of 2 is irrational.', 'Explain the Monty Hall problem.', 'prove that the square root of 2 is irrational.'], type: 'STRING' },
      { name: 'category', data: ['reasoning', null, null], type: 'STRING' },
    ] }));
    const { result } = await resultOf(await upload(id, 'format=PARQUET', file));
    expect(result).toMatchObject({ rows: 3, accepted: 2, duplicates: [{ line: 3, duplicateOfLine: 1 }], rejected: [], stored: true });
  });

  it('answers bad options and unknown experiments before reading the body', async () => {
    const id = await experiment();
    const bad = await upload(id, 'format=CSV', 'x');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('format: must be one of WILDCHAT_PARQUET, WILDCHAT_JSONL, PARQUET, JSONL, got "CSV"');
    const turns = await upload(id, 'format=JSONL&turns=SOME', 'x');
    expect(turns.status).toBe(400);
    const missing = await upload('999999', 'format=JSONL', 'x');
    expect(missing.status).toBe(404);
  });
});
