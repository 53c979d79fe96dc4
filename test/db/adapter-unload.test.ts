/**
 * The adapter unload rule (src/services/training/adapters.ts) on a real database and a simulator
 * process with vLLM's LoRA endpoints: a superseded adapter is unloaded; the newest trained judge,
 * the judge of an iteration that has not ended and the judge of an unfinished evaluation are kept;
 * an adapter the server no longer knows (404 after a restart) counts as unloaded and is not asked
 * for again; one kept for an evaluation is unloaded once the evaluation ends.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import * as benchmarksRepo from '../../src/db/benchmarks-repo.js';
import * as evaluationsRepo from '../../src/db/evaluations-repo.js';
import * as experimentsRepo from '../../src/db/experiments-repo.js';
import * as trainingRepo from '../../src/db/training-repo.js';
import { createLlmClient } from '../../src/llm/index.js';
import { createLogger } from '../../src/logger.js';
import { AdapterService } from '../../src/services/training/adapters.js';
import { startSimulatorProcess } from '../helpers/sim-process.js';
import type { SimulatorProcess } from '../helpers/sim-process.js';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import type { TestApp } from '../helpers/app.js';

describe.skipIf(NO_DATABASE)(`unloading LoRA adapters no longer in use (${TEST_DB})`, () => {
  let app: TestApp;
  let sim: SimulatorProcess;
  let db: Db;
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-adapters-'));

  /** Loads an adapter with the seed judge's weights on the simulator, as a COMMAND trainer's result would be. */
  const load = async (name: string) => {
    const folder = path.join(dir, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'sim-adapter.json'), JSON.stringify({ weights_of: 'sim-judge' }));
    const res = await fetch(`${sim.url}/load_lora_adapter`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lora_name: name, lora_path: folder }) });
    expect(res.status).toBe(200);
  };
  const unloads = async () => (await sim.stats()).routes['POST /v1/unload_lora_adapter'] ?? 0;

  beforeAll(async () => {
    [app, sim] = await Promise.all([startTestApp(), startSimulatorProcess()]);
    db = app.database.db;
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('unloads the superseded ones, keeps those in use, and counts an adapter the server lost as unloaded', async () => {
    const experiment = await experimentsRepo.insertExperiment(db, 'adapters', {});
    // Four iterations, each trained an adapter (COMMAND backend, loaded on "judges"); the fourth is running.
    const models = ['it1', 'it2', 'it3', 'it4'].map((m) => `judge-${m}-${experiment.id}`);
    const iterationIds: number[] = [];
    for (const [i, model] of models.entries()) {
      const iteration = (await experimentsRepo.insertIteration(db, { experimentId: experiment.id, index: i + 1, judgeModel: i === 0 ? 'sim-judge' : models[i - 1]!, pairGeneration: 0 }))!;
      iterationIds.push(iteration.id);
      await experimentsRepo.updateIteration(db, iteration.id, { status: i === 3 ? 'RUNNING' : 'SUCCEEDED', trainedModel: i === 3 ? null : model });
      if (i < 3) {
        await trainingRepo.upsertTrainingJob(db, { iterationId: iteration.id, stageIndex: 0, backend: 'COMMAND', method: 'dpo', baseModel: 'sim-judge', status: 'SUCCEEDED', fineTunedModel: model, adapterEndpoint: 'judges' });
        await load(model);
      }
    }
    const [one, two, three] = models as [string, string, string];
    // An evaluation of it1's judge waits in the queue.
    const benchmark = (await benchmarksRepo.insertBenchmark(db, { name: 'b', format: 'LLMBAR', size: 1 }))!;
    const evaluation = await evaluationsRepo.insertEvaluation(db, { benchmarkId: benchmark.id, experimentId: experiment.id, iterationId: null, judgeModel: one, options: {} });
    // The server lost it2's adapter (restarted): its unload answers 404.
    const lost = await fetch(`${sim.url}/unload_lora_adapter`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lora_name: two }) });
    expect(lost.status).toBe(200);
    const before = await unloads();

    const llm = createLlmClient({ baseURL: sim.url, apiKey: 'k', maxRetries: 0 });
    const adapters = new AdapterService({ db, endpoints: () => llm, unloadOn: ['judges'], bestModel: async () => null, logger: createLogger('silent') });
    // it1: in use by the queued evaluation; it2: superseded, gone from the server (404: counted as
    // unloaded); it3: the newest trained judge, and the judge of the running iteration 4.
    expect(await adapters.unloadUnused(experiment.id)).toEqual([two]);
    expect(await unloads()).toBe(before + 1);
    expect((await trainingRepo.loadedAdapters(db, experiment.id)).map((a) => a.model)).toEqual([one, three]);
    expect((await sim.models()).filter((m) => m.startsWith('judge-')).sort()).toEqual([one, three].sort());

    // Nothing changed: nothing is asked for again (it2 is not retried).
    expect(await adapters.unloadUnused(experiment.id)).toEqual([]);
    expect(await unloads()).toBe(before + 1);

    // The evaluation ends: it1 is unloaded (200) and marked.
    await evaluationsRepo.updateEvaluation(db, evaluation.id, { status: 'SUCCEEDED' });
    expect(await adapters.unloadUnused(experiment.id)).toEqual([one]);
    expect(await unloads()).toBe(before + 2);
    expect((await trainingRepo.loadedAdapters(db, experiment.id)).map((a) => a.model)).toEqual([three]);
    expect((await sim.models()).filter((m) => m.startsWith('judge-'))).toEqual([three]);

    // The API shows each job's adapter: it1 and it2 unloaded (with when), it3 loaded; no adapter before training.
    const body = (await app.gql('query ($id: ID!) { experiment(id: $id) { iterations { index trainingJobs { fineTunedModel adapter { endpoint loaded unloadedAt } } } } }', { id: String(experiment.id) })) as {
      data: { experiment: { iterations: { index: number; trainingJobs: { fineTunedModel: string; adapter: { endpoint: string; loaded: boolean; unloadedAt: string | null } | null }[] }[] } };
    };
    const jobs = body.data.experiment.iterations.sort((a, b) => a.index - b.index).map((it) => it.trainingJobs);
    expect(jobs.map((j) => j.map((job) => [job.fineTunedModel, job.adapter?.endpoint, job.adapter?.loaded]))).toEqual([[[one, 'judges', false]], [[two, 'judges', false]], [[three, 'judges', true]], []]);
    expect(jobs[0]![0]!.adapter!.unloadedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(jobs[2]![0]!.adapter!.unloadedAt).toBeNull();

    // `ste iteration show` says the same in words: when it1's was unloaded, that it3's is loaded, none for it4.
    const training = async (id: number) => {
      const out = await runCli(['iteration', 'show', String(id)], app.url);
      expect([out.code, out.stderr]).toEqual([0, '']);
      const lines = out.stdout.trim().split('\n');
      return lines.slice(lines.indexOf('training:'));
    };
    const unloadedAt = jobs[0]![0]!.adapter!.unloadedAt!.slice(0, 16).replace('T', ' ');
    expect(await training(iterationIds[0]!)).toEqual(['training:', `  DPO (COMMAND): sim-judge on 0 examples · SUCCEEDED → ${one} · LoRA adapter on endpoint "judges": unloaded ${unloadedAt} UTC`]);
    expect(await training(iterationIds[2]!)).toEqual(['training:', `  DPO (COMMAND): sim-judge on 0 examples · SUCCEEDED → ${three} · LoRA adapter on endpoint "judges": loaded`]);
    expect((await runCli(['iteration', 'show', String(iterationIds[3])], app.url)).stdout).not.toContain('training:');
  });
});
