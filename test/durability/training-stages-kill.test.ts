/**
 * A worker killed with SIGKILL while the DPO stage of a two-stage TRAIN ([SUPERVISED, DPO], OPENAI
 * backend on the simulator) waits for its fine-tuning job: when the lease runs out another worker
 * takes the TRAIN item, skips the SFT stage (its job holds its model) and polls the DPO stage's job
 * at the provider instead of starting one. The provider sees two jobs in all.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SERVER_URL, startHarness } from './harness.js';
import type { Harness } from './harness.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 8).join('\n');

type Job = { stageIndex: number; method: string; baseModel: string; externalJobId: string | null; status: string; fineTunedModel: string | null };

describe.skipIf(!SERVER_URL)('a worker killed during the DPO stage of a two-stage TRAIN', () => {
  let h: Harness;

  beforeAll(async () => {
    // Each fine-tuning job takes 8 s at the simulator; workers poll every 5 s.
    h = await startHarness({ sim: { fineTuneMs: 8_000 } });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('resumes the DPO job on another worker: two provider jobs, the DPO model is the trained judge', async () => {
    const worker1 = await h.startWorker();
    const id = (await h.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "stages kill", config: $config) { id } }',
      { config: { samplesPerOrder: 4, temperature: 1, seed: 7, generatorModel: 'sim-generator', judgeModel: 'sim-judge', training: { stages: ['SUPERVISED', 'DPO'] } } },
    )).createExperiment.id;
    await h.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS });
    await h.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });
    const jobsOf = async () =>
      (await h.gql<{ experiment: { iterations: { trainingJobs: Job[] }[] } }>(
        'query ($id: ID!) { experiment(id: $id) { iterations { trainingJobs { stageIndex method baseModel externalJobId status fineTunedModel } } } }',
        { id },
      )).experiment.iterations[0]?.trainingJobs ?? [];

    // The DPO stage's job exists at the provider and has not finished.
    const started = await eventually('the DPO job starts', async () => {
      const jobs = await jobsOf();
      return jobs[1]?.externalJobId && h.sim.stats().fineTuning.jobs === 2 && h.sim.stats().fineTuning.succeeded === 1 ? jobs : undefined;
    }, 180_000, 100);
    expect(await h.stopWorker(worker1, 'SIGKILL')).toBe('SIGKILL');

    const worker2 = await h.startWorker();
    const experiment = await eventually('the loop ends', async () => {
      const data = await h.gql<{ experiment: { loop: { status: string; error: string | null }; iterations: { status: string; trainedModel: string | null; trainingJobs: Job[] }[] } }>(
        'query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { status trainedModel trainingJobs { stageIndex method baseModel externalJobId status fineTunedModel } } } }',
        { id },
      );
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 120_000, 250);
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const [sft, dpo] = experiment.iterations[0]!.trainingJobs;
    expect(experiment.iterations[0]!.trainingJobs).toHaveLength(2);
    expect([sft!.externalJobId, dpo!.externalJobId]).toEqual([started[0]!.externalJobId, started[1]!.externalJobId]);
    expect(dpo).toMatchObject({ method: 'DPO', baseModel: sft!.fineTunedModel, status: 'succeeded' });
    expect(experiment.iterations[0]!.trainedModel).toBe(dpo!.fineTunedModel);
    expect(h.sim.stats().fineTuning).toMatchObject({ jobs: 2, succeeded: 2, cancelled: 0 });
    await h.stopWorker(worker2, 'SIGTERM');
  }, 300_000);
});
