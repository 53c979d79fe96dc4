import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { PGBOSS_CONTRACT } from '../../src/queue/leases.js';
import { startQueue } from '../../src/queue/queue.js';
import { freshDatabase, NO_DATABASE, TEST_DB } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/app.js';

/**
 * src/queue/leases.ts writes pg-boss's own job table. This fails when an upgrade of pg-boss renames,
 * retypes or drops a column it uses, or changes the job states or their order.
 */
describe.skipIf(NO_DATABASE)(`the pg-boss tables the leases rely on (${TEST_DB})`, () => {
  let fresh: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    fresh = await freshDatabase();
    database = await openDatabase(fresh.config);
    const queue = await startQueue(database, fresh.url, { expireSeconds: 30 }, createLogger('silent'));
    await queue.stop(0);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('has every column with the type the lease statements use', async () => {
    const [schema, table] = PGBOSS_CONTRACT.table.split('.');
    const { rows } = await database.executeSql(
      `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2`,
      [schema, table],
    );
    const found = Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.data_type)]));
    for (const [column, type] of Object.entries(PGBOSS_CONTRACT.columns)) expect(found[column], `pgboss.job.${column}`).toBe(type);
  });

  it('has the job states in the order the leases compare them', async () => {
    const { rows } = await database.executeSql(
      `select e.enumlabel from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
       where n.nspname = 'pgboss' and t.typname = 'job_state' order by e.enumsortorder`,
    );
    expect(rows.map((r) => r.enumlabel)).toEqual(PGBOSS_CONTRACT.states);
  });
});
