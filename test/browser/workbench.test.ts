/**
 * The dashboard as a workbench, clicked through in a real chromium: create an experiment and import
 * a file from the page, run the loop, watch the feed, filter every judgment by verdict and order,
 * open a pair from the feed, sort the experiments table, evaluate a judge, and read every page at 375 px without
 * horizontal scrolling. Screenshots of each page go to test-artifacts/ (the ones in docs/ are copies).
 */
import { mkdir, readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { findChromium, launchBrowser } from '../helpers/browser.js';
import type { TestBrowser } from '../helpers/browser.js';

const CHROMIUM = findChromium();
const EIGHT = (await readFile('data/instructions/vicuna-bench-questions.jsonl', 'utf8')).split('\n').slice(20, 28).join('\n');

describe.skipIf(!CHROMIUM && !process.env.CI)('the dashboard as a workbench', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let root: string;
  let experimentId: string;
  let iterationId: string;
  let pairId: string;
  const errors: string[] = [];

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => dataOf(await app.gql<T>(query, variables));
  const judgmentTotal = async (filter: Record<string, unknown>) =>
    (await gql<{ iteration: { judgments: { totalCount: number } } }>('query ($id: ID!, $f: JudgmentFilter) { iteration(id: $id) { judgments(first: 0, filter: $f) { totalCount } } }', { id: iterationId, f: filter })).iteration.judgments.totalCount;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SIM_LATENCY_MS: '20', LLM_CONCURRENCY: '2', WORKER_BATCH_SIZE: '2' }), launchBrowser(CHROMIUM ?? 'chromium')]);
    root = app.url.replace(/graphql$/, '');
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await mkdir('test-artifacts', { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('creates an experiment and imports a file from the page', async () => {
    await page.goto(root);
    await page.locator('[data-action="create-experiment"] input[name="name"]').fill('workbench');
    await page.locator('[data-action="create-experiment"] input[name="samples"]').fill('5');
    await page.locator('[data-action="create-experiment"] button[type="submit"]').click();
    await page.locator('h1', { hasText: 'workbench' }).waitFor();
    experimentId = /#\/experiments\/(\d+)$/.exec(page.url())![1]!;
    const config = (await gql<{ experiment: { name: string; config: { samplesPerOrder: number } } }>('query ($id: ID!) { experiment(id: $id) { name config { samplesPerOrder } } }', { id: experimentId })).experiment;
    expect(config).toEqual({ name: 'workbench', config: { samplesPerOrder: 5 } });

    await page.locator('[data-action="import"] input[type="file"]').setInputFiles({ name: 'six.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(EIGHT) });
    await page.locator('[data-action="import"] button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-action-message="import"]').textContent()).toBe('8 imported, 0 duplicates skipped; 8 instructions in all');
    // The head is read again after the action.
    await page.locator('main p', { hasText: /^8 instructions · judge sim-judge/ }).waitFor();

    // A file with a bad line stores nothing and says which line.
    await page.locator('[data-action="import"] input[type="file"]').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from('{"instruction": "ok"}\nnot json\n') });
    await page.locator('[data-action="import"] button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-action-message="import"]').textContent()).toMatch(/^nothing stored: line 2: /);
    expect((await gql<{ experiment: { instructionCount: number } }>('query ($id: ID!) { experiment(id: $id) { instructionCount } }', { id: experimentId })).experiment.instructionCount).toBe(8);
  });

  it('runs the loop from the page and watches the feed of its iteration', async () => {
    await page.locator('[data-action="run-loop"] input[name="iterations"]').fill('1');
    await page.locator('[data-action="run-loop"] button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-action-message="run-loop"]').textContent()).toBe('loop RUNNING to iteration 1');
    iterationId = await eventually(async () => (await gql<{ experiment: { iterations: { id: string }[] } }>('query ($id: ID!) { experiment(id: $id) { iterations { id } } }', { id: experimentId })).experiment.iterations[0]?.id, 60_000, 50);
    await page.locator(`[data-iterations] a[data-iteration="1"]`).click();
    await page.locator('h1', { hasText: 'Iteration 1' }).waitFor();
    await page.locator('[data-seq]').first().waitFor({ timeout: 30_000 });
    await eventually(async () => ((await gql<{ experiment: { loop: { status: string } } }>('query ($id: ID!) { experiment(id: $id) { loop { status } } }', { id: experimentId })).experiment.loop.status === 'SUCCEEDED' ? true : undefined), 120_000, 100);
    const total = await judgmentTotal({});
    // The feed shows the latest 30, newest first, ending at the last seq.
    await expect.poll(() => page.locator('[data-seq]').first().getAttribute('data-seq')).toBe(String(total));
    await page.screenshot({ path: 'test-artifacts/dashboard-iteration.png' });
  });

  it('filters every judgment by verdict and order, with the matching total and load more', async () => {
    const rows = page.locator('[data-browse] [data-browse-seq]');
    const all = await judgmentTotal({});
    await expect.poll(() => page.locator('[data-judgment-total]').textContent()).toBe(`${all} match`);
    // 50 a page, then "load more" follows the cursor.
    expect(all).toBeGreaterThan(50);
    await expect.poll(() => rows.count()).toBe(50);
    await page.locator('[data-load-more="judgments"]').click();
    await expect.poll(() => rows.count()).toBe(Math.min(all, 100));

    await page.locator('select[data-filter="verdict"]').selectOption('A');
    const verdictA = await judgmentTotal({ verdict: 'A' });
    await expect.poll(() => page.locator('[data-judgment-total]').textContent()).toBe(`${verdictA} match`);
    await expect.poll(() => rows.count()).toBe(Math.min(verdictA, 50));
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict'))))).toEqual(new Set(['A']));

    await page.locator('select[data-filter="order"]').selectOption('CHOSEN_SECOND');
    const aSecond = await judgmentTotal({ verdict: 'A', order: 'CHOSEN_SECOND' });
    await expect.poll(() => page.locator('[data-judgment-total]').textContent()).toBe(`${aSecond} match`);
    await expect.poll(() => rows.count()).toBe(Math.min(aSecond, 50) || 0);
    const seen = await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-verdict')}/${e.getAttribute('data-order')}`));
    expect(seen.every((s) => s === 'A/CHOSEN_SECOND')).toBe(true);
    await page.locator('select[data-filter="verdict"]').selectOption('');
    await page.locator('select[data-filter="order"]').selectOption('');
  });

  it('opens a pair from the feed: its texts, every judgment in both orders and the judge prompt', async () => {
    const link = page.locator('[data-feed] [data-seq] a[data-pair-link]').first();
    pairId = (await link.getAttribute('data-pair-link'))!;
    await link.click();
    await page.locator('h1', { hasText: `Pair ${pairId}` }).waitFor();
    const pair = (await gql<{ pair: { chosen: string; rejected: string; modifiedInstruction: string; instruction: { text: string }; judgments: { totalCount: number } } }>(
      'query ($id: ID!) { pair(id: $id) { chosen rejected modifiedInstruction instruction { text } judgments(first: 0) { totalCount } } }',
      { id: pairId },
    )).pair;
    expect(await page.locator('[data-text="x"] pre').textContent()).toBe(pair.instruction.text);
    expect(await page.locator('[data-text="x-prime"] pre').textContent()).toBe(pair.modifiedInstruction);
    expect(await page.locator('[data-text="chosen"] pre').textContent()).toBe(pair.chosen);
    expect(await page.locator('[data-text="rejected"] pre').textContent()).toBe(pair.rejected);
    // Five samples in each of the two orders.
    expect(pair.judgments.totalCount).toBe(10);
    const orders = await page.locator('[data-pair-judgments] tr[data-judgment]').evaluateAll((els) => els.map((e) => e.getAttribute('data-order')).sort());
    expect(orders).toEqual([...Array(5).fill('CHOSEN_FIRST'), ...Array(5).fill('CHOSEN_SECOND')]);
    // The prompt with y_w second shows y_l as answer A and y_w as answer B.
    await page.locator('[data-prompt="CHOSEN_SECOND"] summary').click();
    const prompt = (await page.locator('[data-prompt="CHOSEN_SECOND"] pre').last().textContent())!;
    expect(prompt.indexOf(pair.rejected)).toBeGreaterThan(-1);
    expect(prompt.indexOf(pair.rejected)).toBeLessThan(prompt.indexOf(pair.chosen));
    expect(prompt).toContain(pair.instruction.text);
    await page.screenshot({ path: 'test-artifacts/dashboard-pair.png', fullPage: true });
  });

  it('sorts the experiments table on the landing page', async () => {
    await gql('mutation { createExperiment(name: "a second one") { id } }');
    await page.goto(root);
    const names = () => page.locator('[data-experiments-table] tbody tr td:first-child a').allTextContents();
    await expect.poll(names).toEqual(['a second one', 'workbench']);
    await page.locator('button[data-sort="iterations"]').click();
    await expect.poll(names).toEqual(['workbench', 'a second one']);
    expect(await page.locator('button[data-sort="iterations"]').getAttribute('aria-sort')).toBe('descending');
    await page.locator('button[data-sort="iterations"]').click();
    await expect.poll(names).toEqual(['a second one', 'workbench']);
    await page.screenshot({ path: 'test-artifacts/dashboard-home.png' });
  });

  it('evaluates the trained judge from the page and shows accuracy per judge and subset as numbers', async () => {
    const content = JSON.stringify((JSON.parse(await readFile('data/eval/llmbar/natural.json', 'utf8')) as unknown[]).slice(0, 10));
    await gql('mutation ($c: String!) { importBenchmark(name: "natural10", content: $c, format: LLMBAR, subset: "llmbar-natural") { benchmark { id } } }', { c: content });
    await page.goto(`${root}#/experiments/${experimentId}`);
    await page.locator('[data-action="evaluate"]').waitFor();
    await page.locator('[data-action="evaluate"] select[name="judge"]').selectOption(iterationId);
    await page.locator('[data-action="evaluate"] button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-action-message="evaluate"]').textContent()).toMatch(/^evaluation \d+ (queued|running|succeeded)$/);
    const evaluationId = /^evaluation (\d+)/.exec((await page.locator('[data-action-message="evaluate"]').textContent())!)![1]!;
    const evaluation = await eventually(async () => {
      const e = (await gql<{ evaluation: { status: string; iterationId: string; overall: { accuracy: { value: number } } } }>(
        'query ($id: ID!) { evaluation(id: $id) { status iterationId overall { accuracy { value } } } }',
        { id: evaluationId },
      )).evaluation;
      return e.status === 'SUCCEEDED' ? e : undefined;
    }, 60_000, 100);
    expect(evaluation.iterationId).toBe(iterationId);
    // The page draws the finished evaluation: M2 (trained by iteration 1) in the table, with its accuracy.
    const cell = page.locator('[data-accuracy-table="natural10"] tr[data-judge="M2"] td.num').first();
    await expect.poll(() => cell.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^${(100 * evaluation.overall.accuracy.value).toFixed(1)}% `));
    await page.screenshot({ path: 'test-artifacts/dashboard-experiment.png', fullPage: true });
  });

  it('reads every page at 375 px without horizontal scrolling', async () => {
    const phone = await browser.context.newPage();
    phone.on('pageerror', (error) => errors.push(error.message));
    await phone.setViewportSize({ width: 375, height: 812 });
    for (const [hash, ready] of [
      ['#/', '[data-experiments-table]'],
      [`#/experiments/${experimentId}`, '[data-iterations]'],
      [`#/iterations/${iterationId}`, '[data-browse-seq]'],
      [`#/pairs/${pairId}`, '[data-pair-judgments]'],
    ] as const) {
      await phone.goto(`${root}${hash}`);
      await phone.locator(ready).first().waitFor();
      const widths = await phone.evaluate<number[]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
      expect({ hash, widths }).toEqual({ hash, widths: [375, 375] });
    }
    await phone.goto(`${root}#/iterations/${iterationId}`);
    await phone.locator('[data-browse-seq]').first().waitFor();
    await phone.screenshot({ path: 'test-artifacts/dashboard-375.png' });
    await phone.close();
    expect(errors).toEqual([]);
  });
});
