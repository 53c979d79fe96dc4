import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, startHarness } from './harness.js';
import type { Harness, WorkerProcess } from './harness.js';
import { expectAllJobsEnded, expectExactJudgments, judge, judgeRequestsByItem, prepareIteration, waitForStage } from './judge-stage.js';

/** Items of a stage a worker wrote, from its debug log ('batch done' lines). */
function itemsWritten(worker: WorkerProcess, stageId: string): number {
  let written = 0;
  for (const line of worker.lines) {
    if (!line.includes('"batch done"')) continue;
    const entry = JSON.parse(line) as { stageId: number; written: number };
    if (String(entry.stageId) === stageId) written += entry.written;
  }
  return written;
}

describe.skipIf(!SERVER_URL)('two worker processes on one database', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('share a stage: both take part and no item is processed twice', async () => {
    const env = { LOG_LEVEL: 'debug', WORKER_JOB_CONCURRENCY: '2' };
    const one = await h.startWorker(env);
    const iteration = await prepareIteration(h, { instructions: 100, samples: 2 });
    const two = await h.startWorker(env);
    h.sim.setOptions({ latencyMs: 100 });
    const stageId = await judge(h, iteration);
    expect((await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    const [a, b] = [itemsWritten(one, stageId), itemsWritten(two, stageId)];
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(iteration.items);
    // No faults and no crash: every item was sent to the endpoint exactly once.
    const requests = await judgeRequestsByItem(h, iteration);
    expect(requests.size).toBe(iteration.items);
    expect([...requests.values()].filter((entries) => entries.length !== 1)).toEqual([]);
    await expectExactJudgments(h, iteration, stageId);
    await expectAllJobsEnded(h);
    expect(await h.stopWorker(one, 'SIGTERM')).toBe(0);
    expect(await h.stopWorker(two, 'SIGTERM')).toBe(0);
  });
});
