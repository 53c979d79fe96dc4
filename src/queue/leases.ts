/**
 * Leases on pg-boss jobs: the SQL pg-boss 10 lacks for long jobs on short expiry.
 *
 * A running job is leased until `started_on + expire_in` (pg-boss's own expiry instant). The
 * worker holding it renews the lease every third of the lease time (heartbeat); a worker that
 * dies stops renewing, and any live worker hands the job out again once the lease has run out
 * (reclaim), without counting it as a failed try. A lease is identified by the job id and the
 * `started_on` of the fetch that took it, so a worker that lost its job (reclaimed and taken by
 * another) can no longer renew, complete, release or write for it.
 *
 * This is the only module that reads or writes pg-boss's own tables. What it relies on, its
 * `PGBOSS_CONTRACT` below, is checked against the installed pg-boss by test/db/pgboss-contract.test.ts,
 * so an upgrade that changes a column or the order of the job states fails a test, not a worker.
 * pg-boss 11+ keeps job heartbeats itself but needs Node 22; on that runtime renew/reclaim/holds
 * would go (see the README's "Job leases" note).
 */
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.js';
import { queryRows } from '../db/database.js';

/** pg-boss's schema (its default). */
const SCHEMA = 'pgboss';

/**
 * The columns of `pgboss.job` the statements below use, with their types, and the job states in
 * the order of pg-boss's enum (`state < 'completed'` means "not finished").
 */
export const PGBOSS_CONTRACT = {
  table: `${SCHEMA}.job`,
  columns: {
    id: 'uuid',
    name: 'text',
    state: 'USER-DEFINED',
    data: 'jsonb',
    output: 'jsonb',
    started_on: 'timestamp with time zone',
    start_after: 'timestamp with time zone',
    completed_on: 'timestamp with time zone',
    expire_in: 'interval',
  },
  states: ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'],
} as const;

/** One job this process holds. */
export type Lease = { name: string; id: string; startedOn: Date };

/** `started_on` comes back through JavaScript Dates (millisecond precision) while PostgreSQL keeps microseconds. */
const sameStart = (column: string, param: string) =>
  `${column} between ${param} - interval '1 millisecond' and ${param} + interval '1 millisecond'`;

const leaseJson = (leases: readonly Lease[]) =>
  JSON.stringify(leases.map((l) => ({ name: l.name, id: l.id, started: l.startedOn.toISOString() })));

/** Renews the leases for `seconds` from now; returns the ids still held (the others were lost). */
export async function renew(database: Database, leases: readonly Lease[], seconds: number): Promise<Set<string>> {
  if (leases.length === 0) return new Set();
  const { rows } = await database.executeSql(
    `update ${SCHEMA}.job j set expire_in = (now() - j.started_on) + make_interval(secs => $2::float8)
     from json_to_recordset($1::json) as l(name text, id uuid, started timestamptz)
     where j.name = l.name and j.id = l.id and j.state = 'active' and ${sameStart('j.started_on', 'l.started')}
     returning j.id::text as id`,
    [leaseJson(leases), seconds],
  );
  return new Set(rows.map((r) => String(r.id)));
}

/**
 * Makes jobs whose lease ran out (their worker died or lost the database) available at once.
 * `started_on` is cleared so that pg-boss does not count the next fetch as a retry: a crash is
 * not a failure of the job. Returns how many jobs were reclaimed.
 */
export async function reclaimExpired(database: Database, names: readonly string[]): Promise<number> {
  const { rows } = await database.executeSql(
    `with reclaimed as (
       update ${SCHEMA}.job set state = 'retry', started_on = null, start_after = now(),
         output = '{"message":"lease expired: the worker holding the job stopped renewing it"}'::jsonb
       where name in (select json_array_elements_text($1::json)) and state = 'active' and started_on + expire_in < now()
       returning 1)
     select count(*)::int as n from reclaimed`,
    [JSON.stringify(names)],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Gives a held job back to the queue, available at once and not counted as a try. False if it was no longer held. */
export async function release(database: Database, lease: Lease, reason: string): Promise<boolean> {
  const { rows } = await database.executeSql(
    `update ${SCHEMA}.job set state = 'retry', started_on = null, start_after = now(), output = json_build_object('message', $4::text)::jsonb
     where name = $1 and id = $2::uuid and state = 'active' and ${sameStart('started_on', '$3::timestamptz')}
     returning 1`,
    [lease.name, lease.id, lease.startedOn.toISOString(), reason],
  );
  return rows.length > 0;
}

/** Completes a held job (pg-boss's completion, fenced by the lease). False if it was no longer held. */
export async function complete(database: Database, lease: Lease): Promise<boolean> {
  const { rows } = await database.executeSql(
    `update ${SCHEMA}.job set state = 'completed', completed_on = now()
     where name = $1 and id = $2::uuid and state = 'active' and ${sameStart('started_on', '$3::timestamptz')}
     returning 1`,
    [lease.name, lease.id, lease.startedOn.toISOString()],
  );
  return rows.length > 0;
}

/**
 * In the caller's transaction: true while the lease is held, and then the job row stays locked
 * until the transaction ends, so the job cannot be reclaimed and handed to another worker
 * between this check and the commit.
 */
export async function holds(tx: Db, lease: Lease): Promise<boolean> {
  const started = lease.startedOn.toISOString();
  const rows = await queryRows<{ held: number }>(
    tx,
    sql`select 1 as held from ${sql.raw(SCHEMA)}.job
        where name = ${lease.name} and id = ${lease.id}::uuid and state = 'active'
          and started_on between ${started}::timestamptz - interval '1 millisecond' and ${started}::timestamptz + interval '1 millisecond'
        for update`,
  );
  return rows.length > 0;
}

/** Jobs of a queue not finished yet (waiting, waiting for a retry, or running) whose data contains `match`. */
export async function unfinished(database: Database, name: string, match: object): Promise<number> {
  const { rows } = await database.executeSql(
    `select count(*)::int as n from ${SCHEMA}.job where name = $1 and state < 'completed' and data @> $2::jsonb`,
    [name, JSON.stringify(match)],
  );
  return Number(rows[0]?.n ?? 0);
}
