/**
 * What client applications page through: totalCount on every connection, Benchmark.items,
 * Query.evaluations, judgmentAdded(untilDone), the served scalars' descriptions and the page-size
 * maximum. Real server, real database, the simulator over HTTP.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { evaluate, finished } from '../helpers/evaluation.js';
import { RawWs, wsUrl } from '../helpers/ws.js';
import type { WsMessage } from '../helpers/ws.js';
import type { Judgment } from '../../generated/graphql-types.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').filter(Boolean);
const ROWS = [
  { id: 'r1', subset: 'alpha', prompt: 'Name a prime number.', chosen: '7 is prime.', rejected: '8 is prime.' },
  { id: 'r2', subset: 'alpha', prompt: 'What is 2 + 2?', chosen: '4', rejected: '5' },
  { id: 'r3', subset: 'beta', prompt: 'Spell cat backwards.', chosen: 'tac', rejected: 'cta' },
  { id: 'r4', subset: 'beta', prompt: 'Capital of France?', chosen: 'Paris', rejected: 'Lyon' },
  { id: 'r5', subset: 'beta', prompt: 'Boiling point of water at sea level in Celsius?', chosen: '100', rejected: '90' },
];

type Edges<T> = { edges: { cursor: string; node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };
type Verdicts = Pick<Judgment, 'verdict' | 'correct' | 'order' | 'selected'>;

/** Every message of subscription `id` until it completes (or errors). */
async function untilComplete(client: RawWs, id: string): Promise<WsMessage[]> {
  const messages: WsMessage[] = [];
  for (;;) {
    const m = await client.next((x) => x.id === id);
    messages.push(m);
    if (m.type !== 'next') return messages;
  }
}

describe.skipIf(NO_DATABASE)(`the client API: totals, pages and streams that end (${TEST_DB})`, () => {
  let app: TestApp;
  let experimentId: string;
  let iterationId: string;
  let pairs: number;
  const SAMPLES = 2;

  const stageStatus = async (id: string) => dataOf(await app.gql<{ stage: { status: string } }>('query ($id: ID!) { stage(id: $id) { status } }', { id })).stage.status;
  const untilEnded = (id: string) => eventually(async () => ((s) => (s === 'QUEUED' || s === 'RUNNING' ? undefined : s))(await stageStatus(id)), 120_000, 50);

  beforeAll(async () => {
    app = await startTestApp();
    experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($n: Int) { createExperiment(name: "client", config: { samplesPerOrder: $n }) { id } }', { n: SAMPLES })).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id: experimentId, c: INSTRUCTIONS.slice(0, 6).join('\n') }));
    const generate = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id: experimentId })).generatePairs.id;
    expect(await untilEnded(generate)).toBe('SUCCEEDED');
    iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id: experimentId })).startIteration.id;
    pairs = dataOf(await app.gql<{ experiment: { pairs: { totalCount: number } } }>('query ($id: ID!) { experiment(id: $id) { pairs(first: 0, status: READY) { totalCount } } }', { id: experimentId })).experiment.pairs.totalCount;
    expect(pairs).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('ends judgmentAdded(untilDone) once the JUDGE stage has ended, after every judgment, also when subscribed before the stage existed', async () => {
    const client = await RawWs.connect(wsUrl(app.url));
    const query = 'subscription ($id: ID!, $after: Int, $done: Boolean) { judgmentAdded(iterationId: $id, afterSeq: $after, untilDone: $done) { seq } }';
    client.subscribe('early', query, { id: iterationId, after: 0, done: true });
    const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId })).judgePairs.id;
    const early = await untilComplete(client, 'early');
    expect(await stageStatus(judge)).toBe('SUCCEEDED');
    const total = pairs * 2 * SAMPLES;
    expect(early.at(-1)!.type).toBe('complete');
    const seqs = early.filter((m) => m.type === 'next').map((m) => (m.payload as { data: { judgmentAdded: { seq: number } } }).data.judgmentAdded.seq);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    // On an iteration whose JUDGE stage has ended: the replay after seq 3, then complete.
    client.subscribe('late', query, { id: iterationId, after: 3, done: true });
    const late = await untilComplete(client, 'late');
    expect(late.filter((m) => m.type === 'next')).toHaveLength(total - 3);
    expect(late.at(-1)!.type).toBe('complete');

    // With a filter matching nothing after the cursor, it completes at once with no judgment.
    client.subscribe('none', 'subscription ($id: ID!) { judgmentAdded(iterationId: $id, afterSeq: 0, untilDone: true, filter: { verdict: UNPARSEABLE }) { seq } }', { id: iterationId });
    const unparseable = dataOf(await app.gql<{ iteration: { stats: { unparseable: number } } }>('query ($id: ID!) { iteration(id: $id) { stats { unparseable } } }', { id: iterationId })).iteration.stats.unparseable;
    const none = await untilComplete(client, 'none');
    expect(none.filter((m) => m.type === 'next')).toHaveLength(unparseable);
    expect(none.at(-1)!.type).toBe('complete');
    client.close();
  });

  it('gives totalCount on judgments, equal to the rows a full paging returns, for every filter', async () => {
    const all = dataOf(
      await app.gql<{ iteration: { judgments: Edges<Verdicts> } }>(
        'query ($id: ID!) { iteration(id: $id) { judgments(first: 500) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { verdict correct order selected } } } } }',
        { id: iterationId },
      ),
    ).iteration.judgments;
    const rows = all.edges.map((e) => e.node);
    expect(all.totalCount).toBe(pairs * 2 * SAMPLES);
    expect(rows).toHaveLength(all.totalCount);
    const filters: [Record<string, unknown>, (j: Verdicts) => boolean][] = [
      [{ correct: true }, (j) => j.correct],
      [{ correct: false }, (j) => !j.correct],
      [{ verdict: 'A' }, (j) => j.verdict === 'A'],
      [{ verdict: 'TIE' }, (j) => j.verdict === 'TIE'],
      [{ order: 'CHOSEN_SECOND' }, (j) => j.order === 'CHOSEN_SECOND'],
      [{ selected: false }, (j) => !j.selected],
      [{ verdict: 'B', order: 'CHOSEN_SECOND' }, (j) => j.verdict === 'B' && j.order === 'CHOSEN_SECOND'],
    ];
    for (const [filter, keep] of filters) {
      const page = dataOf(
        await app.gql<{ iteration: { judgments: Edges<Verdicts> } }>('query ($id: ID!, $f: JudgmentFilter) { iteration(id: $id) { judgments(first: 2, filter: $f) { totalCount edges { cursor } } } }', { id: iterationId, f: filter }),
      ).iteration.judgments;
      expect({ filter, total: page.totalCount }).toEqual({ filter, total: rows.filter(keep).length });
    }
    expect(rows.filter((j) => j.order === 'CHOSEN_SECOND')).toHaveLength(pairs * SAMPLES);

    const pairId = dataOf(await app.gql<{ experiment: { pairs: Edges<{ id: string }> } }>('query ($id: ID!) { experiment(id: $id) { pairs(first: 1, status: READY) { totalCount edges { cursor node { id } } } } }', { id: experimentId })).experiment.pairs.edges[0]!.node.id;
    const ofPair = dataOf(
      await app.gql<{ pair: { all: Edges<unknown>; one: Edges<unknown>; other: Edges<unknown> } }>(
        'query ($id: ID!, $it: ID!) { pair(id: $id) { all: judgments(first: 1) { totalCount } one: judgments(first: 1, iterationId: $it) { totalCount } other: judgments(iterationId: "999999") { totalCount edges { cursor } } } }',
        { id: pairId, it: iterationId },
      ),
    ).pair;
    expect([ofPair.all.totalCount, ofPair.one.totalCount, ofPair.other.totalCount, ofPair.other.edges.length]).toEqual([2 * SAMPLES, 2 * SAMPLES, 0, 0]);

    const experiments = dataOf(await app.gql<{ experiments: Edges<unknown> }>('{ experiments(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }')).experiments;
    expect([experiments.totalCount, experiments.edges.length, experiments.pageInfo.hasNextPage]).toEqual([1, 0, true]);
  });

  it('pages a benchmark\'s items in position order, by subset, with their totals', async () => {
    const content = ROWS.map((r) => JSON.stringify(r)).join('\n');
    const benchmarkId = dataOf(
      await app.gql<{ importBenchmark: { benchmark: { id: string } } }>('mutation ($c: String!) { importBenchmark(name: "tiny", content: $c, format: REWARDBENCH) { benchmark { id } } }', { c: content }),
    ).importBenchmark.benchmark.id;
    const itemsQuery = 'query ($id: ID!, $first: Int, $after: String, $subset: String) { benchmark(id: $id) { items(first: $first, after: $after, subset: $subset) { totalCount pageInfo { hasNextPage endCursor } edges { node { position subset sourceId chosen } } } } }';
    type Item = { position: number; subset: string; sourceId: string; chosen: string };
    const items = async (vars: Record<string, unknown>) => dataOf(await app.gql<{ benchmark: { items: Edges<Item> } }>(itemsQuery, { id: benchmarkId, ...vars })).benchmark.items;

    const first = await items({ first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.edges.map((e) => e.node.sourceId)).toEqual(['r1', 'r2']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await items({ first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.position)).toEqual([3, 4]);
    const last = await items({ first: 2, after: second.pageInfo.endCursor });
    expect([last.edges.map((e) => e.node.chosen), last.pageInfo.hasNextPage]).toEqual([['100'], false]);

    const beta = await items({ first: 50, subset: 'beta' });
    expect([beta.totalCount, beta.edges.map((e) => e.node.sourceId)]).toEqual([3, ['r3', 'r4', 'r5']]);
    const missing = await items({ subset: 'gamma' });
    expect([missing.totalCount, missing.edges.length]).toEqual([0, 0]);

    const tooMany = await app.gql(itemsQuery, { id: benchmarkId, first: 501 });
    expect(tooMany.errors?.[0]?.message).toBe('first: must be a whole number from 0 to 500, got 501');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await app.gql(itemsQuery, { id: benchmarkId, after: 'nope' });
    expect(badCursor.errors?.[0]?.message).toBe('after: is not a cursor returned by this API');
  });

  it('lists evaluations across benchmarks and judges, filtered and paged, with totals', async () => {
    const content = ROWS.map((r) => JSON.stringify(r)).join('\n');
    const other = dataOf(
      await app.gql<{ importBenchmark: { benchmark: { id: string } } }>('mutation ($c: String!) { importBenchmark(name: "tiny-2", content: $c, format: REWARDBENCH) { benchmark { id } } }', { c: content }),
    ).importBenchmark.benchmark.id;
    const tiny = dataOf(await app.gql<{ benchmarks: { id: string; name: string }[] }>('{ benchmarks { id name } }')).benchmarks.find((b) => b.name === 'tiny')!.id;
    const e1 = await evaluate(app, { benchmarkId: tiny, model: 'sim-judge' });
    const e2 = await evaluate(app, { benchmarkId: tiny, experimentId });
    const e3 = await evaluate(app, { benchmarkId: other, model: 'sim-generator' });
    for (const id of [e1, e2, e3]) expect((await finished(app, id)).status).toBe('SUCCEEDED');

    const list = async (filter: Record<string, unknown> | null, first = 50, after?: string | null) =>
      dataOf(
        await app.gql<{ evaluations: Edges<{ id: string; judgeModel: string }> }>(
          'query ($f: EvaluationFilter, $first: Int, $after: String) { evaluations(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id judgeModel } } } }',
          { f: filter, first, after },
        ),
      ).evaluations;
    const everything = await list(null);
    expect([everything.totalCount, everything.edges.map((e) => e.node.id)]).toEqual([3, [e3, e2, e1]]);
    const page1 = await list(null, 2);
    const page2 = await list(null, 2, page1.pageInfo.endCursor);
    expect([page1.edges.map((e) => e.node.id), page1.pageInfo.hasNextPage, page2.edges.map((e) => e.node.id), page2.pageInfo.hasNextPage]).toEqual([[e3, e2], true, [e1], false]);
    expect((await list({ benchmarkId: tiny })).edges.map((e) => e.node.id)).toEqual([e2, e1]);
    expect((await list({ experimentId })).edges.map((e) => e.node.id)).toEqual([e2]);
    expect((await list({ judgeModel: 'sim-generator' })).edges.map((e) => e.node.id)).toEqual([e3]);
    expect((await list({ iterationId })).totalCount).toBe(0);
    expect((await list({ benchmarkId: other, judgeModel: 'sim-judge' })).totalCount).toBe(0);

    const bad = await app.gql('{ evaluations(filter: { benchmarkId: "x" }) { totalCount } }');
    expect(bad.errors?.[0]?.message).toBe('filter.benchmarkId: "x" is not a valid id');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves the DateTime and JSON scalars with their descriptions, and states the page-size maximum', async () => {
    const data = dataOf(
      await app.gql<{ d: { description: string }; j: { description: string }; p: { description: string } }>('{ d: __type(name: "DateTime") { description } j: __type(name: "JSON") { description } p: __type(name: "PageInfo") { description } }'),
    );
    expect(data.d.description).toBe('An ISO-8601 date and time in UTC, for example "2026-11-28T10:15:00.000Z".');
    expect(data.j.description).toBe('Any JSON value (used for free-form counts and training hyper-parameters).');
    expect(data.p.description).toContain('0 to 500 (MAX_PAGE_SIZE)');
  });
});
