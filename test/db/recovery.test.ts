import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const INSTRUCTIONS = Array.from({ length: 10 }, (_, i) => JSON.stringify({ instruction: `Describe landmark number ${i + 1} of an imaginary city.` })).join('\n');

describe.skipIf(NO_DATABASE)(`a stage whose queued work was lost (${TEST_DB})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ SIM_LATENCY_MS: '30', WORKER_JOB_CONCURRENCY: '1', WORKER_BATCH_SIZE: '2' }, { recoverAfterSeconds: 1 });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const stage = async (id: string) =>
    dataOf(await app.gql<{ stage: { status: string; total: number; done: number; failed: number } }>(`query ($id: ID!) { stage(id: $id) { status total done failed } }`, { id })).stage;

  it('is found by the sweep, gets its missing items queued again, and ends with exact rows', async () => {
    const { createExperiment } = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "lost jobs", config: { samplesPerOrder: 1 }) { id } }`));
    const id = createExperiment.id;
    dataOf(await app.gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, { id, content: INSTRUCTIONS }));
    const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id })).generatePairs;
    await eventually(async () => ((await stage(pairs.id)).status === 'SUCCEEDED' ? true : undefined));
    const iteration = dataOf(await app.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id })).startIteration;
    const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iteration.id })).judgePairs;
    await eventually(async () => ((await stage(judge.id)).done >= 2 ? true : undefined));

    // The queue loses the stage's waiting jobs (a bug, an operator's mistake, a restore from backup).
    const { rows } = await app.database.executeSql(`delete from pgboss.job where name = 'stage-batch' and state < 'active' returning id`);
    expect(rows.length).toBeGreaterThan(0);

    const done = await eventually(async () => {
      const s = await stage(judge.id);
      return s.status === 'RUNNING' ? undefined : s;
    }, 60_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', done: done.total, failed: 0 });
    const stats = dataOf(await app.gql<{ iteration: { stats: { judgments: number } } }>(`query ($id: ID!) { iteration(id: $id) { stats { judgments } } }`, { id: iteration.id }));
    expect(stats.iteration.stats.judgments).toBe(done.total);
    const epoch = await app.database.executeSql(`select epoch from stages where id = $1`, [Number(judge.id)]);
    expect(Number(epoch.rows[0]!.epoch)).toBe(1);
  });
});
