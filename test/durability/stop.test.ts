import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SERVER_URL, sleep, startHarness } from './harness.js';
import type { Harness } from './harness.js';
import { expectAllJobsEnded, expectExactJudgments, expectNoRequestAfterStored, judge, judgeRequestsByItem, prepareIteration, stageOf, waitForStage } from './judge-stage.js';

describe.skipIf(!SERVER_URL)('stopping work on purpose', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('cancelStage stops the calls within seconds, queued ones included, and resumeStage finishes the stage exactly', async () => {
    // 40 calls of running batches wait behind 2 in flight: without aborting them they would go on for seconds.
    const worker = await h.startWorker({ LLM_CONCURRENCY: '2', WORKER_BATCH_SIZE: '10', WORKER_JOB_CONCURRENCY: '4' });
    const iteration = await prepareIteration(h, { instructions: 60, samples: 2 });
    h.sim.setOptions({ latencyMs: 200 });
    const stageId = await judge(h, iteration);
    await eventually('a few batches written', async () => ((await stageOf(h, stageId)).done >= 10 ? true : undefined));

    const { cancelStage } = await h.gql<{ cancelStage: { status: string } }>(`mutation ($id: ID!) { cancelStage(stageId: $id) { status } }`, { id: stageId });
    expect(cancelStage.status).toBe('CANCELLED');
    const cancelledAt = Date.now();
    await sleep(4_000);
    const last = Math.max(...[...(await judgeRequestsByItem(h, iteration)).values()].flat().map((e) => e.at));
    expect(last - cancelledAt).toBeLessThan(2_000);
    const cancelled = await stageOf(h, stageId);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.done).toBeLessThan(iteration.items);

    await h.gql(`mutation ($id: ID!) { resumeStage(stageId: $id) { id } }`, { id: stageId });
    await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED']);
    await expectExactJudgments(h, iteration, stageId);
    await expectNoRequestAfterStored(h, iteration);
    await expectAllJobsEnded(h);
    expect(await h.stopWorker(worker, 'SIGTERM')).toBe(0);
  });

  // `all`: a --role all process, its worker in a thread of its own (WORKER_THREAD auto on PostgreSQL).
  it.each(['worker', 'all'] as const)('SIGTERM lets calls in flight finish, stores them, and hands the rest back at once (--role %s)', async (role) => {
    h.sim.setOptions({ latencyMs: 0 });
    // A lease far longer than the test: only a released job can be taken over in time.
    const env = { JOB_EXPIRE_SECONDS: '120', SHUTDOWN_TIMEOUT_MS: '5000', LLM_CONCURRENCY: '4', WORKER_BATCH_SIZE: '8', WORKER_JOB_CONCURRENCY: '2' };
    const releasedBefore = await released(h);
    const first = await h.startWorker(env, role);
    if (role === 'all') expect(first.lines.join('\n')).toContain('worker: in a thread of its own');
    // Another seed per role: the simulator's request log is matched to items by their texts.
    const iteration = await prepareIteration(h, { instructions: 60, samples: 2, seed: role === 'worker' ? 4 : 5 });
    h.sim.setOptions({ latencyMs: 300 });
    const stageId = await judge(h, iteration);
    await eventually('a few batches written', async () => ((await stageOf(h, stageId)).done >= 8 ? true : undefined));

    const stoppedAt = Date.now();
    expect(await h.stopWorker(first, 'SIGTERM')).toBe(0);
    // Nothing new was sent after the signal; what was in flight then was answered and stored.
    const requests = await judgeRequestsByItem(h, iteration);
    const entries = [...requests.values()].flat();
    expect(entries.filter((e) => e.at > stoppedAt + 200)).toEqual([]);
    const { rows: stored } = await h.sql.query<{ item: string }>(
      `select distinct pair_id::text || ':' || "order" as item from judgments where iteration_id = $1`,
      [iteration.iterationId],
    );
    const answered = [...requests].filter(([, es]) => es.some((e) => e.outcome === 'ok')).map(([item]) => item);
    expect(stored.map((r) => r.item).sort()).toEqual(answered.sort());
    // Its unfinished jobs are back in the queue, none left running.
    const { rows: jobs } = await h.sql.query<{ active: number }>(`select count(*) filter (where state = 'active')::int as active from pgboss.job where name = 'stage-batch'`);
    expect(jobs[0]!.active).toBe(0);
    expect(await released(h)).toBeGreaterThan(releasedBefore);

    const second = await h.startWorker(env);
    const stage = await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED'], 60_000);
    expect(stage.status).toBe('SUCCEEDED');
    await expectExactJudgments(h, iteration, stageId);
    await expectNoRequestAfterStored(h, iteration);
    await expectAllJobsEnded(h);
    expect(await h.stopWorker(second, 'SIGTERM')).toBe(0);
  });
});

/** Jobs handed back by a stopping worker so far (they wait in the queue as retries). */
async function released(h: Harness): Promise<number> {
  const { rows } = await h.sql.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'stage-batch' and state = 'retry' and output ->> 'message' like 'worker stopped%'`);
  return rows[0]!.n;
}
