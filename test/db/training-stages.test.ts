/**
 * `training.stages: [SUPERVISED, DPO]`: the released model's recipe in one iteration. On the
 * simulator's fine-tuning API (OPENAI backend): two jobs, the second fine-tunes the first's model on
 * DPO-shaped data, the iteration's trained judge is the DPO model; the TRAIN item run again after a
 * crash resumes the stages' provider jobs instead of starting new ones. EXTERNAL waits for a model
 * per stage. Bad `stages` are refused naming the field.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createEndpointClients } from '../../src/endpoints.js';
import type { EndpointClients } from '../../src/endpoints.js';
import { createLogger } from '../../src/logger.js';
import * as experimentsRepo from '../../src/db/experiments-repo.js';
import * as stagesRepo from '../../src/db/stages-repo.js';
import * as trainingRepo from '../../src/db/training-repo.js';
import { transaction } from '../../src/db/database.js';
import type { ExperimentConfig } from '../../src/services/experiments/config.js';
import { trainStageHandler, TRAIN_ITEM } from '../../src/services/stages/train.js';
import { openAiBackend } from '../../src/services/training/openai.js';
import type { TrainingBackend } from '../../src/services/training/backend.js';
import { jsonOf, runCli } from '../helpers/cli.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12).join('\n');

type Job = { stageIndex: number; method: string; backend: string; baseModel: string; examples: number; fileId: string | null; externalJobId: string | null; status: string; fineTunedModel: string | null };
type SimJob = { id: string; model: string; fine_tuned_model: string | null; training_file: string; status: string; method: { type: string } };
type GqlError = { message: string; extensions?: { code?: string; field?: string } };

const JOB_FIELDS = 'stageIndex method backend baseModel examples fileId externalJobId status fineTunedModel';

async function createExperiment(app: TestApp, name: string, config: Record<string, unknown>): Promise<string> {
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
    'mutation ($name: String!, $config: ExperimentConfigInput) { createExperiment(name: $name, config: $config) { id } }',
    { name, config },
  )).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS }));
  dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
  return id;
}

async function iterationOf(app: TestApp, experimentId: string) {
  return dataOf(await app.gql<{ experiment: { loop: { status: string; error: string | null }; config: { training: { method: string; stages: string[] } }; iterations: { id: string; status: string; trainedModel: string | null; trainingJob: Job | null; trainingJobs: Job[]; stages: { kind: string; status: string; message: string | null }[] }[] } }>(
    `query ($id: ID!) { experiment(id: $id) { loop { status error } config { training { method stages } } iterations { id status trainedModel trainingJob { ${JOB_FIELDS} } trainingJobs { ${JOB_FIELDS} } stages { kind status message } } } }`,
    { id: experimentId },
  )).experiment;
}

async function simJobs(app: TestApp): Promise<SimJob[]> {
  const response = await fetch(`${app.simulator!.url}/fine_tuning/jobs?limit=100`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: SimJob[] }).data;
}

async function simFile(app: TestApp, fileId: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${app.simulator!.url}/files/${fileId}/content`);
  expect(response.status).toBe(200);
  return (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.skipIf(NO_DATABASE)(`training stages in one iteration (${TEST_DB})`, () => {
  let app: TestApp;
  let clients: EndpointClients;

  beforeAll(async () => {
    app = await startTestApp();
    clients = createEndpointClients(loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }, []).endpoints, app.simulator!.url, createLogger('silent'));
  });
  afterAll(async () => {
    await clients?.close();
    await app?.stop();
  });

  const refusals: [string, Record<string, unknown>, string, string][] = [
    ['no stage', { stages: [] }, 'config.training.stages', 'config.training.stages: must name at least one stage: SUPERVISED, DPO or both, in that order'],
    ['DPO before SUPERVISED', { stages: ['DPO', 'SUPERVISED'] }, 'config.training.stages', 'config.training.stages: SUPERVISED must come before DPO: DPO trains from the SFT model (the released recipe is [SUPERVISED, DPO])'],
    ['a stage twice', { stages: ['SUPERVISED', 'SUPERVISED'] }, 'config.training.stages', 'config.training.stages: SUPERVISED appears twice: each stage kind runs at most once per iteration'],
    ['a method that is not the last stage', { method: 'SUPERVISED', stages: ['SUPERVISED', 'DPO'] }, 'config.training.method', 'config.training.method: must be DPO, the last of config.training.stages, or be left out'],
  ];

  it.each(refusals)('refuses %s naming the field, storing nothing', async (_name, training, field, message) => {
    const count = async () => dataOf(await app.gql<{ experiments: { totalCount: number } }>('{ experiments { totalCount } }')).experiments.totalCount;
    const before = await count();
    const response = await app.gql('mutation ($config: ExperimentConfigInput) { createExperiment(name: "bad stages", config: $config) { id } }', { config: { training } });
    const error = response.errors?.[0] as GqlError | undefined;
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.extensions?.field).toBe(field);
    expect(error?.message).toBe(message);
    expect(await count()).toBe(before);
  });

  it('refuses a stage name that is not a training method (GraphQL enum)', async () => {
    const response = await app.gql('mutation { createExperiment(name: "sft", config: { training: { stages: [SFT] } }) { id } }');
    expect(response.errors?.[0]?.message).toBe('Value "SFT" does not exist in "TrainingMethod" enum.');
  });

  it('defaults to one stage of `method`, and accepts DPO alone', async () => {
    const configOf = async (training: Record<string, unknown>) => {
      const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($config: ExperimentConfigInput) { createExperiment(name: "one", config: $config) { id } }', { config: { training } })).createExperiment.id;
      return dataOf(await app.gql<{ experiment: { config: { training: { method: string; stages: string[] } } } }>('query ($id: ID!) { experiment(id: $id) { config { training { method stages } } } }', { id })).experiment.config.training;
    };
    expect(await configOf({})).toEqual({ method: 'SUPERVISED', stages: ['SUPERVISED'] });
    expect(await configOf({ method: 'DPO' })).toEqual({ method: 'DPO', stages: ['DPO'] });
    expect(await configOf({ stages: ['DPO'] })).toEqual({ method: 'DPO', stages: ['DPO'] });
    expect(await configOf({ stages: ['SUPERVISED', 'DPO'], method: 'DPO' })).toEqual({ method: 'DPO', stages: ['SUPERVISED', 'DPO'] });
  });

  it('ste experiment create --training-stages sends the stages; a bad order exits 1 with the field error', async () => {
    const created = jsonOf<{ id: string }>(await runCli(['experiment', 'create', 'cli stages', '--training-stages', 'supervised,dpo', '--json'], app.url));
    const shown = await runCli(['experiment', 'show', created.id], app.url);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('training OPENAI SUPERVISED then DPO');
    const refused = await runCli(['experiment', 'create', 'cli bad', '--training-stages', 'DPO,SUPERVISED'], app.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('config.training.stages: SUPERVISED must come before DPO');
  }, 60_000);

  it('OPENAI: SFT then DPO from the SFT model, two provider jobs, the DPO model is the trained judge; running TRAIN again starts no job', async () => {
    const jobsBefore = (await simJobs(app)).length;
    const id = await createExperiment(app, 'recipe', { samplesPerOrder: 4, temperature: 1, seed: 7, training: { stages: ['SUPERVISED', 'DPO'], dpo: { beta: 0.2 } } });
    const experiment = await eventually(async () => {
      const e = await iterationOf(app, id);
      return e.loop.status === 'RUNNING' ? undefined : e;
    }, 180_000, 250);
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    expect(experiment.config.training).toEqual({ method: 'DPO', stages: ['SUPERVISED', 'DPO'] });
    const iteration = experiment.iterations[0]!;
    const [sft, dpo] = iteration.trainingJobs;
    expect(iteration.trainingJobs).toHaveLength(2);
    expect(sft).toMatchObject({ stageIndex: 0, method: 'SUPERVISED', backend: 'OPENAI', baseModel: 'sim-judge', status: 'succeeded' });
    expect(dpo).toMatchObject({ stageIndex: 1, method: 'DPO', backend: 'OPENAI', baseModel: sft!.fineTunedModel, status: 'succeeded' });
    expect(sft!.fineTunedModel).toMatch(/^ft:sim-judge:/);
    expect(dpo!.fineTunedModel).not.toBe(sft!.fineTunedModel);
    expect(iteration.trainedModel).toBe(dpo!.fineTunedModel);
    expect(iteration.trainingJob).toEqual(dpo);
    expect(iteration.status).toBe('SUCCEEDED');

    // The provider saw exactly two jobs: supervised on the SFT file, then dpo from the SFT model on the DPO file.
    const jobs = await simJobs(app);
    expect(jobs).toHaveLength(jobsBefore + 2);
    const first = jobs.find((j) => j.id === sft!.externalJobId)!;
    const second = jobs.find((j) => j.id === dpo!.externalJobId)!;
    expect([first.method.type, first.model, first.fine_tuned_model, first.training_file]).toEqual(['supervised', 'sim-judge', sft!.fineTunedModel, sft!.fileId]);
    expect([second.method.type, second.model, second.fine_tuned_model, second.training_file]).toEqual(['dpo', sft!.fineTunedModel, dpo!.fineTunedModel, dpo!.fileId]);
    const sftLines = await simFile(app, sft!.fileId!);
    const dpoLines = await simFile(app, dpo!.fileId!);
    expect(sftLines).toHaveLength(sft!.examples);
    expect(dpoLines).toHaveLength(dpo!.examples);
    expect(sftLines.every((l) => Object.keys(l).join() === 'messages')).toBe(true);
    expect(dpoLines.every((l) => Object.keys(l).join() === 'input,preferred_output,non_preferred_output')).toBe(true);
    // The DPO stage's file is the iteration's openai-dpo export.
    const exported = await (await fetch(app.url.replace('/graphql', `/exports/iterations/${iteration.id}/openai-dpo.jsonl`))).text();
    expect(dpoLines).toEqual(exported.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown));

    // A worker that died after both provider jobs ended, before TRAIN's commit: neither stage's row
    // says it has a model and the iteration has none. Running the item again resumes both jobs.
    const db = app.database.db;
    const iterationId = Number(iteration.id);
    await trainingRepo.updateTrainingJob(db, { iterationId, stageIndex: 0 }, { status: 'running', fineTunedModel: null });
    await trainingRepo.updateTrainingJob(db, { iterationId, stageIndex: 1 }, { status: 'running', fineTunedModel: null });
    await experimentsRepo.updateIteration(db, iterationId, { trainedModel: null, status: 'RUNNING' });
    const row = await experimentsRepo.getIteration(db, iterationId);
    const stage = (await stagesRepo.latestStage(db, row!.experimentId, 'TRAIN', iterationId))!;
    const openai = openAiBackend((name) => clients.get(name), 0.05);
    const handler = trainStageHandler({
      db,
      config: async (experimentId) => (await experimentsRepo.getExperiment(db, experimentId))!.config as ExperimentConfig,
      backends: { OPENAI: openai, EXTERNAL: openai, COMMAND: openai, WEBHOOK: openai } satisfies Record<string, TrainingBackend>,
    });
    expect(await handler.pendingKeys(stage)).toEqual([TRAIN_ITEM]);
    const outcome = await handler.process(stage, [TRAIN_ITEM], { signal: new AbortController().signal, active: () => true });
    expect(outcome.failures).toEqual([]);
    expect(await transaction(db, (tx) => outcome.write(tx))).toBe(1);
    expect((await simJobs(app)).length).toBe(jobsBefore + 2);
    const after = (await iterationOf(app, id)).iterations[0]!;
    expect(after.trainedModel).toBe(dpo!.fineTunedModel);
    expect(after.trainingJobs.map((j) => [j.stageIndex, j.status, j.fineTunedModel, j.externalJobId])).toEqual([
      [0, 'succeeded', sft!.fineTunedModel, sft!.externalJobId],
      [1, 'succeeded', dpo!.fineTunedModel, dpo!.externalJobId],
    ]);
  }, 240_000);

  it('EXTERNAL: waits for a model per stage; the DPO stage is exported to train from the registered SFT model', async () => {
    const id = await createExperiment(app, 'external recipe', { samplesPerOrder: 4, temperature: 1, seed: 7, training: { backend: 'EXTERNAL', stages: ['SUPERVISED', 'DPO'] } });
    const waitingOn = (stageIndex: number) =>
      eventually(async () => {
        const it = (await iterationOf(app, id)).iterations[0];
        return it?.status === 'AWAITING_MODEL' && it.trainingJob?.stageIndex === stageIndex ? it : undefined;
      }, 180_000, 250);
    const register = (iterationId: string, model: string) =>
      app.gql<{ registerJudgeModel: { status: string; trainedModel: string | null } }>('mutation ($id: ID!, $m: String!) { registerJudgeModel(iterationId: $id, model: $m) { status trainedModel } }', { id: iterationId, m: model });

    const first = await waitingOn(0);
    expect(first.trainingJobs).toEqual([expect.objectContaining({ stageIndex: 0, method: 'SUPERVISED', backend: 'EXTERNAL', baseModel: 'sim-judge', status: 'awaiting_model', fineTunedModel: null })]);
    expect(first.stages.find((s) => s.kind === 'TRAIN')!.message).toBe(
      `SUPERVISED (training stage 1 of 2): ${first.trainingJobs[0]!.examples} examples ready at /exports/iterations/${first.id}/trl-sft.jsonl, to train from sim-judge; call registerJudgeModel with the served model`,
    );
    const registered = dataOf(await register(first.id, 'my-sft-model')).registerJudgeModel;
    expect(registered.trainedModel).toBeNull();

    const second = await waitingOn(1);
    expect(second.trainingJobs.map((j) => [j.stageIndex, j.method, j.baseModel, j.status, j.fineTunedModel])).toEqual([
      [0, 'SUPERVISED', 'sim-judge', 'succeeded', 'my-sft-model'],
      [1, 'DPO', 'my-sft-model', 'awaiting_model', null],
    ]);
    expect(second.stages.find((s) => s.kind === 'TRAIN')!.message).toBe(
      `DPO (training stage 2 of 2): ${second.trainingJobs[1]!.examples} examples ready at /exports/iterations/${second.id}/trl-dpo.jsonl (DPO loss settings: /exports/iterations/${second.id}/dpo-config.jsonl), to train from my-sft-model; call registerJudgeModel with the served model`,
    );
    const done = dataOf(await register(second.id, 'my-dpo-model')).registerJudgeModel;
    expect(done).toEqual({ status: 'SUCCEEDED', trainedModel: 'my-dpo-model' });
    const finished = (await iterationOf(app, id)).iterations[0]!;
    expect(finished.trainingJobs.map((j) => [j.stageIndex, j.status, j.fineTunedModel])).toEqual([
      [0, 'succeeded', 'my-sft-model'],
      [1, 'succeeded', 'my-dpo-model'],
    ]);
  }, 240_000);
});

describe.skipIf(NO_DATABASE)(`cancelling a two-stage TRAIN (${TEST_DB})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    // Slow fine-tuning: the DPO stage's job is still running when the stage is cancelled.
    app = await startTestApp({ SIM_FINE_TUNE_MS: '4000' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('cancels the provider job of the training stage running (DPO), not the finished SFT one', async () => {
    const id = await createExperiment(app, 'cancel recipe', { samplesPerOrder: 4, temperature: 1, seed: 7, training: { stages: ['SUPERVISED', 'DPO'] } });
    const running = await eventually(async () => {
      const it = (await iterationOf(app, id)).iterations[0];
      return it?.trainingJobs[1]?.externalJobId ? it : undefined;
    }, 180_000, 100);
    const train = dataOf(await app.gql<{ iteration: { stages: { id: string; kind: string }[] } }>('query ($id: ID!) { iteration(id: $id) { stages { id kind } } }', { id: running.id }))
      .iteration.stages.find((s) => s.kind === 'TRAIN')!;
    const cancelled = dataOf(await app.gql<{ cancelStage: { status: string } }>('mutation ($id: ID!) { cancelStage(stageId: $id) { status } }', { id: train.id })).cancelStage;
    expect(cancelled.status).toBe('CANCELLED');
    const [sft, dpo] = running.trainingJobs;
    const jobs = await eventually(async () => {
      const list = await simJobs(app);
      return list.find((j) => j.id === dpo!.externalJobId)?.status === 'cancelled' ? list : undefined;
    }, 30_000, 100);
    expect(jobs).toHaveLength(2);
    expect(jobs.find((j) => j.id === sft!.externalJobId)!.status).toBe('succeeded');
    const after = (await iterationOf(app, id)).iterations[0]!;
    expect(after.trainedModel).toBeNull();
    expect(after.stages.find((s) => s.kind === 'TRAIN')!.status).toBe('CANCELLED');
  }, 240_000);
});
