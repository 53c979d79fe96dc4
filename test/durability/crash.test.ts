import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, LEASE_SECONDS, SERVER_URL, sleep, startHarness } from './harness.js';
import type { Harness, WorkerProcess } from './harness.js';
import { expectAllJobsEnded, expectExactJudgments, expectNoRequestAfterStored, judge, judgeRequestsByItem, prepareIteration, stageOf, waitForStage } from './judge-stage.js';

const KILLS = 10;
/** WORKER_BATCH_SIZE of the workers. */
const BATCH = 4;
/** WORKER_JOB_CONCURRENCY x WORKER_BATCH_SIZE of the workers: the items of the batches a killed worker can be running. */
const IN_FLIGHT = 4 * BATCH;

describe.skipIf(!SERVER_URL)('a worker killed with SIGKILL again and again', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('loses only the calls of the batches it was running: exact rows, and nothing stored is asked for again', async () => {
    const first = await h.startWorker();
    const iteration = await prepareIteration(h, { instructions: 200, samples: 2 });
    expect(iteration.readyPairs).toBeGreaterThan(150);
    // Slow enough that the stage outlives ten short lives of a worker.
    h.sim.setOptions({ latencyMs: 200, jitterMs: 100 });
    const stageId = await judge(h, iteration);

    let worker: WorkerProcess = first;
    const workers = [first];
    const doneAtKill: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      // A random moment of the worker's life: fetching, calling, or writing a batch.
      await sleep(300 + Math.random() * 1_200);
      const stage = await stageOf(h, stageId);
      expect(['QUEUED', 'RUNNING'], `the stage ended before kill ${kill + 1}: make it longer`).toContain(stage.status);
      doneAtKill.push(stage.done);
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
    // ... and each kill lost at most the calls of the batches it was running: answers never stored.
    // A live worker that lost a lease (renewals late on a loaded machine) abandons that batch too,
    // and says so in its log: those count a batch each.
    const answered = [...(await judgeRequestsByItem(h, iteration)).values()].flat().filter((e) => e.outcome === 'ok').length;
    const abandoned = workers.flatMap((w) => w.lines).filter((line) => line.includes('lost the lease of a running job')).length;
    expect(answered - iteration.items).toBeGreaterThan(0);
    expect(answered - iteration.items).toBeLessThanOrEqual(KILLS * IN_FLIGHT + abandoned * BATCH);
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
