import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, startHarness } from './harness.js';
import type { Harness } from './harness.js';
import { expectAllJobsEnded, expectExactJudgments, expectNoRequestAfterStored, judge, judgeRequestsByItem, prepareIteration, waitForStage } from './judge-stage.js';

describe.skipIf(!SERVER_URL)('a judge stage on an endpoint with 500s, timeouts, malformed answers and a concurrency cap', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('records exactly the failures and unparseable verdicts the simulator injected, and resumeStage retries only the failed items', async () => {
    // Two tries per call (429s are retried without counting), so that some items fail on every try.
    const worker = await h.startWorker({ LLM_MAX_RETRIES: '1', LLM_TIMEOUT_MS: '1000', LLM_CONCURRENCY: '6', STAGE_MAX_FAILURE_SHARE: '0.5' });
    const iteration = await prepareIteration(h, { instructions: 60, samples: 3 });
    h.sim.setOptions({ errorRate: 0.2, timeoutRate: 0.05, malformedRate: 0.05, maxConcurrency: 3, retryAfterMs: 100, latencyMs: 20 });
    const stageId = await judge(h, iteration);
    const stage = await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED']);

    const { faults } = h.sim.stats();
    expect(faults.errors500).toBeGreaterThan(0);
    expect(faults.timeouts).toBeGreaterThan(0);
    expect(faults.rateLimited).toBeGreaterThan(0);
    expect(faults.malformed).toBeGreaterThan(0);

    // FAILED items are exactly those whose every request failed, each with all its attempts.
    const requests = await judgeRequestsByItem(h, iteration);
    expect(requests.size).toBe(iteration.items);
    const failedItems = [...requests].filter(([, entries]) => entries.every((e) => e.outcome !== 'ok')).map(([item]) => item).sort();
    expect(failedItems.length).toBeGreaterThan(0);
    expect(failedItems.length).toBeLessThan(100); // Stage.failures lists the first 100
    expect(stage).toMatchObject({ status: 'SUCCEEDED', total: iteration.items, done: iteration.items, failed: failedItems.length });
    expect(stage.failures.map((f) => f.itemKey).sort()).toEqual(failedItems);
    for (const failure of stage.failures) {
      const entries = requests.get(failure.itemKey)!;
      expect(failure.attempts).toBe(entries.length);
      expect(failure.error).toMatch(/HTTP 500|HTTP 429|timeout/);
    }

    // UNPARSEABLE judgments are exactly the malformed choices of the answered requests.
    const answered = [...requests.values()].flat().filter((e) => e.outcome === 'ok');
    expect(answered).toHaveLength(iteration.items - failedItems.length);
    const malformed = answered.reduce((sum, e) => sum + e.malformed, 0);
    const { rows } = await h.sql.query<{ n: number; unparseable: number }>(
      `select count(*)::int as n, count(*) filter (where verdict = 'UNPARSEABLE')::int as unparseable from judgments where iteration_id = $1`,
      [iteration.iterationId],
    );
    expect(rows[0]).toEqual({ n: (iteration.items - failedItems.length) * iteration.samples, unparseable: malformed });

    // resumeStage sends the failed items again, and nothing else.
    h.sim.setOptions({ errorRate: 0, timeoutRate: 0, malformedRate: 0, maxConcurrency: Infinity });
    const seen = h.sim.stats().requests.total;
    await h.gql(`mutation ($id: ID!) { resumeStage(stageId: $id) { id } }`, { id: stageId });
    await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED']);
    const again = [...(await judgeRequestsByItem(h, iteration))].flatMap(([item, entries]) => entries.filter((e) => e.seq > seen).map(() => item)).sort();
    expect(again).toEqual(failedItems);

    await expectExactJudgments(h, iteration, stageId);
    await expectNoRequestAfterStored(h, iteration);
    await expectAllJobsEnded(h);
    expect(await h.stopWorker(worker, 'SIGTERM')).toBe(0);
  });

  it('ends a stage FAILED when more items fail than STAGE_MAX_FAILURE_SHARE allows', async () => {
    h.sim.setOptions({ errorRate: 0, timeoutRate: 0, malformedRate: 0, maxConcurrency: Infinity, latencyMs: 0 });
    const worker = await h.startWorker({ LLM_MAX_RETRIES: '0', STAGE_MAX_FAILURE_SHARE: '0.05' });
    const iteration = await prepareIteration(h, { instructions: 30, samples: 1, seed: 9 });
    h.sim.setOptions({ errorRate: 0.5 });
    const stage = await waitForStage(h, await judge(h, iteration), ['SUCCEEDED', 'FAILED']);
    expect(stage.status).toBe('FAILED');
    expect(stage.failed / stage.total).toBeGreaterThan(0.05);
    expect(stage.done).toBe(stage.total);
    expect(stage.error).toMatch(/failed after every retry/);
    expect(await h.stopWorker(worker, 'SIGTERM')).toBe(0);
  });
});
