import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../src/services/read/exports.js';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';

const TWELVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12).join('\n');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Iteration = { id: string; index: number; stats: { judgments: number; selected: number } };

describe.skipIf(NO_DATABASE)(`iteration exports over HTTP (${TEST_DB})`, () => {
  let app: TestApp;
  let experimentId: string;
  let done: Iteration;
  let unselected: Iteration;
  const get = (path: string) => fetch(app.url.replace('/graphql', path));

  beforeAll(async () => {
    app = await startTestApp();
    experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "exports", config: { samplesPerOrder: 1, seed: 2 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id: experimentId, c: TWELVE }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id: experimentId }));
    await eventually(async () => {
      const { experiment } = dataOf(await app.gql<{ experiment: { loop: { status: string } } }>('query ($id: ID!) { experiment(id: $id) { loop { status } } }', { id: experimentId }));
      return experiment.loop.status === 'RUNNING' ? undefined : expect(experiment.loop.status).toBe('SUCCEEDED');
    }, 120_000, 200);
    dataOf(await app.gql('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id: experimentId }));
    const { experiment } = dataOf(await app.gql<{ experiment: { iterations: Iteration[] } }>(
      'query ($id: ID!) { experiment(id: $id) { iterations { id index stats { judgments selected } } } }',
      { id: experimentId },
    ));
    [done, unselected] = [experiment.iterations.find((i) => i.index === 1)!, experiment.iterations.find((i) => i.index === 2)!];
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('names the file after the experiment, the iteration and the format', async () => {
    const response = await get(`/exports/iterations/${done.id}/openai-sft.jsonl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="experiment-${experimentId}-iteration-1-openai-sft.jsonl"`);
    expect((await response.text()).split('\n').filter(Boolean)).toHaveLength(done.stats.selected);
    expect(done.stats.selected).toBeGreaterThan(0);
    const judgments = await get(`/exports/iterations/${done.id}/judgments.jsonl`);
    expect(judgments.headers.get('content-disposition')).toBe(`attachment; filename="experiment-${experimentId}-iteration-1-judgments.jsonl"`);
    await judgments.body?.cancel();
  });

  it('gives every judgment its created_at in ISO-8601, UTC', async () => {
    const lines = (await (await get(`/exports/iterations/${done.id}/judgments.jsonl`)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { created_at: string });
    expect(lines).toHaveLength(done.stats.judgments);
    for (const line of lines) expect(line.created_at).toMatch(ISO);
    expect(Math.abs(Date.parse(lines[0]!.created_at) - Date.now())).toBeLessThan(3_600_000);
  });

  it.each(['openai-sft', 'openai-dpo', 'trl-sft', 'trl-dpo'])('refuses %s training data of an iteration whose selection has not run with 409 and the reason', async (format) => {
    const response = await get(`/exports/iterations/${unselected.id}/${format}.jsonl`);
    expect(response.status).toBe(409);
    expect(response.headers.get('content-disposition')).toBeNull();
    expect(await response.json()).toEqual({
      code: 'CONFLICT',
      error: `iteration ${unselected.id} has no ${format} training data yet: its judgments have not been selected (selectJudgments makes it, once the JUDGE stage has succeeded)`,
    });
  });

  it('still exports the judgments of that iteration (none yet)', async () => {
    const response = await get(`/exports/iterations/${unselected.id}/judgments.jsonl`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers 404 for an unknown iteration or evaluation, and 400 for a bad id or format', async () => {
    const missing = await get('/exports/iterations/999999/openai-sft.jsonl');
    expect([missing.status, await missing.json()]).toEqual([404, { code: 'NOT_FOUND', error: 'iterationId: no iteration with id 999999' }]);
    const evaluation = await get('/exports/evaluations/999999/verdicts.jsonl');
    expect(evaluation.status).toBe(404);
    expect(((await evaluation.json()) as { code: string }).code).toBe('NOT_FOUND');
    const badId = await get('/exports/iterations/abc/openai-sft.jsonl');
    expect([badId.status, await badId.json()]).toEqual([400, { code: 'BAD_USER_INPUT', error: 'iterationId: "abc" is not a valid id' }]);
    const badFormat = await get(`/exports/iterations/${done.id}/csv.jsonl`);
    expect(badFormat.status).toBe(400);
  });

  it('makes `ste export` exit 1 with the reason for an iteration whose selection has not run', async () => {
    const run = await runCli(['export', unselected.id, '--format', 'openai-sft'], app.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^ste: GET http://\\S+/exports/iterations/${unselected.id}/openai-sft\\.jsonl failed: HTTP 409: iteration ${unselected.id} has no openai-sft training data yet: its judgments have not been selected .*\\n$`),
    );
  });

  it.each(['judgments', 'openai-sft', 'openai-dpo', 'trl-sft', 'trl-dpo', 'dpo-config'])('gives %s as Parquet too, read back equal to the JSONL export row by row', async (format) => {
    const jsonl = (await (await get(`/exports/iterations/${done.id}/${format}.jsonl`)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const response = await get(`/exports/iterations/${done.id}/${format}.parquet`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="experiment-${experimentId}-iteration-1-${format}.parquet"`);
    const file = await response.arrayBuffer();
    // One sample per order leaves no correct-and-incorrect pair for DPO: those two are empty here (still a valid file).
    expect(jsonl.length > 0).toBe(!format.endsWith('-dpo'));
    expect(Number(parquetMetadata(file).num_rows)).toBe(jsonl.length);
    const rows = await parquetReadObjects({ file });
    expect(rows).toHaveLength(jsonl.length);
    rows.forEach((row, i) => expect([i, row]).toEqual([i, jsonl[i]]));
  });

  it('refuses Parquet as it refuses JSON lines: 409 before selection, 400 for an unknown format, and writes it from `ste export --parquet`', async () => {
    const early = await get(`/exports/iterations/${unselected.id}/openai-sft.parquet`);
    expect([early.status, early.headers.get('content-disposition'), ((await early.json()) as { code: string }).code]).toEqual([409, null, 'CONFLICT']);
    const empty = await get(`/exports/iterations/${unselected.id}/judgments.parquet`);
    expect(await parquetReadObjects({ file: await empty.arrayBuffer() })).toEqual([]);
    const badFormat = await get(`/exports/iterations/${done.id}/csv.parquet`);
    expect([badFormat.status, ((await badFormat.json()) as { error: string }).error]).toEqual([400, 'format: unknown export format "csv": use one of openai-sft, openai-dpo, trl-sft, trl-dpo, judgments, dpo-config']);

    const dir = mkdtempSync(path.join(tmpdir(), 'ste-export-'));
    try {
      const out = path.join(dir, 'judgments.parquet');
      const { STE_TOKEN: _token, ...env } = process.env;
      // Through a shell redirect, as an operator writes the file (the server runs in this process: not execFileSync).
      const { stdout: stderr } = await promisify(execFile)('sh', ['-c', `"${process.execPath}" bin/ste.js export ${done.id} --format judgments --parquet > "${out}" 2> "${out}.err"; cat "${out}.err"`], { env: { ...env, STE_URL: app.url }, encoding: 'utf8' });
      const bytes = readFileSync(out);
      expect(stderr).toBe(`exported judgments of iteration ${done.id} as Parquet (${bytes.length.toLocaleString('en-US')} bytes)\n`);
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
      expect(rows).toHaveLength(done.stats.judgments);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an unknown id as NOT_FOUND in GraphQL too', async () => {
    const response = await app.gql('mutation { judgePairs(iterationId: "999999") { id } }');
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'iterationId' });
  });
});

describe(isoTimestamp.name, () => {
  it('reads a Date and PostgreSQL text in any offset, and refuses anything else', () => {
    expect(isoTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02T03:04:05.678Z');
    expect(isoTimestamp('2026-01-02 03:04:05.678901+00')).toBe('2026-01-02T03:04:05.678Z');
    expect(isoTimestamp('2026-01-02 08:34:05+05:30')).toBe('2026-01-02T03:04:05.000Z');
    expect(isoTimestamp(null)).toBeNull();
    expect(() => isoTimestamp('yesterday')).toThrow('not a timestamp: yesterday');
  });
});
