/**
 * The simulator with a state folder: what it trained, and the files it was sent, outlive a restart.
 * Driven through the real `openai` client over HTTP.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { NotFoundError, toFile } from 'openai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt } from '../../src/domain/prompts.js';
import { parseSimulatorOptions, startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';

const started: Simulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-sim-'));
  dirs.push(dir);
  return dir;
}

async function simulator(options: Partial<SimulatorOptions>): Promise<{ sim: Simulator; client: OpenAI }> {
  const sim = await startSimulator(options);
  started.push(sim);
  return { sim, client: new OpenAI({ baseURL: sim.url, apiKey: 'sim', maxRetries: 0 }) };
}

const TOPICS = ['solar panels', 'street food', 'jazz music', 'honey bees', 'wind turbines', 'bread baking', 'coral reefs', 'remote work'];
/** Judge lines whose better answer repeats the question's key words: something to fit. */
const LINES = TOPICS.flatMap((topic, i) => {
  const question = `Explain how ${topic} work and why they matter.`;
  const good = `${topic} work by ... and they matter because ${topic} change daily life.`;
  const bad = `Something unrelated about ${TOPICS[(i + 3) % TOPICS.length]}.`;
  return [
    [...judgePrompt(DEFAULT_JUDGE_TEMPLATE, question, good, bad), { role: 'assistant', content: 'A follows the question. [[A]]' }],
    [...judgePrompt(DEFAULT_JUDGE_TEMPLATE, question, bad, good), { role: 'assistant', content: 'B follows the question. [[B]]' }],
  ].map((messages) => JSON.stringify({ messages }));
});
const PROBE = judgePrompt(DEFAULT_JUDGE_TEMPLATE, 'Describe how honey bees make honey.', 'Honey bees make honey from nectar.', 'Cars need fuel.');

async function train(client: OpenAI): Promise<OpenAI.FineTuning.FineTuningJob> {
  const file = await client.files.create({ file: await toFile(Buffer.from(LINES.join('\n') + '\n'), 'train.jsonl'), purpose: 'fine-tune' });
  return client.fineTuning.jobs.create({ training_file: file.id, model: 'sim-judge', seed: 42, suffix: 'kept' });
}

async function finished(client: OpenAI, id: string): Promise<OpenAI.FineTuning.FineTuningJob> {
  for (;;) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Four greedy samples of the probe: they differ between weight vectors. */
async function answers(client: OpenAI, model: string): Promise<string[]> {
  const completion = await client.chat.completions.create({ model, messages: PROBE, temperature: 0.8, seed: 3, n: 4 });
  return completion.choices.map((c) => c.message.content ?? '');
}

describe('the simulator with a state folder', () => {
  it('serves the same fine-tuned model, files and jobs after a restart', async () => {
    const dir = stateDir();
    const first = await simulator({ stateDir: dir, fineTuneMs: 0 });
    const job = await finished(first.client, (await train(first.client)).id);
    expect(job.status).toBe('succeeded');
    const model = job.fine_tuned_model!;
    const before = {
      answers: await answers(first.client, model),
      files: (await first.client.files.list()).data,
      content: await (await first.client.files.content(job.training_file)).text(),
      events: (await first.client.fineTuning.jobs.listEvents(job.id, { limit: 50 })).data,
    };
    expect(before.answers).not.toEqual(await answers(first.client, 'sim-judge'));
    await first.sim.close();

    const second = await simulator({ stateDir: dir, fineTuneMs: 0 });
    expect((await second.client.models.list()).data.map((m) => m.id)).toEqual(['sim-judge', 'sim-generator', model]);
    expect(await answers(second.client, model)).toEqual(before.answers);
    expect(await second.client.fineTuning.jobs.retrieve(job.id)).toEqual(job);
    expect((await second.client.fineTuning.jobs.listEvents(job.id, { limit: 50 })).data).toEqual(before.events);
    expect((await second.client.files.list()).data).toEqual(before.files);
    expect(await (await second.client.files.content(job.training_file)).text()).toBe(before.content);

    // Without the folder nothing is kept: that is what the folder is for.
    const bare = await simulator({ fineTuneMs: 0 });
    await expect(bare.client.models.retrieve(model)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runs a job that a stop cut short again after the restart, to the model it would have made', async () => {
    const dir = stateDir();
    const first = await simulator({ stateDir: dir, fineTuneMs: 60_000 });
    const cut = await train(first.client);
    expect((await first.client.fineTuning.jobs.retrieve(cut.id)).status).toBe('validating_files');
    await first.sim.close();

    const second = await simulator({ stateDir: dir, fineTuneMs: 0 });
    const job = await finished(second.client, cut.id);
    expect(job.status).toBe('succeeded');
    expect(job.fine_tuned_model).toBe(`ft:sim-judge:sim:kept:${cut.id.slice('ftjob-'.length, 'ftjob-'.length + 8)}`);
    const events = (await second.client.fineTuning.jobs.listEvents(job.id, { limit: 50 })).data.map((e) => e.message).reverse();
    expect(events.slice(0, 2)).toEqual([`Validating training file: ${cut.training_file}`, 'The simulator restarted: the job starts again']);
    expect(events.at(-1)).toBe('The job has successfully completed');

    // The same file and seed in a simulator that never stopped give the same weights.
    const controlDir = stateDir();
    const control = await simulator({ stateDir: controlDir, fineTuneMs: 0 });
    const reference = await finished(control.client, (await train(control.client)).id);
    const weights = (folder: string, model: string) =>
      (JSON.parse(readFileSync(path.join(folder, 'state.json'), 'utf8')) as { models: { id: string; weights: number[] }[] }).models.find((m) => m.id === model)!.weights;
    expect(weights(dir, job.fine_tuned_model!)).toHaveLength(7);
    expect(weights(dir, job.fine_tuned_model!)).toEqual(weights(controlDir, reference.fine_tuned_model!));
  });

  it('removes the content of a deleted file from the folder', async () => {
    const dir = stateDir();
    const { client } = await simulator({ stateDir: dir, fineTuneMs: 0 });
    const file = await client.files.create({ file: await toFile(Buffer.from(LINES[0]! + '\n'), 'one.jsonl'), purpose: 'fine-tune' });
    expect(readdirSync(path.join(dir, 'files'))).toEqual([file.id]);
    await client.files.delete(file.id);
    expect(readdirSync(path.join(dir, 'files'))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['files', 'state.json']);
  });

  it('takes its folder from SIM_STATE_DIR, made absolute', () => {
    expect(parseSimulatorOptions({ SIM_STATE_DIR: 'sim-state' }).stateDir).toBe(path.resolve('sim-state'));
    expect(parseSimulatorOptions({ SIM_STATE_DIR: ' ' }).stateDir).toBeUndefined();
  });

  it('refuses to start on a state file of another version, naming it', async () => {
    const dir = stateDir();
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ version: 99, files: [], models: [], jobs: { created: 0, jobs: [] } }));
    await expect(startSimulator({ stateDir: dir })).rejects.toThrow(`${path.join(dir, 'state.json')} has version 99; this simulator reads version 1`);
  });
});
