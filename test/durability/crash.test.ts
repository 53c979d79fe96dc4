import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, LEASE_SECONDS, SERVER_URL, sleep, startHarness } from './harness.js';
import type { Harness, WorkerProcess } from './harness.js';
import { expectAllJobsEnded, expectExactJudgments, expectNoRequestAfterStored, judge, judgeRequestsByItem, prepareIteration, stageOf, waitForStage } from './judge-stage.js';

const KILLS = 10;
/** The simulator (in this process) logs a request when its handler runs: one the killed worker sent just before the kill can be logged just after it. */
const LOGGED_LATE_MS = 500;

describe.skipIf(!SERVER_URL)('a worker killed with SIGKILL again and again', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('asks an item again only after the worker that had it was killed: exact rows, and nothing stored is asked for again', async () => {
    const first = await h.startWorker();
    const iteration = await prepareIteration(h, { instructions: 200, samples: 2 });
    expect(iteration.readyPairs).toBeGreaterThan(150);
    // Slow enough that the stage outlives ten short lives of a worker.
    h.sim.setOptions({ latencyMs: 200, jitterMs: 100 });
    const stageId = await judge(h, iteration);

    let worker: WorkerProcess = first;
    const workers = [first];
    const doneAtKill: number[] = [];
    const killedAt: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      // A random moment of the worker's life: fetching, calling, or writing a batch.
      await sleep(300 + Math.random() * 1_200);
      const stage = await stageOf(h, stageId);
      expect(['QUEUED', 'RUNNING'], `the stage ended before kill ${kill + 1}: make it longer`).toContain(stage.status);
      doneAtKill.push(stage.done);
      killedAt.push(Date.now());
      expect(await h.stopWorker(worker, 'SIGKILL')).toBe('SIGKILL');
      worker = await h.startWorker();
      workers.push(worker);
    }
    const stage = await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED'], 150_000);
    expect(stage.status).toBe('SUCCEEDED');
    expect(doneAtKill).toHaveLength(KILLS);
    expect(doneAtKill.at(-1)).toBeLessThan(iteration.items);

    await expectExactJudgments(h, iteration, stageId);
    await expectNoRequestAfterStored(h, iteration);
    await expectAllJobsEnded(h);
    // The kills hit running jobs, which were handed out again when their leases ran out ...
    const { rows } = await h.sql.query<{ n: number }>(`select count(*)::int as n from pgboss.job where output ->> 'message' like 'lease expired%'`);
    expect(rows[0]!.n).toBeGreaterThan(0);
    // ... and an answered item was asked again only because the worker that had it died: between
    // two answered requests for one item (the simulator, in this process, logs when each arrived)
    // there is a kill, or a live worker that lost its lease said so.
    const byItem = await judgeRequestsByItem(h, iteration);
    const abandoned = workers.flatMap((w) => w.lines).filter((line) => line.includes('lost the lease of a running job')).length;
    let again = 0;
    const unexplained: string[] = [];
    for (const [item, entries] of byItem) {
      const answers = entries.filter((e) => e.outcome === 'ok').map((e) => e.at).sort((a, b) => a - b);
      for (let i = 1; i < answers.length; i++) {
        again += 1;
        if (!killedAt.some((k) => k > answers[i - 1]! - LOGGED_LATE_MS && k < answers[i]!)) unexplained.push(`${item} answered at ${answers[i - 1]} and ${answers[i]}`);
      }
    }
    expect(again).toBeGreaterThan(0);
    if (abandoned === 0) expect(unexplained).toEqual([]);
    // Each kill loses the answers of the batches it was running, and a batch handed out again can
    // be lost again by the next kill: in the order of KILLS x IN_FLIGHT, never per item more than the kills.
    expect(Math.max(...[...byItem.values()].map((e) => e.filter((x) => x.outcome === 'ok').length))).toBeLessThanOrEqual(KILLS + 1);
    expect(await h.stopWorker(worker, 'SIGTERM')).toBe(0);
  }, 240_000);

  it('lets a worker frozen past its lease wake up without writing for the jobs it lost', async () => {
    h.sim.setOptions({ latencyMs: 0, jitterMs: 0 });
    const frozen = await h.startWorker({ LOG_LEVEL: 'warn' });
    const iteration = await prepareIteration(h, { instructions: 60, samples: 2, seed: 5 });
    h.sim.setOptions({ latencyMs: 150, jitterMs: 50 });
    const stageId = await judge(h, iteration);
    await eventually('the frozen worker writes a batch', async () => ((await stageOf(h, stageId)).done > 0 ? true : undefined));
    frozen.child.kill('SIGSTOP');
    const other = await h.startWorker();
    // Longer than a lease and its reclaim: the other worker takes over the frozen one's jobs.
    await sleep(LEASE_SECONDS * 2_000 + 1_000);
    frozen.child.kill('SIGCONT');
    const stage = await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED']);
    expect(stage.status).toBe('SUCCEEDED');
    await eventually('the woken worker notices it lost its jobs', async () => (frozen.lines.some((l) => l.includes('lost the lease')) ? true : undefined), 10_000);
    await expectExactJudgments(h, iteration, stageId);
    await expectNoRequestAfterStored(h, iteration);
    await expectAllJobsEnded(h);
    expect(await h.stopWorker(frozen, 'SIGTERM')).toBe(0);
    expect(await h.stopWorker(other, 'SIGTERM')).toBe(0);
  }, 120_000);
});
