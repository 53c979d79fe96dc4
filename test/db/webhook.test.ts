/**
 * WEBHOOK training: the signed job a trainer receives, the token-scoped download of its training
 * file, and reports: only a genuine, fresh, right-token report is stored, once.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const SECRET = 'webhook-secret-0123456789abcdef';
const FOUR = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 4).join('\n');

type Received = { headers: IncomingMessage['headers']; body: string };
type Job = { id: string; iterationId: string; iteration: number; method: string; baseModel: string; format: string; examples: number; hyperparameters: object; trainingFile: { url: string }; report: { token: string; callbackUrl: string } };
type View = { loop: { status: string; error: string | null }; iterations: { id: string; trainedModel: string | null; status: string; trainingJob: { status: string; fineTunedModel: string | null } | null; stages: { kind: string; status: string; error: string | null }[] }[] };

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});
const signature = (timestamp: string, body: string) => `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
const now = () => String(Math.floor(Date.now() / 1000));

describe.skipIf(NO_DATABASE)(`the WEBHOOK training backend (${TEST_DB})`, () => {
  let app: TestApp;
  let receiver: Server;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202).end('{"accepted":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/jobs`;
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-hook-'));
    const file = path.join(dir, 'ste.json');
    writeFileSync(file, JSON.stringify({
      trainers: {
        gpu: { type: 'WEBHOOK', url: hook, secretEnv: 'HOOK_SECRET', serviceUrl: `http://127.0.0.1:${port}`, hyperparameters: ['learning_rate'] },
        silent: { type: 'WEBHOOK', url: hook, secretEnv: 'HOOK_SECRET', serviceUrl: `http://127.0.0.1:${port}`, timeoutSeconds: 1 },
      },
    }));
    app = await startTestApp({ STE_CONFIG: file, HOOK_SECRET: SECRET, PORT: String(port) });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const start = async (trainer: string, hyperparameters: object | null = null) => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "hook", config: $config) { id } }',
      { config: { samplesPerOrder: 2, training: { backend: 'WEBHOOK', trainer, hyperparameters } } },
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: FOUR }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    return id;
  };
  const view = async (id: string) => dataOf(await app.gql<{ experiment: View }>(
    'query ($id: ID!) { experiment(id: $id) { loop { status error } iterations { id trainedModel status trainingJob { status fineTunedModel } stages { kind status error } } } }',
    { id },
  )).experiment;
  const callback = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('sends a signed job, serves its training file to the token only, and stores one genuine report', async () => {
    const id = await start('gpu', { learning_rate: 1e-6 });
    const sent = await eventually(async () => received.find((r) => r.body.includes(`"experimentId":"${id}"`)), 120_000, 100);
    const job = JSON.parse(sent.body) as Job;
    // The signature covers the timestamp and the exact body, with the configured secret.
    const timestamp = sent.headers['x-ste-timestamp'] as string;
    expect(sent.headers['x-ste-signature']).toBe(signature(timestamp, sent.body));
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
    expect(sent.headers['idempotency-key']).toBe(job.id);
    expect(job).toMatchObject({ iteration: 1, method: 'sft', baseModel: 'sim-judge', format: 'trl-sft', hyperparameters: { learning_rate: 1e-6 } });
    expect(job.report.token).toMatch(/^[0-9a-f]{64}$/);

    const file = await fetch(job.trainingFile.url);
    expect(file.status).toBe(200);
    expect((await file.text()).split('\n').filter(Boolean)).toHaveLength(job.examples);
    const stolen = await fetch(job.trainingFile.url.replace(/token=[0-9a-f]+/, `token=${'0'.repeat(64)}`));
    expect(stolen.status).toBe(403);

    const good = JSON.stringify({ model: 'trl-judge-it1', token: job.report.token });
    const unreported = async () => {
      const v = await view(id);
      expect(v.iterations[0]!.trainedModel).toBeNull();
      expect(v.iterations[0]!.trainingJob).toEqual({ status: 'submitted', fineTunedModel: null });
      expect(v.iterations[0]!.stages.find((s) => s.kind === 'TRAIN')!.status).toBe('RUNNING');
    };
    // Unsigned, badly signed, stale, or signed with the wrong token: refused, nothing stored.
    expect((await callback(job.report.callbackUrl, good, {})).status).toBe(401);
    expect((await callback(job.report.callbackUrl, good, { 'x-ste-timestamp': now(), 'x-ste-signature': signature(now(), good.replace('it1', 'it9')) })).status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const stale = await callback(job.report.callbackUrl, good, { 'x-ste-timestamp': old, 'x-ste-signature': signature(old, good) });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: string }).error).toContain('stale X-STE-Timestamp');
    const wrongToken = JSON.stringify({ model: 'trl-judge-it1', token: 'f'.repeat(64) });
    const t1 = now();
    expect((await callback(job.report.callbackUrl, wrongToken, { 'x-ste-timestamp': t1, 'x-ste-signature': signature(t1, wrongToken) })).status).toBe(403);
    const mutation = await app.gql('mutation ($id: ID!, $token: String!) { completeTraining(iterationId: $id, model: "x", token: $token) { id } }', { id: job.iterationId, token: 'f'.repeat(64) });
    expect(mutation.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'token' });
    await unreported();

    const t2 = now();
    const headers = { 'x-ste-timestamp': t2, 'x-ste-signature': signature(t2, good) };
    const accepted = await callback(job.report.callbackUrl, good, headers);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ iterationId: job.iterationId, status: 'reported' });
    const done = await eventually(async () => {
      const v = await view(id);
      return v.loop.status === 'RUNNING' ? undefined : v;
    }, 60_000, 100);
    expect(done.loop).toEqual({ status: 'SUCCEEDED', error: null });
    expect(done.iterations[0]!.trainedModel).toBe('trl-judge-it1');
    // The same signed report again (a replay within the window): refused, nothing changes.
    const replay = await callback(job.report.callbackUrl, good.replace('trl-judge-it1', 'trl-judge-it1'), headers);
    expect(replay.status).toBe(409);
    const after = await view(id);
    expect(after.iterations[0]!.trainedModel).toBe('trl-judge-it1');
    expect(received.filter((r) => r.body.includes(`"experimentId":"${id}"`))).toHaveLength(1);
  }, 180_000);

  it('two training stages: one job per stage with its own key and token; the DPO job trains from the reported SFT model, with the loss settings', async () => {
    const twelve = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12).join('\n');
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "hook stages", config: $config) { id } }',
      { config: { samplesPerOrder: 4, temperature: 1, seed: 7, training: { backend: 'WEBHOOK', trainer: 'gpu', stages: ['SUPERVISED', 'DPO'], dpo: { beta: 0.2, nllScale: 1 } } } },
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: twelve }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    type StageJob = Job & { stage: number; stages: number; dpo?: Record<string, unknown> };
    const jobOf = (stage: number) => eventually(async () => {
      const sent = received.find((r) => r.body.includes(`"experimentId":"${id}"`) && (JSON.parse(r.body) as StageJob).stage === stage);
      return sent ? { sent, job: JSON.parse(sent.body) as StageJob } : undefined;
    }, 120_000, 100);
    const complete = (job: StageJob, model: string) =>
      app.gql<{ completeTraining: { id: string } }>('mutation ($id: ID!, $m: String!, $token: String!) { completeTraining(iterationId: $id, model: $m, token: $token) { id } }', { id: job.iterationId, m: model, token: job.report.token });

    const sft = await jobOf(0);
    expect(sft.job).toMatchObject({ stage: 0, stages: 2, method: 'sft', baseModel: 'sim-judge', format: 'trl-sft' });
    expect(sft.job.dpo).toBeUndefined();
    dataOf(await complete(sft.job, 'hook-sft'));

    const dpo = await jobOf(1);
    expect(dpo.job).toMatchObject({ stage: 1, stages: 2, method: 'dpo', baseModel: 'hook-sft', format: 'trl-dpo' });
    expect(dpo.job.dpo).toMatchObject({ method: 'DPO', beta: 0.2, nll_scale: 1 });
    expect(dpo.sent.headers['idempotency-key']).toBe(dpo.job.id);
    expect(dpo.job.id).not.toBe(sft.job.id);
    expect(dpo.job.report.token).not.toBe(sft.job.report.token);
    const file = await fetch(dpo.job.trainingFile.url);
    expect(file.status).toBe(200);
    const lines = (await file.text()).split('\n').filter(Boolean).map((l) => Object.keys(JSON.parse(l) as object).join());
    expect(lines).toHaveLength(dpo.job.examples);
    expect(new Set(lines)).toEqual(new Set(['prompt,chosen,rejected']));
    // The SFT job's token reports nothing more: its job took its report.
    const late = await complete(sft.job, 'hook-sft-again');
    expect(late.errors?.[0]?.message).toMatch(/is succeeded: it takes no report/);

    dataOf(await complete(dpo.job, 'hook-dpo'));
    const done = await eventually(async () => {
      const v = await view(id);
      return v.loop.status === 'RUNNING' ? undefined : v;
    }, 60_000, 100);
    expect(done.loop).toEqual({ status: 'SUCCEEDED', error: null });
    expect(done.iterations[0]!.trainedModel).toBe('hook-dpo');
    expect(received.filter((r) => r.body.includes(`"experimentId":"${id}"`))).toHaveLength(2);
  }, 180_000);

  it('fails the TRAIN stage when the trainer never reports within its timeout', async () => {
    const id = await start('silent');
    const done = await eventually(async () => {
      const v = await view(id);
      return v.loop.status === 'RUNNING' ? undefined : v;
    }, 120_000, 200);
    const train = done.iterations[0]!.stages.find((s) => s.kind === 'TRAIN')!;
    expect(train.status).toBe('FAILED');
    expect(train.error).toBe('training failed: trainer silent did not report a model within its 1 s (timeoutSeconds)');
    expect(done.loop.status).toBe('FAILED');
  }, 150_000);
});
