/**
 * A worker killed with SIGKILL while its COMMAND trainer runs: the trainer, in a process group of
 * its own, outlives the worker. When the TRAIN job's lease runs out another worker takes the
 * stage, stops the trainer left running (its pid is on the training job) and runs the command
 * again; the iteration completes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SERVER_URL, startHarness } from './harness.js';
import type { Harness } from './harness.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 6).join('\n');
const TRAINER = path.resolve('test/fixtures/trainer/sim-trainer.mjs');

/** True while the process runs: a zombie (ended, waiting for a parent that is gone to reap it) counts as ended. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(!SERVER_URL)('a worker killed while its trainer command runs', () => {
  let h: Harness;
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-trainer-kill-'));
  const pidFile = path.join(dir, 'pids.json');

  beforeAll(async () => {
    const file = path.join(dir, 'ste.json');
    // No --endpoint: the trainer inherits its worker's environment and trains on OPENAI_BASE_URL (the harness's simulator).
    writeFileSync(file, JSON.stringify({
      trainers: {
        'sim-once': {
          type: 'COMMAND',
          command: [process.execPath, TRAINER, '--mode', 'hang-once', '--train', '{trainingFile}', '--output-dir', '{outputDir}',
            '--base-model', '{baseModel}', '--iteration', '{iteration}', '--hyperparameters', '{hyperparameters}', '--pid-file', pidFile],
        },
      },
    }));
    h = await startHarness({ sim: { fineTuneMs: 50 }, env: { STE_CONFIG: file, TRAINING_DIR: path.join(dir, 'training') } });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('resumes the TRAIN stage on another worker, stops the trainer left running, and completes the iteration', async () => {
    const worker1 = await h.startWorker();
    const id = (await h.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "kill", config: $config) { id } }',
      { config: { samplesPerOrder: 2, generatorModel: 'sim-generator', judgeModel: 'sim-judge', training: { backend: 'COMMAND', trainer: 'sim-once' } } },
    )).createExperiment.id;
    await h.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: INSTRUCTIONS });
    await h.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });

    await eventually('the trainer runs', async () => (existsSync(pidFile) ? true : undefined), 120_000);
    const first = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; grandchild: number };
    expect(await h.stopWorker(worker1, 'SIGKILL')).toBe('SIGKILL');
    // The trainer and its child live on without their worker.
    expect(alive(first.pid)).toBe(true);
    expect(alive(first.grandchild)).toBe(true);

    const worker2 = await h.startWorker();
    const experiment = await eventually('the loop ends', async () => {
      const data = await h.gql<{ experiment: { loop: { status: string; error: string | null }; iterations: { status: string; trainedModel: string | null; stages: { kind: string; status: string }[] }[] } }>(
        'query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { status trainedModel stages { kind status } } } }',
        { id },
      );
      return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
    }, 120_000, 250);
    expect(experiment.loop).toEqual({ status: 'SUCCEEDED', error: null });
    expect(experiment.iterations[0]!.status).toBe('SUCCEEDED');
    expect(experiment.iterations[0]!.trainedModel).toMatch(/^ft:sim-judge:sim:/);
    expect(experiment.iterations[0]!.stages.find((s) => s.kind === 'TRAIN')!.status).toBe('SUCCEEDED');
    // The trainer left by the killed worker was stopped, with its child: no orphan.
    expect(alive(first.pid)).toBe(false);
    expect(alive(first.grandchild)).toBe(false);
    expect(worker2.lines.some((l) => l.includes('stopped a trainer left running by a worker that died'))).toBe(true);
    expect(h.sim.stats().fineTuning.succeeded).toBe(1);
    await h.stopWorker(worker2, 'SIGTERM');
  }, 240_000);
});
