import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { evaluate, exportedVerdicts, finished, importBundled } from '../helpers/evaluation.js';

const SUBSET = 'llmbar-natural';
const SIZE = 100;

type Node = {
  item: { id: string; subset: string; prompt: string; chosen: string };
  score: number;
  right: boolean;
  change: string | null;
  chosenFirst: { verdict: string; score: number; samples: { sample: number; verdict: string; reasoning: string }[] } | null;
  chosenSecond: { verdict: string; score: number; samples: { sample: number; verdict: string; reasoning: string }[] } | null;
};
type Connection<T> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: T }[] };

const ORDER = 'verdict score samples { sample verdict reasoning }';
const ITEMS = `query ($id: ID!, $first: Int = 10, $after: String, $filter: EvaluationItemFilter) { evaluation(id: $id) {
  items(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { item { id subset prompt chosen } score right change chosenFirst { ${ORDER} } chosenSecond { ${ORDER} } } } } } }`;
const DIFF = `query ($a: ID!, $b: ID!, $first: Int, $after: String, $changes: [ItemChange!], $subset: String) { evaluationDiff(a: $a, b: $b) {
  fixed broken stillWrong stillRight
  itemPage(first: $first, after: $after, changes: $changes, subset: $subset) { totalCount pageInfo { hasNextPage endCursor } edges { node { item { id } change } } } } }`;

describe.skipIf(NO_DATABASE)(`an evaluation's items, paged (${TEST_DB})`, () => {
  let app: TestApp;
  let greedy: string;
  let sampled: string;

  beforeAll(async () => {
    app = await startTestApp();
    const benchmarkId = (await importBundled(app, 'llmbar')).benchmark.id;
    greedy = (await finished(app, await evaluate(app, { benchmarkId, model: 'sim-judge', options: { subsets: [SUBSET] } }))).id;
    sampled = (await finished(app, await evaluate(app, { benchmarkId, model: 'sim-judge', options: { subsets: [SUBSET], samples: 3, temperature: 1, seed: 4 } }))).id;
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  async function allPages(id: string, filter: Record<string, unknown> | null, first = 10) {
    const nodes: Node[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Connection<Node> = dataOf(await app.gql<{ evaluation: { items: Connection<Node> } }>(ITEMS, { id, first, after, filter })).evaluation.items;
      nodes.push(...page.edges.map((e) => e.node));
      pages += 1;
      if (!page.pageInfo.hasNextPage) return { nodes, pages, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
  }

  it('pages over every item with both orders, every sample with its reasoning, and the texts, as exported', async () => {
    const { nodes, pages, totalCount } = await allPages(sampled, null);
    expect(totalCount).toBe(SIZE);
    expect(pages).toBe(10);
    expect(nodes.map((n) => Number(n.item.id))).toEqual([...nodes.map((n) => Number(n.item.id))].sort((a, b) => a - b));
    expect(new Set(nodes.map((n) => n.item.id)).size).toBe(SIZE);
    const lines = await exportedVerdicts(app, sampled);
    for (const n of nodes) {
      for (const [order, o] of [['CHOSEN_FIRST', n.chosenFirst], ['CHOSEN_SECOND', n.chosenSecond]] as const) {
        const exported = lines.filter((l) => l.item_id === n.item.id && l.order === order).sort((a, b) => a.sample - b.sample);
        expect(o!.samples).toEqual(exported.map((l) => ({ sample: l.sample, verdict: l.verdict, reasoning: l.reasoning })));
        const votes = (v: string) => exported.filter((l) => l.verdict === v).length;
        if (votes('A') !== votes('B') && votes('TIE') === 0 && votes('UNPARSEABLE') === 0) expect(o!.verdict).toBe(votes('A') > votes('B') ? 'A' : 'B');
      }
      expect(n.right).toBe(n.chosenFirst!.score === 1 && n.chosenSecond!.score === 1);
      expect(n.score).toBe((n.chosenFirst!.score + n.chosenSecond!.score) / 2);
      expect(n.item.subset).toBe(SUBSET);
      expect(n.change).toBeNull();
    }
    const right = await allPages(sampled, { right: true }, 20);
    const wrong = await allPages(sampled, { right: false, subset: SUBSET }, 20);
    expect(right.totalCount + wrong.totalCount).toBe(SIZE);
    expect(right.totalCount).toBeGreaterThan(0);
    expect(right.nodes.every((n) => n.right)).toBe(true);
    expect((await allPages(sampled, { subset: 'llmbar-adver-GPTOut' })).totalCount).toBe(0);
  });

  it('filters by change against an earlier evaluation, and the diff pages over every item including STILL_RIGHT', async () => {
    const diff = dataOf(await app.gql<{ evaluationDiff: { fixed: number; broken: number; stillWrong: number; stillRight: number; itemPage: Connection<{ item: { id: string }; change: string }> } }>(DIFF, { a: greedy, b: sampled, first: 500 })).evaluationDiff;
    expect(diff.itemPage.totalCount).toBe(SIZE);
    expect(diff.fixed + diff.broken + diff.stillWrong + diff.stillRight).toBe(SIZE);
    expect(diff.stillRight).toBeGreaterThan(0);
    for (const change of ['FIXED', 'BROKEN', 'STILL_WRONG', 'STILL_RIGHT'] as const) {
      const expected = diff[({ FIXED: 'fixed', BROKEN: 'broken', STILL_WRONG: 'stillWrong', STILL_RIGHT: 'stillRight' } as const)[change]];
      const items = await allPages(sampled, { change, against: greedy }, 20);
      expect([change, items.totalCount]).toEqual([change, expected]);
      expect(items.nodes.every((n) => n.change === change)).toBe(true);
      const fromDiff = diff.itemPage.edges.filter((e) => e.node.change === change).map((e) => e.node.item.id);
      expect(items.nodes.map((n) => n.item.id)).toEqual(fromDiff);
    }
    const stillRight = dataOf(await app.gql<{ evaluationDiff: { itemPage: Connection<unknown> } }>(DIFF, { a: greedy, b: sampled, first: 2, changes: ['STILL_RIGHT'] })).evaluationDiff.itemPage;
    expect(stillRight.totalCount).toBe(diff.stillRight);
    expect(stillRight.edges).toHaveLength(Math.min(2, diff.stillRight));
    const noAgainst = await app.gql(ITEMS, { id: sampled, filter: { change: 'FIXED' } });
    expect(noAgainst.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.change' });
    const badCursor = await app.gql(ITEMS, { id: sampled, after: 'nope' });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await app.gql(ITEMS, { id: sampled, first: 501 });
    // The server's page-size rule refuses it before any resolver runs.
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(tooMany.data).toBeUndefined();
  });

  it('filters the diff by subset with the changes, and finds one item by id with its change', async () => {
    type Diff = { evaluationDiff: { broken: number; fixed: number; itemPage: Connection<{ item: { id: string }; change: string }> } };
    const all = dataOf(await app.gql<Diff>(DIFF, { a: greedy, b: sampled, first: 500, subset: SUBSET })).evaluationDiff;
    expect(all.itemPage.totalCount).toBe(SIZE);
    const other = dataOf(await app.gql<Diff>(DIFF, { a: greedy, b: sampled, subset: 'llmbar-adver-GPTOut' })).evaluationDiff.itemPage;
    expect([other.totalCount, other.edges.length]).toEqual([0, 0]);
    const changed = dataOf(await app.gql<Diff>(DIFF, { a: greedy, b: sampled, first: 500, subset: SUBSET, changes: ['FIXED', 'BROKEN'] })).evaluationDiff;
    expect(changed.itemPage.totalCount).toBe(changed.fixed + changed.broken);
    expect(changed.itemPage.edges.every((e) => e.node.change === 'FIXED' || e.node.change === 'BROKEN')).toBe(true);

    const target = all.itemPage.edges[37]!.node;
    const one = await allPages(sampled, { itemId: target.item.id, against: greedy });
    expect(one.totalCount).toBe(1);
    expect([one.nodes[0]!.item.id, one.nodes[0]!.change]).toEqual([target.item.id, target.change]);
    expect(one.nodes[0]!.chosenFirst!.samples).toHaveLength(3);
    expect((await allPages(sampled, { itemId: '999999999' })).totalCount).toBe(0);
    const bad = await app.gql(ITEMS, { id: sampled, filter: { itemId: 'x' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.itemId' });
  });

  it('exports the verdicts as Parquet too, equal to the JSONL row by row', async () => {
    const jsonl = await exportedVerdicts(app, sampled);
    expect(jsonl).toHaveLength(SIZE * 2 * 3);
    const response = await fetch(app.url.replace('/graphql', `/exports/evaluations/${sampled}/verdicts.parquet`));
    expect([response.status, response.headers.get('content-disposition')]).toEqual([200, `attachment; filename="evaluation-${sampled}-verdicts.parquet"`]);
    expect(await parquetReadObjects({ file: await response.arrayBuffer() })).toEqual(jsonl);
  });
});
