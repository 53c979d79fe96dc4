/**
 * A worker killed with SIGKILL while its JUDGE job polls a Batch API batch (execution BATCH): when
 * the job's lease runs out another worker takes the job, finds the batch the first one submitted
 * (provider_batches) and polls it to its end instead of creating another; every judgment is stored
 * once.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SERVER_URL, startHarness } from './harness.js';
import type { Harness } from './harness.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 6).join('\n');

describe.skipIf(!SERVER_URL)('a worker killed while its stage polls a Batch API batch', () => {
  let h: Harness;

  beforeAll(async () => {
    // Each batch takes 3 s at the simulator: long enough to kill the worker while it polls.
    h = await startHarness({ sim: { batchMs: 3_000 }, env: { BATCH_POLL_MS: '100' } });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  /** The experiment once its loop is no longer RUNNING, with its stages' counts. */
  const loopEnded = (id: string) =>
    eventually('the loop ends', async () => {
      const data = await h.gql<{ experiment: { loop: { status: string; error: string | null }; stages: { kind: string; status: string; total: number; done: number; failed: number }[] } }>(
        'query ($id: ID!) { experiment(id: $id) { loop { status error } stages { kind status total done failed } } }',
        { id },
      );
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 120_000, 250);

  it('resumes polling the same provider batch on another worker: no second batch, every judgment stored once', async () => {
    const worker1 = await h.startWorker();
    const id = (await h.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "batch-kill", config: $config) { id } }',
      { config: { samplesPerOrder: 2, generatorModel: 'sim-generator', judgeModel: 'sim-judge', execution: 'BATCH' } },
    )).createExperiment.id;
    await h.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS });
    await h.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });

    // GENERATE_PAIRS made two batches (y_w, then y_l); the third is JUDGE's, recorded with its provider id.
    const judgeBatch = await eventually('the JUDGE batch is submitted', async () => {
      const { rows } = await h.sql.query<{ batch_id: string }>(
        "select b.batch_id from provider_batches b join stages s on s.id = b.stage_id where s.kind = 'JUDGE' and b.batch_id is not null",
      );
      return rows[0]?.batch_id;
    }, 120_000, 50);
    expect(await h.stopWorker(worker1, 'SIGKILL')).toBe('SIGKILL');
    expect(h.sim.stats().batches.created).toBe(3);

    const worker2 = await h.startWorker();
    const experiment = await loopEnded(id);
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const judge = experiment.stages.find((s) => s.kind === 'JUDGE')!;
    expect(judge).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
    expect(judge.done).toBe(judge.total);
    // No batch was created twice: the second worker polled the one the first submitted.
    expect(h.sim.stats().batches.created).toBe(3);
    expect(h.sim.stats().batches.completed).toBe(3);
    const { rows: batches } = await h.sql.query<{ batch_id: string; status: string }>(
      "select b.batch_id, b.status from provider_batches b join stages s on s.id = b.stage_id where s.kind = 'JUDGE'",
    );
    expect(batches).toEqual([{ batch_id: judgeBatch, status: 'completed' }]);
    // Two samples per (pair, order), each stored once.
    const { rows: counts } = await h.sql.query<{ total: string; distinct: string }>(
      'select count(*) as total, count(distinct (pair_id, "order", sample)) as distinct from judgments',
    );
    expect(Number(counts[0]!.total)).toBe(judge.total * 2);
    expect(Number(counts[0]!.distinct)).toBe(judge.total * 2);
    await h.stopWorker(worker2, 'SIGTERM');
  }, 240_000);

  it('hands a polling job back at SIGTERM (a shutdown timeout of 10 minutes is not waited for), and the next worker polls the same batch', async () => {
    const before = h.sim.stats().batches.created;
    // Were the job held until the shutdown timeout, stopWorker would outlast the test's timeout.
    const worker1 = await h.startWorker({ SHUTDOWN_TIMEOUT_MS: '600000' });
    const id = (await h.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "batch-term", config: $config) { id } }',
      { config: { samplesPerOrder: 2, generatorModel: 'sim-generator', judgeModel: 'sim-judge', execution: 'BATCH' } },
    )).createExperiment.id;
    await h.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS });
    await h.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });
    await eventually('the JUDGE batch is submitted', async () => {
      const { rows } = await h.sql.query(
        "select 1 from provider_batches b join stages s on s.id = b.stage_id where s.kind = 'JUDGE' and s.experiment_id = $1 and b.batch_id is not null",
        [id],
      );
      return rows.length > 0 ? true : undefined;
    }, 120_000, 50);
    expect(await h.stopWorker(worker1, 'SIGTERM')).toBe(0);

    const worker2 = await h.startWorker();
    const experiment = await loopEnded(id);
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    expect(experiment.stages.find((s) => s.kind === 'JUDGE')).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
    expect(h.sim.stats().batches.created - before).toBe(3);
    await h.stopWorker(worker2, 'SIGTERM');
  }, 240_000);
});
