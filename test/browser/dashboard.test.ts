import { mkdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { findChromium, launchBrowser } from '../helpers/browser.js';
import type { TestBrowser } from '../helpers/browser.js';
import { startProxy } from '../helpers/proxy.js';
import type { CuttableProxy } from '../helpers/proxy.js';

const CHROMIUM = findChromium();
const TEN = (await readFile('data/instructions/vicuna-bench-questions.jsonl', 'utf8')).split('\n').slice(0, 10).join('\n');
const LLMBAR = JSON.stringify((JSON.parse(await readFile('data/eval/llmbar/natural.json', 'utf8')) as unknown[]).slice(0, 12));

// CI installs chromium (.ci/run); elsewhere the suite is skipped, with this notice, when it is missing.
if (!CHROMIUM) console.warn('dashboard tests skipped: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)');

describe.skipIf(!CHROMIUM && !process.env.CI)('the dashboard in a real browser', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let proxy: CuttableProxy;
  let experimentId: string;
  let benchmarkId: string;

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => dataOf(await app.gql<T>(query, variables));
  const stage = async (mutation: string, argument: string, id: string) =>
    (await gql<Record<string, { id: string }>>(`mutation ($id: ID!) { ${mutation}(${argument}: $id) { id } }`, { id }))[mutation]!.id;
  const evaluate = async (judge: 'experimentId' | 'iterationId', id: string) =>
    (await gql<{ evaluateJudge: { id: string } }>(`mutation ($b: ID!, $id: ID!) { evaluateJudge(benchmarkId: $b, ${judge}: $id) { id } }`, { b: benchmarkId, id })).evaluateJudge.id;
  const evaluated = (evaluationId: string) =>
    eventually(async () => ((await gql<{ evaluation: { status: string } }>(`query ($id: ID!) { evaluation(id: $id) { status } }`, { id: evaluationId })).evaluation.status === 'SUCCEEDED' ? true : undefined), 30_000, 25);
  const finished = (stageId: string) =>
    eventually(async () => ((await gql<{ stage: { status: string } }>(`query ($id: ID!) { stage(id: $id) { status } }`, { id: stageId })).stage.status === 'SUCCEEDED' ? true : undefined), 30_000, 25);

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startTestApp({ SIM_LATENCY_MS: '20', LLM_CONCURRENCY: '2', WORKER_BATCH_SIZE: '2' }),
      launchBrowser(CHROMIUM ?? 'chromium'),
    ]);
    proxy = await startProxy(app.url);
    experimentId = (await gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "dashboard", config: { samplesPerOrder: 2 }) { id } }`)).createExperiment.id;
    await gql(`mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }`, { id: experimentId, c: TEN });
    benchmarkId = (await gql<{ importBenchmark: { benchmark: { id: string } } }>(
      `mutation ($c: String!) { importBenchmark(name: "natural12", content: $c, format: LLMBAR, subset: "llmbar-natural") { benchmark { id } } }`,
      { c: LLMBAR },
    )).importBenchmark.benchmark.id;
    await finished(await stage('generatePairs', 'experimentId', experimentId));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await app?.stop();
  });

  it('shows judgments as they arrive, resumes after a dropped connection, and charts the judges', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const iterationId = (await gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id: experimentId })).startIteration.id;
    const seedEvaluation = await evaluate('experimentId', experimentId);

    // Through the proxy, so that the connection can be dropped under the page.
    await page.goto(proxy.url.replace(/graphql$/, `#/iterations/${iterationId}`));
    await page.locator('[data-placeholder]').waitFor();
    await page.locator('.live-status.live').waitFor();
    await eventually(async () => (proxy.webSockets() > 0 ? true : undefined), 10_000, 20);

    const judging = await stage('judgePairs', 'iterationId', iterationId);
    await page.locator('[data-seq]').first().waitFor({ timeout: 15_000 });
    // Judgments shown live; now the network drops while the rest are stored.
    proxy.hold();
    await page.locator('.live-status.reconnecting').waitFor();
    await finished(judging);
    proxy.release();
    const total = (await gql<{ iteration: { stats: { judgments: number } } }>(`query ($id: ID!) { iteration(id: $id) { stats { judgments } } }`, { id: iterationId })).iteration.stats.judgments;
    await expect.poll(() => page.locator('[data-seq]').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(total);
    const seqs = await page.locator('[data-seq]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => total - i));

    // The reasoning opens on click, as stored.
    const first = await gql<{ iteration: { judgments: { edges: { node: { reasoning: string } }[] } } }>(
      `query ($id: ID!) { iteration(id: $id) { judgments(first: 1) { edges { node { reasoning } } } } }`,
      { id: iterationId },
    );
    await page.locator('[data-seq="1"]').click();
    expect(await page.locator('[data-seq="1"] .reasoning').textContent()).toBe(first.iteration.judgments.edges[0]!.node.reasoning);

    await finished(await stage('selectJudgments', 'iterationId', iterationId));
    await finished(await stage('trainJudge', 'iterationId', iterationId));
    await evaluated(seedEvaluation);
    await evaluated(await evaluate('iterationId', iterationId));
    await page.goto(app.url.replace(/graphql$/, `#/experiments/${experimentId}`));
    await page.locator('[data-iterations] a[data-iteration="1"]').waitFor();
    await expect.poll(() => page.locator('svg[data-chart="train-accuracy"] circle').count()).toBe(1);
    await expect.poll(() => page.locator('svg[data-chart="ab-balance"] rect').count()).toBe(2);
    await expect.poll(() => page.locator('svg[data-chart="unparseable"] rect').count()).toBe(1);
    // Benchmark accuracy of M1 (the seed) and M2, with intervals, and what changed item by item.
    await expect.poll(() => page.locator('[data-benchmark="natural12"] svg[data-chart="benchmark"] circle').count()).toBe(2);
    expect(await page.locator('svg[data-chart="benchmark"] .whisker').count()).toBe(2);
    const changes = await Promise.all(['fixed', 'broken', 'still wrong', 'still right'].map((c) => page.locator(`[data-change="${c}"] .value`).textContent()));
    expect(changes.reduce((sum, n) => sum + Number(n), 0)).toBe(12);

    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!CHROMIUM && !process.env.CI)('the dashboard with API tokens', () => {
  const READER = 'dashboard-reader-0123456789ab';
  const OPERATOR = 'dashboard-operator-0123456789';
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ API_TOKENS: `reader:${READER},operator:${OPERATOR}` }), launchBrowser(CHROMIUM ?? 'chromium')]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('asks for a token, keeps it in the browser, and sends it on HTTP and in connection_init', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR}` },
      body: JSON.stringify({ query: 'mutation { createExperiment(name: "locked") { id } }' }),
    });
    const { id } = ((await response.json()) as { data: { createExperiment: { id: string } } }).data.createExperiment;
    const page = await browser.context.newPage();
    const root = app.url.replace(/graphql$/, '');
    await page.goto(`${root}#/experiments/${id}`);
    await page.locator('#token-form:not([hidden])').waitFor();
    await page.locator('#token-input').fill(READER);
    await page.locator('#token-form button[type="submit"]').click();
    await page.locator('h1', { hasText: 'locked' }).waitFor();
    // The page's subscription (stageUpdated) was accepted: the socket is live.
    await page.locator('.live-status.live').waitFor();
    await page.reload();
    await page.locator('h1', { hasText: 'locked' }).waitFor();
    expect(await page.locator('#token-form').isHidden()).toBe(true);
  });
});
