import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const FIVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');

type Loop = { status: string; error: string | null };
type StageView = { kind: string; status: string; error: string | null; failed: number };

/** Runs a one-iteration loop against `baseUrl` and waits for it to stop; returns the loop and its stages. */
async function loopUntilStopped(app: TestApp, config: Record<string, unknown>) {
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
    'mutation ($config: ExperimentConfigInput) { createExperiment(name: "fail-fast", config: $config) { id } }',
    { config: { samplesPerOrder: 2, ...config } },
  )).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: FIVE }));
  dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
  return eventually(async () => {
    const data = dataOf(await app.gql<{ experiment: { loop: Loop; stages: StageView[] } }>(
      'query ($id: ID!) { experiment(id: $id) { loop { status error } stages { kind status error failed } } }',
      { id },
    ));
    return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
  }, 20_000, 100);
}

const chatRequests = (sim: Simulator) => sim.stats().requests.total;
const modelRequests = (sim: Simulator) => (sim.stats().routes['GET /v1/models'] ?? 0) + (sim.stats().routes['GET /v1/models/{id}'] ?? 0);

describe.skipIf(NO_DATABASE)(`a refused key, a missing model or an unreachable endpoint stops the stage at once (${TEST_DB})`, () => {
  const started: { stop(): Promise<unknown> }[] = [];
  const sim = async (options: Parameters<typeof startSimulator>[0]) => {
    const s = await startSimulator(options);
    started.push({ stop: () => s.close() });
    return s;
  };
  const app = async (env: Record<string, string>) => {
    const a = await startTestApp({ LLM_CONCURRENCY: '4', WORKER_JOB_CONCURRENCY: '2', ...env });
    started.push(a);
    return a;
  };
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
  });
  afterAll(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
  });

  it('fails GENERATE_PAIRS with the endpoint\'s 401 message and sends no item when the key is refused', async () => {
    const endpoint = await sim({ apiKey: 'the-right-key-0123' });
    const service = await app({ OPENAI_BASE_URL: endpoint.url, OPENAI_API_KEY: 'a-wrong-key-9876' });
    const experiment = await loopUntilStopped(service, { generatorModel: 'sim-generator', judgeModel: 'sim-judge' });
    const stage = experiment.stages.find((s) => s.kind === 'GENERATE_PAIRS')!;
    expect(stage.status).toBe('FAILED');
    expect(stage.error).toContain('endpoint "default" refused or did not answer GET /models: HTTP 401');
    expect(stage.error).toContain('Incorrect API key provided: a-w***9876');
    expect(stage.error).not.toContain('a-wrong-key-9876');
    expect(experiment.loop.status).toBe('FAILED');
    expect(experiment.loop.error).toContain('Incorrect API key provided');
    expect(chatRequests(endpoint)).toBe(0);
    expect(modelRequests(endpoint)).toBeLessThanOrEqual(2);
  });

  it('fails with the endpoint\'s 404 message and sends no item when the model is not served', async () => {
    const endpoint = await sim({});
    const service = await app({ OPENAI_BASE_URL: endpoint.url });
    const experiment = await loopUntilStopped(service, { generatorModel: 'llama-3-70b-missing', judgeModel: 'sim-judge' });
    const stage = experiment.stages.find((s) => s.kind === 'GENERATE_PAIRS')!;
    expect(stage.status).toBe('FAILED');
    expect(stage.error).toContain('endpoint "default" does not serve the model "llama-3-70b-missing": HTTP 404');
    expect(stage.error).toContain("The model 'llama-3-70b-missing' does not exist");
    expect(experiment.loop.error).toContain('does not serve the model "llama-3-70b-missing"');
    expect(chatRequests(endpoint)).toBe(0);
    expect(modelRequests(endpoint)).toBe(2);
  });

  it('fails within a few tries when nothing listens at the endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const service = await app({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    const experiment = await loopUntilStopped(service, { generatorModel: 'm', judgeModel: 'm' });
    const stage = experiment.stages.find((s) => s.kind === 'GENERATE_PAIRS')!;
    expect(stage.status).toBe('FAILED');
    expect(stage.error).toContain('endpoint "default" refused or did not answer GET /models');
    expect(stage.error).toContain('after 3 attempts');
    expect(stage.error).toMatch(/ECONNREFUSED|Connection error/);
  });

  it('stops sending when the endpoint refuses items mid-stage (insufficient_quota) and fails with its message', async () => {
    const endpoint = await sim({ quotaExceeded: true });
    const service = await app({ OPENAI_BASE_URL: endpoint.url });
    const experiment = await loopUntilStopped(service, { generatorModel: 'sim-generator', judgeModel: 'sim-judge' });
    const stage = experiment.stages.find((s) => s.kind === 'GENERATE_PAIRS')!;
    expect(stage.status).toBe('FAILED');
    expect(stage.error).toContain("stopped: the endpoint refused the stage's requests: HTTP 429");
    expect(stage.error).toContain('You exceeded your current quota');
    expect(experiment.loop.error).toContain('You exceeded your current quota');
    // 20 instructions are 40 requests; at most the 4 in flight per worker process, and each one's follower, went out.
    expect(chatRequests(endpoint)).toBeGreaterThanOrEqual(1);
    expect(chatRequests(endpoint)).toBeLessThanOrEqual(8);
    expect(endpoint.stats().requests.byOutcome.quota_exceeded).toBe(chatRequests(endpoint));
  });
});
