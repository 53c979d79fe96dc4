/**
 * The embedded database on its own thread (src/db/pglite-thread.ts) behind the database wrapper:
 * interactive transactions, NOTIFY delivered on commit only, SQLSTATE codes on errors, drizzle's
 * row shapes, a clear error once the database is closed, and an in-memory database started from a
 * dump (`loadDataDir`, how the tests start theirs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, openDatabase, transaction } from '../../src/db/database.js';
import type { Database } from '../../src/db/database.js';
import { isTransientDbError } from '../../src/db/retry.js';
import { experiments } from '../../src/db/schema.js';
import { PgliteThread } from '../../src/db/pglite-thread.js';

describe('PGlite on its own thread', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await database.executeSql('create table t (id int primary key, note text not null, at timestamptz not null default now())');
  });
  afterAll(async () => {
    await database.close();
  });

  it('commits a transaction that resolves and rolls back one that throws, holding other calls until it ends', async () => {
    await transaction(database.db, async (tx) => {
      await tx.execute(sql`insert into t (id, note) values (1, 'kept')`);
    });
    let outsideDone = false;
    const failed = transaction(database.db, async (tx) => {
      await tx.execute(sql`insert into t (id, note) values (2, 'dropped')`);
      // A call outside the transaction waits for its end, as with PGlite in-process.
      const outside = database.executeSql('select count(*)::int as n from t', []).then((r) => {
        outsideDone = true;
        return r.rows;
      });
      const inside = await tx.execute(sql`select count(*)::int as n from t`);
      expect(outsideDone).toBe(false);
      expect((inside as unknown as { rows: unknown[] }).rows).toEqual([{ n: 2 }]);
      void outside;
      throw new Error('changed my mind');
    });
    await expect(failed).rejects.toThrow('changed my mind');
    expect((await database.executeSql('select id, note from t order by id', [])).rows).toEqual([{ id: 1, note: 'kept' }]);
  });

  it('rolls back a savepoint (a nested drizzle transaction) and keeps the outer one', async () => {
    await transaction(database.db, async (tx) => {
      await tx.execute(sql`insert into t (id, note) values (3, 'outer')`);
      await expect(
        transaction(tx, async (inner) => {
          await inner.execute(sql`insert into t (id, note) values (4, 'inner')`);
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect((await database.executeSql('select id from t where id >= 3 order by id', [])).rows).toEqual([{ id: 3 }]);
  });

  it('delivers NOTIFY payloads of a transaction once it commits, and none of one rolled back', async () => {
    const received: string[] = [];
    const unlisten = await database.listen('thread_test', (payload) => received.push(payload));
    await transaction(database.db, async (tx) => {
      await tx.execute(sql`select pg_notify('thread_test', 'first')`);
      await tx.execute(sql`select pg_notify('thread_test', 'second')`);
      expect(received).toEqual([]);
    });
    expect(received).toEqual(['first', 'second']);
    await expect(
      transaction(database.db, async (tx) => {
        await tx.execute(sql`select pg_notify('thread_test', 'never')`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await database.executeSql("select pg_notify('thread_test', 'third')", []);
    expect(received).toEqual(['first', 'second', 'third']);
    await unlisten();
    await database.executeSql("select pg_notify('thread_test', 'after unlisten')", []);
    expect(received).toEqual(['first', 'second', 'third']);
  });

  it("carries PostgreSQL's error code and text across the thread, where the retry rules read it", async () => {
    const error = await database.executeSql("insert into t (id, note) values (1, 'again')", []).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string; constraint?: string },
    );
    expect(error?.code).toBe('23505');
    expect(error?.constraint).toBe('t_pkey');
    expect(error?.message).toBe('duplicate key value violates unique constraint "t_pkey"');
    const serialization = await database.executeSql("do $$ begin raise exception using errcode = '40001', message = 'conflict'; end $$", []).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTransientDbError(serialization)).toBe(true);
  });

  it("returns drizzle's row shapes: timestamps as the schema declares them, numbers, JSON", async () => {
    const [created] = await database.db.insert(experiments).values({ name: 'thread', config: { a: [1, 2] } }).returning();
    const [read] = await database.db.select().from(experiments).where(eq(experiments.id, created!.id));
    expect(read!.name).toBe('thread');
    expect(read!.config).toEqual({ a: [1, 2] });
    // drizzle parses timestamptz itself (its parser keeps PostgreSQL's text, applied on this side).
    expect(read!.createdAt).toBeInstanceOf(Date);
    const { rows } = await database.executeSql('select created_at::text as text from experiments where id = $1', [created!.id]);
    expect(read!.createdAt.getTime()).toBe(new Date(String(rows[0]!.text).replace(' ', 'T').replace(/\+00$/, 'Z')).getTime());
    expect(read!.id).toBe(created!.id);
    expect(typeof read!.id).toBe('number');
  });

  it('answers every call after close with a clear error instead of waiting', async () => {
    const thread = await PgliteThread.open('memory://');
    expect((await thread.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await thread.close();
    expect(thread.closed).toBe(true);
    await expect(thread.query('select 1')).rejects.toThrow('the embedded database is closed');
  });

  it('tells its owner once when the thread stops without close(), and not on close()', async () => {
    const lost: string[] = [];
    const dying = await PgliteThread.open('memory://');
    dying.onLost((error) => lost.push(error.message));
    const waiting = dying.query('select pg_sleep(5)');
    // What an uncaught error or an out-of-memory abort in the thread amounts to: the worker ends.
    await (dying as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(waiting).rejects.toThrow("the embedded database's thread stopped (exit code 1)");
    expect(lost).toEqual(["the embedded database's thread stopped (exit code 1)"]);
    await expect(dying.query('select 1')).rejects.toThrow("the embedded database's thread stopped (exit code 1)");

    const closed = await PgliteThread.open('memory://');
    closed.onLost((error) => lost.push(`closed: ${error.message}`));
    await closed.close();
    expect(lost).toHaveLength(1);
  });
});

describe('an in-memory database started from a dump', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-dump-test-'));
  const dump = path.join(dir, 'dump.tar');
  beforeAll(async () => {
    const source = await PGlite.create('memory://');
    await source.exec("create table kept (id int primary key, note text not null); insert into kept values (7, 'from the dump')");
    writeFileSync(dump, Buffer.from(await (await source.dumpDataDir('none')).arrayBuffer()));
    await source.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the rows of the dump, migrated on open as any other, and leaves the dump as it was', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir: 'memory://', loadDataDir: dump });
    expect((await first.executeSql('select id, note from kept', [])).rows).toEqual([{ id: 7, note: 'from the dump' }]);
    expect((await first.executeSql('select count(*)::int as n from experiments', [])).rows).toEqual([{ n: 0 }]);
    await first.executeSql("insert into kept values (8, 'only in the first')");
    await first.close();
    const second = await openDatabase({ kind: 'pglite', dataDir: 'memory://', loadDataDir: dump });
    expect((await second.executeSql('select id from kept order by id', [])).rows).toEqual([{ id: 7 }]);
    await second.close();
  });

  it('refuses a dump for a data folder, and fails to open with a dump that does not exist', async () => {
    await expect(openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'data'), loadDataDir: dump })).rejects.toThrow(
      new DatabaseUnavailableError(`a data dir dump is loaded into memory:// only, not into ${path.join(dir, 'data')}`),
    );
    await expect(openDatabase({ kind: 'pglite', dataDir: 'memory://', loadDataDir: path.join(dir, 'missing.tar') })).rejects.toThrow(
      /^cannot open the embedded database in memory:\/\/: ENOENT/,
    );
  });
});
