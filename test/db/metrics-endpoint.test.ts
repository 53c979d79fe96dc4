/**
 * GET /metrics: Prometheus text (read with a strict parser) whose counters move with a stage:
 * items done, responses by status, latency histograms by endpoint and model, tokens and cost,
 * plus the gauges (queue depth, limiter, WebSocket connections) and event-loop lag.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { parsePrometheusText, sampleValue, type Exposition } from '../helpers/prom-text.js';

const INSTRUCTIONS = Array.from({ length: 8 }, (_, i) => JSON.stringify({ instruction: `Name ${i + 1} ways to keep bread fresh for a week.` })).join('\n');
const ADMIN = 'a'.repeat(40);
const READER = 'r'.repeat(40);

describe.skipIf(NO_DATABASE)(`GET /metrics (${TEST_DB})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    const prices = path.join(mkdtempSync(path.join(tmpdir(), 'ste-metrics-')), 'prices.json');
    writeFileSync(prices, JSON.stringify({ default: { '*': { inputPerMillion: 1, outputPerMillion: 2 } } }));
    app = await startTestApp({ SIM_LATENCY_MS: '5', STE_PRICES: prices, API_TOKENS: `admin:${ADMIN},reader:${READER}` });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(`${app.url.replace(/\/graphql$/, '')}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query, variables }) });
    return dataOf((await res.json()) as { data?: T; errors?: unknown[] });
  };
  type Stage = { id: string; status: string; total: number; done: number; promptTokens: number; completionTokens: number; cost: { amount: string } | null };
  const waitFor = (id: string) =>
    eventually(async () => {
      const { stage } = await gql<{ stage: Stage }>(`query ($id: ID!) { stage(id: $id) { id status total done promptTokens completionTokens cost { amount } } }`, { id });
      return stage.status === 'SUCCEEDED' ? stage : undefined;
    }, 60_000);

  it('is for admins only on the API port', async () => {
    const base = app.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const reader = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${READER}` } });
    expect(reader.status).toBe(403);
    expect(await reader.json()).toEqual({ errors: [{ message: 'this needs the admin role; the token has reader', extensions: { code: 'FORBIDDEN' } }] });
  });

  it('gauges open WebSocket connections', async () => {
    const open = async () => sampleValue(await scrape(), 'ste_websocket_connections');
    const before = await open();
    const socket = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { authorization: `Bearer ${ADMIN}` } });
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    expect(await eventually(async () => ((await open()) === before + 1 ? true : undefined), 10_000)).toBe(true);
    socket.close();
    expect(await eventually(async () => ((await open()) === before ? true : undefined), 10_000)).toBe(true);
    expect((await scrape()).types.get('ste_websocket_slow_consumer_closes_total')).toBe('counter');
  });

  it('counts items, responses, latencies, tokens and cost as a stage runs', async () => {
    const before = await scrape();
    expect(before.types.get('ste_llm_request_duration_seconds')).toBe('histogram');
    expect(before.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(before.types.get('ste_queue_depth')).toBe('gauge');
    expect(sampleValue(before, 'ste_llm_concurrency_limit', { endpoint: 'default' })).toBe(64);

    const id = (await gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "metrics", config: { samplesPerOrder: 1 }) { id } }`)).createExperiment.id;
    await gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, { id, content: INSTRUCTIONS });
    const pairs = await waitFor((await gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id })).generatePairs.id);
    const iteration = (await gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id })).startIteration.id;
    const judge = await waitFor((await gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iteration })).judgePairs.id);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('ste_stage_items_total', { kind: 'GENERATE_PAIRS', outcome: 'done' })).toBe(pairs.total);
    expect(moved('ste_stage_items_total', { kind: 'JUDGE', outcome: 'done' })).toBe(judge.total);
    expect(moved('ste_stage_items_total', { kind: 'JUDGE', outcome: 'failed' })).toBe(0);
    // Tokens as written with the judge stage's results; cost in USD at 1 and 2 per million.
    expect(moved('ste_tokens_total', { endpoint: 'default', model: 'sim-judge', type: 'prompt' })).toBe(judge.promptTokens);
    expect(moved('ste_tokens_total', { endpoint: 'default', model: 'sim-judge', type: 'completion' })).toBe(judge.completionTokens);
    expect(moved('ste_cost_usd_total', { endpoint: 'default', model: 'sim-judge' })).toBeCloseTo(Number(judge.cost!.amount), 9);
    // One judge request per item (n samples in one request): the histogram counts each attempt.
    const judgeAttempts = moved('ste_llm_request_duration_seconds_count', { endpoint: 'default', model: 'sim-judge' });
    expect(judgeAttempts).toBe(judge.total);
    expect(moved('ste_llm_request_duration_seconds_bucket', { endpoint: 'default', model: 'sim-judge', le: '+Inf' })).toBe(judgeAttempts);
    expect(moved('ste_llm_responses_total', { endpoint: 'default', status: '200' })).toBeGreaterThanOrEqual(judge.total + pairs.total);
    expect(moved('ste_llm_retries_total', { endpoint: 'default', reason: 'rate_limited' })).toBe(0);
    // Every batch's commit is timed: its wait for the stage's turn and its transaction. The judge
    // stage's items fit one queue job (WORKER_BATCH_SIZE 32), so one commit.
    expect(judge.total).toBeLessThanOrEqual(32);
    expect(moved('ste_stage_batch_commit_seconds_count', { kind: 'JUDGE' })).toBe(1);
    expect(moved('ste_stage_batch_commit_wait_seconds_count', { kind: 'JUDGE' })).toBe(1);
    expect(moved('ste_stage_batch_commit_seconds_sum', { kind: 'JUDGE' })).toBeGreaterThan(0);
    expect([moved('ste_stage_commit_batches_count', { kind: 'JUDGE' }), moved('ste_stage_commit_batches_sum', { kind: 'JUDGE' })]).toEqual([1, 1]);
    expect(sampleValue(after, 'ste_queue_depth', { queue: 'stage-batch' })).toBe(0);
    expect(sampleValue(after, 'ste_llm_in_flight', { endpoint: 'default' })).toBe(0);
  });
});
