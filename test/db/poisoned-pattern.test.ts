/**
 * The poisoned job: an evaluation whose stored verdict pattern the linear matcher refuses (written
 * straight into the database, as a pattern accepted by an older version would be). After a start
 * that picks its jobs up, /healthz answers and the evaluation fails at its first batch (no retry
 * can get past a stored pattern) with a reason naming the pattern.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { dataOf, eventually, freshDatabase, NO_DATABASE, TEST_DB } from '../helpers/app.js';
import type { Gql, TestDatabase } from '../helpers/app.js';

const POISON = 'Output \\(a\\)(?=\\s*$)';

async function start(database: TestDatabase['config'], role: 'api' | 'all'): Promise<App & { gql: Gql }> {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', JOB_EXPIRE_SECONDS: '30' }, ['--role', role]);
  config.database = database;
  const app = await createApp(config, createLogger('silent'), { sweepSeconds: 1 });
  const gql: Gql = async (query, variables) => {
    const response = await fetch(app.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as never;
  };
  return { ...app, gql };
}

// PostgreSQL only: the scenario queues the job from an API-only process, and PGlite serves one process
// with every role (--role api is refused there).
describe.skipIf(NO_DATABASE || TEST_DB === 'pglite')(`a stored verdict pattern the matcher refuses (${TEST_DB})`, () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('fails its evaluation with a clear reason while the restarted server answers', { timeout: 150_000 }, async () => {
    const fresh = await freshDatabase();
    let database = fresh.config;
    if (database.kind === 'pglite') {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ste-poison-'));
      stops.push(async () => rmSync(dir, { recursive: true, force: true }));
      database = { kind: 'pglite', dataDir: dir };
    }
    stops.push(() => fresh.drop());

    // An API-only process queues the evaluation; nothing runs it yet.
    const api = await start(database, 'api');
    const imported = dataOf(await api.gql<{ importBundledBenchmark: { benchmark: { id: string } } }>('mutation { importBundledBenchmark(name: "llmbar") { benchmark { id } } }'));
    const template = { system: '', user: '{question} (a) {answer_a} (b) {answer_b}', verdictA: 'Output \\(a\\)', verdictB: 'Output \\(b\\)' };
    const started = dataOf(
      await api.gql<{ evaluateJudge: { id: string } }>('mutation ($id: ID!, $options: EvaluateOptionsInput) { evaluateJudge(benchmarkId: $id, model: "sim-judge", options: $options) { id } }', {
        id: imported.importBundledBenchmark.benchmark.id,
        options: { judgeTemplate: template, subsets: ['llmbar-adver-GPTOut'] },
      }),
    );
    const id = started.evaluateJudge.id;
    await api.database.executeSql(`update evaluations set options = jsonb_set(options, '{judgeTemplate,verdictA}', to_jsonb($1::text)) where id = $2`, [POISON, Number(id)]);
    await api.stop();

    // The restart: workers pick the job up, and the API answers all along.
    const app = await start(database, 'all');
    stops.push(() => app.stop());
    const health = await fetch(app.url!.replace('/graphql', '/healthz'), { signal: AbortSignal.timeout(1_000) });
    expect(health.status).toBe(200);
    const failed = await eventually(
      async () => {
        const r = await app.gql<{ evaluation: { status: string; error: string | null } }>('query ($id: ID!) { evaluation(id: $id) { status error } }', { id });
        return r.data?.evaluation.status === 'FAILED' ? r.data.evaluation : undefined;
      },
      140_000,
      250,
    );
    // No retry can get past a stored pattern: the first batch fails the stage.
    expect(failed.error).toBe(
      "the stage's judge template cannot be used: verdictA uses lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which is not supported: verdict patterns must be matchable in linear time; start it again with a valid template",
    );
    expect((await fetch(app.url!.replace('/graphql', '/healthz'), { signal: AbortSignal.timeout(1_000) })).status).toBe(200);
  });
});
