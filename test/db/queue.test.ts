import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { startQueue } from '../../src/queue/queue.js';
import type { JobContext, Queue } from '../../src/queue/queue.js';
import { eventually, freshDatabase, NO_DATABASE, TEST_DB } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/app.js';

type JobRow = { state: string; retry_count: number; started_on: Date | null; output: { message?: string } | null };

describe.skipIf(NO_DATABASE)(`job leases (${TEST_DB})`, () => {
  let fresh: TestDatabase;
  let database: Database;
  const queues: Queue[] = [];
  const start = async (expireSeconds: number) => {
    const queue = await startQueue(database, fresh.url, { expireSeconds, pollingSeconds: 0.5 }, createLogger('silent'));
    queues.push(queue);
    return queue;
  };
  const stopAll = async () => {
    for (const queue of queues.splice(0)) await queue.stop(0);
  };
  const job = async (id: string) => (await database.executeSql(`select state, retry_count, started_on, output from pgboss.job where id = $1`, [id])).rows[0] as JobRow;

  beforeAll(async () => {
    fresh = await freshDatabase();
    database = await openDatabase(fresh.config);
  });
  afterAll(async () => {
    await stopAll();
    await database?.close();
    await fresh?.drop();
  });

  it('hands a job whose lease ran out to another worker, and fences the first one out', async () => {
    // A worker that renews only every 20 s, stuck in its job.
    const stuck = await start(60);
    const first: JobContext[] = [];
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    let heldAtTheEnd: boolean | undefined;
    await stuck.work<{ n: number }>('stage-control', 1, async (_data, ctx) => {
      first.push(ctx);
      await blocked;
      heldAtTheEnd = await database.db.transaction((tx) => ctx.holds(tx as never));
    });
    await stuck.send('stage-control', [{ n: 1 }]);
    const [ctx] = await eventually(async () => (first.length === 1 ? first : undefined));
    expect(await database.db.transaction((tx) => ctx!.holds(tx as never))).toBe(true);

    // Its lease runs out (as if its process had died); a live worker reclaims and runs the job.
    await database.executeSql(`update pgboss.job set expire_in = interval '0 seconds' where id = $1`, [ctx!.id]);
    const live = await start(2);
    const second: string[] = [];
    await live.work<{ n: number }>('stage-control', 1, async (_data, c) => {
      second.push(c.id);
    });
    await eventually(async () => ((await job(ctx!.id)).state === 'completed' ? true : undefined), 10_000);
    expect(second).toEqual([ctx!.id]);

    // The stale worker wakes up: it no longer holds the job, and its completion changes nothing.
    unblock();
    await eventually(async () => (heldAtTheEnd === undefined ? undefined : true));
    expect(heldAtTheEnd).toBe(false);
    const row = await job(ctx!.id);
    expect(row).toMatchObject({ state: 'completed', retry_count: 0 });
    expect(row.output?.message).toMatch(/lease expired/);
    await stopAll();
  });

  it('gives a running job back to the queue when its worker stops, for the next worker at once', async () => {
    const stopping = await start(60);
    const seen: JobContext[] = [];
    await stopping.work<{ n: number }>('stage-control', 1, async (_data, ctx) => {
      seen.push(ctx);
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return 'release';
    });
    await stopping.send('stage-control', [{ n: 2 }]);
    const [ctx] = await eventually(async () => (seen.length === 1 ? seen : undefined));
    await stopping.stop(100);
    expect(ctx!.stopping.aborted).toBe(true);
    expect(await job(ctx!.id)).toMatchObject({ state: 'retry', retry_count: 0, started_on: null, output: { message: 'worker stopped before the job ended' } });

    const next = await start(60);
    const again: string[] = [];
    await next.work<{ n: number }>('stage-control', 1, async (_data, c) => {
      again.push(c.id);
    });
    await eventually(async () => ((await job(ctx!.id)).state === 'completed' ? true : undefined), 10_000);
    expect(again).toEqual([ctx!.id]);
    await stopAll();
  });
});
