/**
 * A worker's build of an iteration's reasoning index (services/read/reasoning-indexes.ts) does not
 * hold up its stop: the build, CREATE INDEX CONCURRENTLY, here kept waiting by a transaction that
 * wrote to the judgments table, is cancelled at once; the index it leaves invalid is dropped and
 * built again by the next sweep. PostgreSQL only (no index is built on PGlite).
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { ReasoningIndexes } from '../../src/services/read/reasoning-indexes.js';
import { dataOf, eventually, NO_DATABASE, stageReader, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const INSTRUCTIONS = Array.from({ length: 4 }, (_, i) => JSON.stringify({ instruction: `Name ${i + 2} uses of a paper clip.` })).join('\n');

describe.skipIf(NO_DATABASE || TEST_DB !== 'postgres')('stopping a worker while it builds a reasoning index', () => {
  let app: TestApp;
  let iterationId: number;
  beforeAll(async () => {
    // The app's own workers build none (0): the test's ReasoningIndexes does.
    app = await startTestApp({ SEARCH_INDEX_MIN_JUDGMENTS: '0' });
    const { waitFor } = stageReader<{ status: string }>(() => app, 'status');
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "stop", config: { samplesPerOrder: 1 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: INSTRUCTIONS }));
    await waitFor(dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id, 'SUCCEEDED');
    iterationId = Number(dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id);
    await waitFor(dataOf(await app.gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: String(iterationId) })).judgePairs.id, 'SUCCEEDED');
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
  });

  const indexState = async () => {
    const [row] = await queryRows<{ valid: boolean }>(app.database.db, sql`select x.indisvalid as valid from pg_class c join pg_index x on x.indexrelid = c.oid where c.relname = ${`judgments_reasoning_search_${iterationId}`}`);
    return row === undefined ? 'missing' : row.valid ? 'valid' : 'invalid';
  };
  const buildsRunning = async () =>
    Number((await queryRows<{ n: string }>(app.database.db, sql`select count(*) as n from pg_stat_activity where query like 'create index concurrently if not exists judgments_reasoning_search_%' and state = 'active'`))[0]!.n);

  it('cancels the build at once, and the next sweep builds the index', async () => {
    // A writer's open transaction: CREATE INDEX CONCURRENTLY waits for it to end.
    const writer = new pg.Client({ connectionString: process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${(await queryRows<{ db: string }>(app.database.db, sql`select current_database() as db`))[0]!.db}`) });
    await writer.connect();
    try {
      await writer.query('begin');
      await writer.query('update judgments set selected = selected where id = (select min(id) from judgments)');
      const indexes = new ReasoningIndexes(app.database, 1, 0, createLogger('silent'));
      const sweep = indexes.sweep();
      await eventually(async () => ((await buildsRunning()) === 1 ? true : undefined), 10_000, 50);
      const started = performance.now();
      await indexes.stop();
      await sweep; // ended without an error: a cancelled build is no failure
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await buildsRunning()).toBe(0);
      expect(await indexState()).toBe('invalid');
      // Stopped, it starts nothing more.
      await indexes.sweep();
      expect(await indexState()).toBe('invalid');
    } finally {
      await writer.query('rollback').catch(() => {});
      await writer.end();
    }
    // Another worker's sweep drops the invalid index and builds it.
    const next = new ReasoningIndexes(app.database, 1, 0, createLogger('silent'));
    await next.sweep();
    expect(await indexState()).toBe('valid');
    await next.stop();
  });
});
