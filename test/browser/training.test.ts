/**
 * Training from the dashboard, in a real chromium: an iteration waiting in AWAITING_MODEL (EXTERNAL
 * backend) gets its trained model from the page's register form, and a COMMAND trainer's log is
 * shown live on the iteration's page, where "Cancel training" stops the trainer's whole process group.
 * A screenshot of the training panel goes to test-artifacts/ (docs/dashboard-training.png is a copy).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { findChromium, launchBrowser } from '../helpers/browser.js';
import type { TestBrowser } from '../helpers/browser.js';

const CHROMIUM = findChromium();
const FOUR = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(30, 34).join('\n');
const TRAINER = path.resolve('test/fixtures/trainer/sim-trainer.mjs');

type IterationView = { id: string; status: string; trainedModel: string | null; stages: { id: string; kind: string; status: string }[] };

/** True while the process runs (a zombie counts as ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(!CHROMIUM && !process.env.CI)('training from the dashboard', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let root: string;
  const errors: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-train-ui-'));
  const pidFile = path.join(dir, 'pids.json');
  const gate = path.join(dir, 'gate');

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => dataOf(await app.gql<T>(query, variables));
  const iteration = async (experimentId: string) =>
    (await gql<{ experiment: { iterations: IterationView[] } }>('query ($id: ID!) { experiment(id: $id) { iterations { id status trainedModel stages { id kind status } } } }', { id: experimentId })).experiment.iterations[0];
  const startLoop = async (name: string, training: Record<string, unknown>) => {
    const id = (await gql<{ createExperiment: { id: string } }>('mutation ($n: String!, $c: ExperimentConfigInput) { createExperiment(name: $n, config: $c) { id } }', {
      n: name,
      c: { samplesPerOrder: 1, seed: 9, training },
    })).createExperiment.id;
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: FOUR });
    await gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });
    return id;
  };

  beforeAll(async () => {
    const file = path.join(dir, 'ste.json');
    writeFileSync(file, JSON.stringify({
      trainers: { hang: { type: 'COMMAND', command: [process.execPath, TRAINER, '--mode', 'hang', '--pid-file', pidFile, '--gate', gate, '--output-dir', '{outputDir}', '--iteration', '{iteration}'] } },
    }));
    [app, browser] = await Promise.all([startTestApp({ STE_CONFIG: file, TRAINING_DIR: path.join(dir, 'training') }), launchBrowser(CHROMIUM ?? 'chromium')]);
    root = app.url.replace(/graphql$/, '');
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('registers the trained judge of an iteration waiting in AWAITING_MODEL from its page', async () => {
    const experimentId = await startLoop('external', { backend: 'EXTERNAL' });
    const waiting = await eventually(async () => {
      const it = await iteration(experimentId);
      return it?.status === 'AWAITING_MODEL' ? it : undefined;
    }, 120_000, 100);

    // The experiment's table links the waiting iteration to its page.
    await page.goto(`${root}#/experiments/${experimentId}`);
    await page.locator(`[data-register-link="${waiting.id}"]`).click();
    await page.locator('h1', { hasText: 'Iteration 1' }).waitFor();
    const form = page.locator('[data-action="register-model"]');
    await form.waitFor();
    // The TRAIN stage of the EXTERNAL backend runs no trainer here: no log, and no cancel button.
    expect(await page.locator('[data-action="cancel-training"]').count()).toBe(0);
    // Its job: exported, waiting for the model trained outside.
    const jobs = page.locator('[data-training-jobs] li');
    const job = async () => (await gql<{ iteration: { trainingJobs: { examples: number; status: string; fineTunedModel: string | null }[] } }>('query ($id: ID!) { iteration(id: $id) { trainingJobs { examples status fineTunedModel } } }', { id: waiting.id })).iteration.trainingJobs;
    const [exported] = await job();
    expect(exported).toMatchObject({ status: 'awaiting_model', fineTunedModel: null });
    const examples = exported!.examples;
    expect(examples).toBeGreaterThan(0);
    expect(await jobs.allTextContents()).toEqual([`SUPERVISED on EXTERNAL: sim-judge, ${examples} examples · awaiting_model`]);

    // A blank name is refused by the server, with its reason, and nothing is stored.
    await form.locator('input[name="model"]').fill('   ');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-action-message="training"] .error').textContent()).toBe('model: must be a model name of 1 to 256 characters');
    expect(await iteration(experimentId)).toMatchObject({ status: 'AWAITING_MODEL', trainedModel: null });

    await form.locator('input[name="model"]').fill('my-judge-v1');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-action-message="training"]').textContent()).toBe('registered my-judge-v1: iteration succeeded');
    const done = await iteration(experimentId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', trainedModel: 'my-judge-v1' });
    expect(done!.stages.find((s) => s.kind === 'TRAIN')!.status).toBe('SUCCEEDED');
    // The page follows: the form is gone, the models line names the trained judge.
    await expect.poll(() => page.locator('[data-action="register-model"]').count()).toBe(0);
    expect(await job()).toEqual([{ examples, status: 'succeeded', fineTunedModel: 'my-judge-v1' }]);
    await expect.poll(() => jobs.allTextContents()).toEqual([`SUPERVISED on EXTERNAL: sim-judge, ${examples} examples · succeeded → my-judge-v1`]);
    await expect.poll(() => page.locator('[data-models]').textContent()).toBe('judge sim-judge → trained my-judge-v1');
    expect(errors).toEqual([]);
  }, 180_000);

  it('shows a running trainer\'s log live and cancels the training, killing its process group', async () => {
    const experimentId = await startLoop('command', { backend: 'COMMAND', trainer: 'hang' });
    const running = await eventually(async () => {
      const it = await iteration(experimentId);
      return it?.stages.some((s) => s.kind === 'TRAIN') ? it : undefined;
    }, 120_000, 100);
    await page.goto(`${root}#/iterations/${running.id}`);
    await page.locator('h1', { hasText: 'Iteration 1' }).waitFor();
    // Both lines of the trainer arrive through the page's log subscription.
    // (stdout and stderr are two pipes: their lines' relative order is not kept.)
    const shown = async () => ((await page.locator('[data-training-log]').textContent()) ?? '').split('\n').filter(Boolean).sort();
    await expect.poll(shown, { timeout: 60_000 }).toEqual(['sim-trainer hang iteration 1 base undefined hyperparameters {}', 'training step 1 of many']);
    expect(await page.locator('[data-training-log] .stderr').textContent()).toBe('training step 1 of many\n');
    // The job runs as a child process of the worker: its pid and host are the job id.
    await expect.poll(() => page.locator('[data-training-jobs] li').allTextContents()).toEqual([expect.stringMatching(/^SUPERVISED on COMMAND \(job pid:\d+@\S+\): sim-judge, \d+ examples · running$/)]);
    // A line written while the page is open arrives live, after the others.
    writeFileSync(gate, '');
    await expect.poll(async () => (await shown()).length, { timeout: 30_000 }).toBe(3);
    expect(await page.locator('[data-training-log] span:last-child').textContent()).toBe('training step 2 of many\n');
    await mkdir('test-artifacts', { recursive: true });
    await page.locator('[data-training]').screenshot({ path: 'test-artifacts/dashboard-training.png' });
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; grandchild: number };
    expect(alive(pids.pid)).toBe(true);
    expect(alive(pids.grandchild)).toBe(true);

    await page.locator('[data-action="cancel-training"]').click();
    await expect.poll(() => page.locator('[data-action-message="training"]').textContent()).toBe('training cancelled');
    const train = (await iteration(experimentId))!.stages.find((s) => s.kind === 'TRAIN')!;
    expect(train.status).toBe('CANCELLED');
    await eventually(async () => (!alive(pids.pid) && !alive(pids.grandchild) ? true : undefined), 30_000, 100);
    // The stage has ended: the log's stream completed and the button is gone.
    await expect.poll(() => page.locator('[data-training-log-note]').textContent()).toBe('(the stage has ended)');
    await expect.poll(() => page.locator('[data-action="cancel-training"]').count()).toBe(0);

    // Resumed, the trainer runs again from the start and the page follows its new lines.
    await gql('mutation ($id: ID!) { resumeStage(stageId: $id) { status } }', { id: train.id });
    await expect.poll(async () => (await shown()).filter((l) => l.startsWith('sim-trainer hang')).length, { timeout: 60_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-training-log-note]').textContent()).toBe('(live)');
    const again = await eventually(async () => {
      const p = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; grandchild: number };
      return p.pid !== pids.pid ? p : undefined;
    }, 30_000, 100);
    await page.locator('[data-action="cancel-training"]').click();
    await eventually(async () => (!alive(again.pid) && !alive(again.grandchild) ? true : undefined), 30_000, 100);
    await expect.poll(() => page.locator('[data-training-log-note]').textContent()).toBe('(the stage has ended)');
    expect(errors).toEqual([]);
  }, 180_000);
});
