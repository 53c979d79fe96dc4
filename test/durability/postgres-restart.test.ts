import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SERVER_URL, sleep, startHarness } from './harness.js';
import type { Harness } from './harness.js';
import { expectAllJobsEnded, expectExactJudgments, expectNoRequestAfterStored, judge, prepareIteration, stageOf, waitForStage } from './judge-stage.js';
import { postgresBinaries, startOwnPostgres } from './postgres-server.js';
import type { OwnPostgres } from './postgres-server.js';

const BIN = postgresBinaries();

// Needs its own server to restart: PG_BIN_DIR (set by .ci/run) or an installed PostgreSQL.
describe.skipIf(!SERVER_URL || !BIN)('PostgreSQL restarted in the middle of a stage', () => {
  let server: OwnPostgres;
  let h: Harness;

  beforeAll(async () => {
    server = await startOwnPostgres(BIN!);
    h = await startHarness({ serverUrl: server.url });
  });
  afterAll(async () => {
    await h?.stop();
    await server?.close();
  });

  it('lets workers and the API reconnect: the stage completes exactly and no job stays locked', async () => {
    const worker = await h.startWorker();
    const iteration = await prepareIteration(h, { instructions: 80, samples: 2 });
    h.sim.setOptions({ latencyMs: 250 });
    const stageId = await judge(h, iteration);
    const before = await eventually('a few batches written', async () => {
      const stage = await stageOf(h, stageId);
      return stage.done >= 20 ? stage : undefined;
    });
    expect(before.status).toBe('RUNNING');

    // A fast shutdown cuts every connection; the server is away for a while, then back.
    await server.stop();
    await sleep(2_000);
    await server.start();

    const stage = await waitForStage(h, stageId, ['SUCCEEDED', 'FAILED']);
    expect(stage.status).toBe('SUCCEEDED');
    const ready = await fetch(h.api.url!.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    await expectExactJudgments(h, iteration, stageId);
    await expectNoRequestAfterStored(h, iteration);
    await expectAllJobsEnded(h);
    // The worker lived through it (and noticed).
    expect(worker.running()).toBe(true);
    expect(worker.lines.some((l) => /"level":(40|50)/.test(l))).toBe(true);
    expect(await h.stopWorker(worker, 'SIGTERM')).toBe(0);
  });
});
