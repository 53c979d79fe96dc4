/**
 * The evaluation diff and text search in a real chromium: a seed judge and the judge one iteration
 * trained, both evaluated on 192 LLMBar items; the page lists the diff's items 100 at a time with
 * "load more", filters them by change and subset, and a row opens the item page with both answers
 * and the reasoning of both judges in both orders. The iteration's judgments are found by words.
 * Screenshots go to test-artifacts/.
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
const SUBSETS = ['llmbar-natural', 'llmbar-adver-GPTInst'];

type DiffNode = { change: string; item: { id: string; subset: string; prompt: string; chosen: string; rejected: string } };
type DiffPage = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: DiffNode }[] };

describe.skipIf(!CHROMIUM && !process.env.CI)('the evaluation diff, its item pages and text search', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let root: string;
  let experimentId: string;
  let iterationId: string;
  let seedEvaluation: string;
  let trainedEvaluation: string;
  const errors: string[] = [];

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => dataOf(await app.gql<T>(query, variables));
  const diffPage = async (variables: Record<string, unknown>) =>
    (await gql<{ evaluationDiff: { itemPage: DiffPage } }>(
      `query ($a: ID!, $b: ID!, $first: Int, $after: String, $changes: [ItemChange!], $subset: String) { evaluationDiff(a: $a, b: $b) {
        itemPage(first: $first, after: $after, changes: $changes, subset: $subset) { totalCount pageInfo { hasNextPage endCursor } edges { node { change item { id subset prompt chosen rejected } } } } } }`,
      { a: seedEvaluation, b: trainedEvaluation, first: 500, ...variables },
    )).evaluationDiff.itemPage;
  const evaluate = async (judge: Record<string, string>, benchmarkId: string) => {
    const id = (await gql<{ evaluateJudge: { id: string } }>(
      'mutation ($b: ID!, $e: ID, $i: ID, $s: [String!]) { evaluateJudge(benchmarkId: $b, experimentId: $e, iterationId: $i, options: { subsets: $s }) { id } }',
      { b: benchmarkId, e: judge.experimentId ?? null, i: judge.iterationId ?? null, s: SUBSETS },
    )).evaluateJudge.id;
    await eventually(async () => ((await gql<{ evaluation: { status: string } }>('query ($id: ID!) { evaluation(id: $id) { status } }', { id })).evaluation.status === 'SUCCEEDED' ? true : undefined), 120_000, 100);
    return id;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SIM_LATENCY_MS: '5' }), launchBrowser(CHROMIUM ?? 'chromium')]);
    root = app.url.replace(/graphql$/, '');
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await mkdir('test-artifacts', { recursive: true });
    experimentId = (await gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "diff", config: { samplesPerOrder: 2 }) { id } }')).createExperiment.id;
    await gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id: experimentId, content: EIGHT });
    await gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id: experimentId });
    const experiment = await eventually(async () => {
      const e = (await gql<{ experiment: { loop: { status: string }; iterations: { id: string }[] } }>('query ($id: ID!) { experiment(id: $id) { loop { status } iterations { id } } }', { id: experimentId })).experiment;
      return e.loop.status === 'RUNNING' ? undefined : e;
    }, 120_000, 100);
    expect(experiment.loop.status).toBe('SUCCEEDED');
    iterationId = experiment.iterations[0]!.id;
    const benchmarkId = (await gql<{ importBundledBenchmark: { benchmark: { id: string } } }>('mutation { importBundledBenchmark(name: "llmbar") { benchmark { id } } }')).importBundledBenchmark.benchmark.id;
    seedEvaluation = await evaluate({ experimentId }, benchmarkId);
    trainedEvaluation = await evaluate({ iterationId: experiment.iterations[0]!.id }, benchmarkId);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('pages past 100 diff items with load more, and filters them by change and subset', async () => {
    await page.goto(`${root}#/experiments/${experimentId}`);
    const rows = page.locator('[data-diff-items] tr[data-diff-item]');
    const count = page.locator('[data-diff-items] .filters .muted');
    // By default the items not right in both, in item id order.
    const notRight = await diffPage({ changes: ['FIXED', 'BROKEN', 'STILL_WRONG'] });
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe(`${Math.min(100, notRight.totalCount)} of ${notRight.totalCount} shown`);

    await page.locator('select[data-diff-filter="change"]').selectOption('ALL');
    const all = await diffPage({});
    expect(all.totalCount).toBe(192);
    await expect.poll(() => count.textContent()).toBe('100 of 192 shown');
    expect(await rows.count()).toBe(100);
    await page.locator('[data-load-more="diff"]').click();
    await expect.poll(() => count.textContent()).toBe('192 of 192 shown');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-diff-item')))).toEqual(all.edges.map((e) => e.node.item.id));
    expect(await page.locator('[data-load-more="diff"]').count()).toBe(0);

    await page.locator('select[data-diff-filter="subset"]').selectOption('llmbar-adver-GPTInst');
    const gptInst = await diffPage({ subset: 'llmbar-adver-GPTInst' });
    expect(gptInst.totalCount).toBe(92);
    await expect.poll(() => count.textContent()).toBe('92 of 92 shown');
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.children[1]!.textContent)))).toEqual(new Set(['llmbar-adver-GPTInst']));

    await page.locator('select[data-diff-filter="change"]').selectOption('STILL_RIGHT');
    const stillRight = await diffPage({ subset: 'llmbar-adver-GPTInst', changes: ['STILL_RIGHT'] });
    await expect.poll(() => count.textContent()).toBe(`${Math.min(100, stillRight.totalCount)} of ${stillRight.totalCount} shown`);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-change')))).toEqual(stillRight.edges.map(() => 'STILL_RIGHT'));
    await page.screenshot({ path: 'test-artifacts/dashboard-diff.png', fullPage: true });
  });

  it('opens the item page from a diff row: both answers and both judges\' reasoning in both orders', async () => {
    await page.locator('select[data-diff-filter="subset"]').selectOption('');
    await page.locator('select[data-diff-filter="change"]').selectOption('ALL');
    const all = await diffPage({});
    // The row of an item that changed if there is one, else the first.
    const target = (all.edges.find((e) => e.node.change === 'FIXED' || e.node.change === 'BROKEN') ?? all.edges[0]!).node;
    const row = page.locator(`[data-diff-items] tr[data-diff-item="${target.item.id}"]`);
    await row.locator('td.prompt a').click();
    await page.locator('[data-judged-by="after"]').waitFor();
    expect(page.url()).toBe(`${root}#/evaluations/${trainedEvaluation}/items/${target.item.id}?against=${seedEvaluation}`);
    expect(await page.locator('[data-text="prompt"] pre').textContent()).toBe(target.item.prompt);
    expect(await page.locator('[data-text="chosen"] pre').textContent()).toBe(target.item.chosen);
    expect(await page.locator('[data-text="rejected"] pre').textContent()).toBe(target.item.rejected);
    expect(await page.locator('[data-item-change]').getAttribute('data-item-change')).toBe(target.change);

    type Item = { evaluation: { items: { edges: { node: { right: boolean; chosenFirst: { verdict: string; samples: { reasoning: string }[] }; chosenSecond: { verdict: string; samples: { reasoning: string }[] } } }[] } } };
    for (const [label, id] of [['before', seedEvaluation], ['after', trainedEvaluation]] as const) {
      const node = (await gql<Item>(
        'query ($id: ID!, $item: ID!) { evaluation(id: $id) { items(first: 1, filter: { itemId: $item }) { edges { node { right chosenFirst { verdict samples { reasoning } } chosenSecond { verdict samples { reasoning } } } } } } }',
        { id, item: target.item.id },
      )).evaluation.items.edges[0]!.node;
      const judged = page.locator(`[data-judged-by="${label}"]`);
      expect(await judged.getAttribute('data-right')).toBe(String(node.right));
      for (const [order, verdicts] of [['CHOSEN_FIRST', node.chosenFirst], ['CHOSEN_SECOND', node.chosenSecond]] as const) {
        const section = judged.locator(`[data-order="${order}"]`);
        expect(await section.getAttribute('data-verdict')).toBe(verdicts.verdict);
        expect(await section.locator('pre.reasoning').allTextContents()).toEqual(verdicts.samples.map((s) => s.reasoning));
      }
    }
    await page.screenshot({ path: 'test-artifacts/dashboard-evaluation-item.png', fullPage: true });

    // An item the evaluation never judged says so.
    await page.goto(`${root}#/evaluations/${trainedEvaluation}/items/999999?against=${seedEvaluation}`);
    await expect.poll(() => page.locator('main p.error').textContent()).toBe(`Item 999999 was not judged by evaluation ${trainedEvaluation}.`);
  });

  it("finds the iteration's judgments by words of their reasoning or instruction", async () => {
    const judgmentSeqs = async (filter: Record<string, unknown>) =>
      (await gql<{ iteration: { judgments: { totalCount: number; edges: { node: { seq: number } }[] } } }>(
        'query ($id: ID!, $f: JudgmentFilter) { iteration(id: $id) { judgments(first: 50, filter: $f) { totalCount edges { node { seq } } } } }',
        { id: iterationId, f: filter },
      )).iteration.judgments;
    await page.goto(`${root}#/iterations/${iterationId}`);
    const rows = page.locator('[data-browse] [data-browse-seq]');
    const total = page.locator('[data-judgment-total]');
    const all = await judgmentSeqs({});
    await expect.poll(() => total.textContent()).toBe(`${all.totalCount} match`);

    // The simulator's judge writes "Weighing relevance and completeness" in some reasonings only.
    const weighing = await judgmentSeqs({ search: 'weighs' });
    expect(weighing.totalCount).toBeGreaterThan(0);
    expect(weighing.totalCount).toBeLessThan(all.totalCount);
    await page.locator('input[data-filter="search"]').fill('weighs');
    await page.locator('input[data-filter="search"]').press('Enter');
    await expect.poll(() => total.textContent()).toBe(`${weighing.totalCount} match`);
    expect((await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-browse-seq')))).map(Number)).toEqual(weighing.edges.map((e) => e.node.seq));

    // With the other filters.
    await page.locator('select[data-filter="order"]').selectOption('CHOSEN_FIRST');
    const first = await judgmentSeqs({ search: 'weighs', order: 'CHOSEN_FIRST' });
    await expect.poll(() => total.textContent()).toBe(`${first.totalCount} match`);
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-order'))))).toEqual(new Set(first.totalCount ? ['CHOSEN_FIRST'] : []));
    await page.evaluate('document.querySelector(".filters form.search").scrollIntoView({ block: "start" })');
    await page.screenshot({ path: 'test-artifacts/dashboard-search.png' });

    // Stop words alone are refused with the server's message; clearing the box shows every judgment again.
    await page.locator('input[data-filter="search"]').fill('the of');
    await page.locator('form.search button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-search-error]').textContent()).toBe('filter.search: "the of" has no searchable word (only stop words such as "the" or punctuation)');
    expect(await rows.count()).toBe(0);
    await page.locator('select[data-filter="order"]').selectOption('');
    await page.locator('input[data-filter="search"]').fill('');
    await page.locator('form.search button[type="submit"]').click();
    await expect.poll(() => total.textContent()).toBe(`${all.totalCount} match`);
  });

  it('charts position bias and agreement per judge, and the time and tokens of every stage', async () => {
    await page.goto(`${root}#/experiments/${experimentId}`);
    type Overall = { chosenFirst: { value: number }; chosenSecond: { value: number }; agreementRate: { value: number } };
    for (const [judge, id] of [['M1 (seed)', seedEvaluation], ['M2', trainedEvaluation]] as const) {
      const o = (await gql<{ evaluation: { overall: Overall } }>('query ($id: ID!) { evaluation(id: $id) { overall { chosenFirst { value } chosenSecond { value } agreementRate { value } } } }', { id })).evaluation.overall;
      const cells = page.locator(`[data-position-bias-table="llmbar"] tr[data-judge="${judge}"] td`);
      await expect.poll(() => cells.allTextContents(), { timeout: 15_000 }).toEqual([
        judge,
        `${(100 * o.chosenFirst.value).toFixed(1)}%`,
        `${(100 * o.chosenSecond.value).toFixed(1)}%`,
        `${o.chosenFirst.value >= o.chosenSecond.value ? '+' : ''}${(100 * (o.chosenFirst.value - o.chosenSecond.value)).toFixed(1)}`,
        `${(100 * o.agreementRate.value).toFixed(1)}%`,
      ]);
    }
    expect(await page.locator('svg[data-chart="position-bias"] circle').count()).toBe(6);

    type Stage = { id: string; kind: string; startedAt: string | null; promptTokens: number; completionTokens: number };
    const stages = (await gql<{ experiment: { stages: Stage[] } }>('query ($id: ID!) { experiment(id: $id) { stages { id kind startedAt promptTokens completionTokens } } }', { id: experimentId })).experiment.stages.filter((s) => s.startedAt);
    const rows = page.locator('[data-stage-table] tr[data-stage]');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')))).toEqual(stages.map((s) => s.id).sort((a, b) => Number(a) - Number(b)));
    const judge = stages.find((s) => s.kind === 'JUDGE')!;
    expect(judge.promptTokens).toBeGreaterThan(0);
    const compact = (n: number) => (n < 1e3 ? String(Math.round(n)) : n < 1e6 ? `${(n / 1e3).toFixed(1)}k` : `${(n / 1e6).toFixed(1)}M`);
    expect(await page.locator(`[data-stage-table] tr[data-stage="${judge.id}"] td`).last().textContent()).toBe(`${compact(judge.promptTokens)} / ${compact(judge.completionTokens)}`);
    const kinds = [...new Set(stages.sort((a, b) => Number(a.id) - Number(b.id)).map((s) => s.kind))];
    expect(await page.locator('svg[data-chart="stage-tokens"] text.value').count()).toBe(kinds.length);
    await page.locator('[data-position-bias="llmbar"]').screenshot({ path: 'test-artifacts/dashboard-position-bias.png' });
    await page.locator('svg[data-chart="stage-tokens"]').locator('xpath=../..').screenshot({ path: 'test-artifacts/dashboard-stages.png' });
  });

  it('compares two experiments on one chart from the landing table', async () => {
    const other = (await gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "other") { id } }')).createExperiment.id;
    const benchmarkId = (await gql<{ importBundledBenchmark: { benchmark: { id: string } } }>('mutation { importBundledBenchmark(name: "llmbar") { benchmark { id } } }')).importBundledBenchmark.benchmark.id;
    const otherSeed = await evaluate({ experimentId: other }, benchmarkId);
    await page.goto(root);
    await page.locator(`input[data-pick="${experimentId}"]`).check();
    expect(await page.locator('[data-compare-link]').count()).toBe(0);
    await page.locator(`input[data-pick="${other}"]`).check();
    await page.locator('[data-compare-link]').click();
    await page.locator('[data-compare-table="compare-benchmark"]').waitFor();
    const accuracy = async (id: string) => (await gql<{ evaluation: { overall: { accuracy: { value: number } } } }>('query ($id: ID!) { evaluation(id: $id) { overall { accuracy { value } } } }', { id })).evaluation.overall.accuracy.value;
    const share = (v: number) => `${(100 * v).toFixed(1)}%`;
    const row = (id: string) => page.locator(`[data-compare-table="compare-benchmark"] tr[data-experiment="${id}"] td`).allTextContents();
    expect(await row(experimentId)).toEqual(['diff', share(await accuracy(seedEvaluation)), share(await accuracy(trainedEvaluation))]);
    expect(await row(other)).toEqual(['other', share(await accuracy(otherSeed)), '–']);
    // Two series: the experiment with two judges draws a line, the other a point.
    expect(await page.locator('svg[data-chart="compare-benchmark"] circle').count()).toBe(3);
    await page.screenshot({ path: 'test-artifacts/dashboard-compare.png', fullPage: true });

    await page.goto(`${root}#/compare?ids=${experimentId}`);
    await expect.poll(() => page.locator('main p.error').textContent()).toBe('Compare takes 2 to 8 experiment ids, as #/compare?ids=1,2: pick them in the experiments table.');
    await page.goto(`${root}#/compare?ids=${experimentId},999`);
    await expect.poll(() => page.locator('main p.error').textContent()).toBe('Experiment 999 not found.');
  });

  it("finds the experiment's instructions and pairs by words, pages them, and says when nothing matches", async () => {
    type PairNode = { id: string; status: string; instruction: { text: string } };
    const allPairs = (await gql<{ experiment: { pairs: { totalCount: number; edges: { node: PairNode }[] } } }>(
      'query ($id: ID!) { experiment(id: $id) { pairs(first: 500) { totalCount edges { node { id status instruction { text } } } } } }',
      { id: experimentId },
    )).experiment.pairs;
    const searches: unknown[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { variables?: { search?: unknown } } | null;
      if (body?.variables?.search) searches.push(body.variables.search);
    });
    await page.goto(`${root}#/experiments/${experimentId}`);
    const instructions = page.locator('[data-list="instructions"] [data-list-row]');
    const instructionTotal = page.locator('[data-list-total="instructions"]');
    await expect.poll(() => instructionTotal.textContent(), { timeout: 15_000 }).toBe('8 instructions');
    expect(await instructions.count()).toBe(8);

    // "describe" is in three of the eight imported instructions (vicuna questions 26, 27 and 28); typed
    // key by key, it is searched once, when typing pauses.
    const describe = [
      'As a sports commentator, describe the winning play in the final seconds of a championship game.',
      'Pretend to be a world-famous chef. How would you describe your signature dish to a panel of judges?',
      'You are a mountain climber reaching the summit of Mount Everest. Describe your emotions and the view from the top.',
    ];
    await page.locator('input[data-list-search="instructions"]').pressSequentially('describe');
    await expect.poll(() => instructionTotal.textContent()).toBe('3 match');
    expect(await instructions.locator('.text').allTextContents()).toEqual(describe);
    expect(searches).toEqual(['describe']);
    expect(await page.locator('[data-load-more="instructions"]').count()).toBe(0);

    // Pairs of those instructions, then only the READY ones; each row links to its pair page.
    const pairs = page.locator('[data-list="pairs"] [data-list-row]');
    const pairTotal = page.locator('[data-list-total="pairs"]');
    await expect.poll(() => pairTotal.textContent()).toBe(`${allPairs.totalCount} pairs`);
    expect(allPairs.totalCount).toBeGreaterThanOrEqual(8);
    const describePairs = allPairs.edges.map((e) => e.node).filter((p) => describe.includes(p.instruction.text));
    expect(describePairs.length).toBeGreaterThanOrEqual(3);
    await page.locator('input[data-list-search="pairs"]').fill('describe');
    await expect.poll(() => pairTotal.textContent()).toBe(`${describePairs.length} match`);
    expect(await pairs.evaluateAll((els) => els.map((e) => e.getAttribute('data-list-row')))).toEqual(describePairs.map((p) => p.id));
    expect(await pairs.locator('.text').allTextContents()).toEqual(describePairs.map((p) => p.instruction.text));
    await page.locator('select[data-list-filter="status"]').selectOption('READY');
    const ready = describePairs.filter((p) => p.status === 'READY');
    await expect.poll(() => pairTotal.textContent()).toBe(`${ready.length} match`);
    expect(await pairs.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(ready.map(() => 'READY'));
    await page.evaluate('document.querySelector("[data-instructions-list]").previousElementSibling.scrollIntoView({ block: "start" })');
    await page.screenshot({ path: 'test-artifacts/dashboard-lists.png' });
    await page.locator(`[data-list="pairs"] a[data-pair-link="${ready[0]!.id}"]`).click();
    await expect.poll(() => page.locator('[data-text="x"] pre').textContent()).toBe(ready[0]!.instruction.text);
    expect(page.url()).toBe(`${root}#/pairs/${ready[0]!.id}`);

    // A word in no instruction shows the empty state; stop words alone, the server's refusal.
    await page.goto(`${root}#/experiments/${experimentId}`);
    await expect.poll(() => pairTotal.textContent(), { timeout: 15_000 }).toBe(`${allPairs.totalCount} pairs`);
    await page.locator('input[data-list-search="pairs"]').fill('xylophone');
    await expect.poll(() => pairTotal.textContent()).toBe('0 match');
    expect(await pairs.count()).toBe(0);
    expect(await page.locator('[data-list-empty="pairs"]').textContent()).toBe('No pair matches.');
    await page.locator('input[data-list-search="instructions"]').fill('xylophone');
    await expect.poll(() => page.locator('[data-list-empty="instructions"]').textContent()).toBe('No instruction matches.');
    expect(await instructions.count()).toBe(0);
    await page.locator('input[data-list-search="instructions"]').fill('the of');
    await expect.poll(() => page.locator('[data-list-error="instructions"]').textContent()).toBe('search: "the of" has no searchable word (only stop words such as "the" or punctuation)');
    expect(await instructions.count()).toBe(0);

    // 30 instructions: 25 on the first page, the other 5 after "Load more", in import order.
    const thirty = (await readFile('data/instructions/vicuna-bench-questions.jsonl', 'utf8')).split('\n').slice(40, 70).join('\n');
    const other = (await gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "lists") { id } }')).createExperiment.id;
    await gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id: other, content: thirty });
    const ids = (await gql<{ experiment: { instructions: { edges: { node: { id: string } }[] } } }>(
      'query ($id: ID!) { experiment(id: $id) { instructions(first: 100) { edges { node { id } } } } }', { id: other },
    )).experiment.instructions.edges.map((e) => e.node.id);
    expect(ids).toHaveLength(30);
    await page.goto(`${root}#/experiments/${other}`);
    await expect.poll(() => instructionTotal.textContent(), { timeout: 15_000 }).toBe('30 instructions');
    expect(await instructions.count()).toBe(25);
    expect(await page.locator('[data-load-more="instructions"]').textContent()).toBe('Load more (25 of 30 shown)');
    await page.locator('[data-load-more="instructions"]').click();
    await expect.poll(() => instructions.count()).toBe(30);
    expect(await instructions.evaluateAll((els) => els.map((e) => e.getAttribute('data-list-row')))).toEqual(ids);
    expect(await page.locator('[data-load-more="instructions"]').count()).toBe(0);
    expect(await page.locator('[data-list-empty="pairs"]').textContent()).toBe('No pairs yet.');
  });

  it('reads the item, experiment and compare pages at 375 px without horizontal scrolling', async () => {
    const phone = await browser.context.newPage();
    phone.on('pageerror', (error) => errors.push(error.message));
    await phone.setViewportSize({ width: 375, height: 812 });
    const item = (await diffPage({ first: 1 })).edges[0]!.node.item.id;
    const others = (await gql<{ experiments: { edges: { node: { id: string } }[] } }>('{ experiments(first: 10) { edges { node { id } } } }')).experiments.edges.map((e) => e.node.id);
    for (const [hash, ready] of [
      [`#/evaluations/${trainedEvaluation}/items/${item}?against=${seedEvaluation}`, '[data-judged-by="after"]'],
      [`#/experiments/${experimentId}`, '[data-stage-table], [data-list="pairs"] [data-list-row]'],
      [`#/compare?ids=${others.join(',')}`, '[data-compare-table="compare-benchmark"]'],
    ] as const) {
      await phone.goto(`${root}${hash}`);
      for (const selector of ready.split(', ')) await phone.locator(selector).first().waitFor();
      const widths = await phone.evaluate<number[]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
      expect({ hash, widths }).toEqual({ hash, widths: [375, 375] });
    }
    await phone.close();
    expect(errors).toEqual([]);
  });
});
