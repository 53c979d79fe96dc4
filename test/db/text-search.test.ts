/**
 * Text search over instructions, pairs and judgments (PostgreSQL full-text search, the same SQL on
 * PGlite): word stems match, every word must, stop words are ignored, totals agree with paging, the
 * subscription's filter takes it too, and a search that cannot match is refused naming its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const TEXTS = [
  'Explain how volcanoes form and why they erupt.',
  'Describe a volcano you would like to visit one day.',
  'Write a short poem about the ocean at night.',
  'List three ways cats show affection to their owners.',
  'Why does my cat sleep for most of the day?',
  'Summarize the history of the printing press in Europe.',
  'Give advice for a first job interview in software.',
  'Compare tea and coffee as a source of morning energy.',
];
const INSTRUCTIONS = TEXTS.map((text, i) => JSON.stringify({ question_id: i + 1, category: 'generic', turns: [text] })).join('\n');

type Judgment = { seq: number; verdict: string; reasoning: string; pair: { id: string; instruction: { text: string } } };
type Connection<T> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: T }[] };

describe.skipIf(NO_DATABASE)(`text search over instructions, pairs and judgments (${TEST_DB})`, () => {
  let app: TestApp;
  let experimentId: string;
  let iterationId: string;
  let judgments: Judgment[];

  const JUDGMENTS = `query ($id: ID!, $first: Int, $after: String, $filter: JudgmentFilter) { iteration(id: $id) {
    judgments(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { seq verdict reasoning pair { id instruction { text } } } } } } }`;
  async function allJudgments(filter: Record<string, unknown> | null, first = 500) {
    const nodes: Judgment[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Connection<Judgment> = dataOf(await app.gql<{ iteration: { judgments: Connection<Judgment> } }>(JUDGMENTS, { id: iterationId, first, after, filter })).iteration.judgments;
      nodes.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return { nodes, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    app = await startTestApp();
    experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "search", config: { samplesPerOrder: 3, temperature: 1 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id: experimentId, c: INSTRUCTIONS }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id: experimentId }));
    const experiment = await eventually(async () => {
      const e = dataOf(await app.gql<{ experiment: { loop: { status: string }; iterations: { id: string }[] } }>('query ($id: ID!) { experiment(id: $id) { loop { status } iterations { id } } }', { id: experimentId })).experiment;
      return e.loop.status === 'RUNNING' ? undefined : e;
    }, 120_000, 100);
    expect(experiment.loop.status).toBe('SUCCEEDED');
    iterationId = experiment.iterations[0]!.id;
    judgments = (await allJudgments(null)).nodes;
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('finds instructions and pairs by word stems, every word required, stop words ignored', async () => {
    const instructions = async (search: string) =>
      dataOf(await app.gql<{ experiment: { instructions: Connection<{ text: string }> } }>(
        'query ($id: ID!, $s: String) { experiment(id: $id) { instructions(first: 1, search: $s) { totalCount pageInfo { hasNextPage } edges { node { text } } } } }',
        { id: experimentId, s: search },
      )).experiment.instructions;
    const volcano = await instructions('volcano');
    expect([volcano.totalCount, volcano.pageInfo.hasNextPage, volcano.edges.map((e) => e.node.text)]).toEqual([2, true, [TEXTS[0]]]);
    expect((await instructions('Cats')).totalCount).toBe(2);
    expect((await instructions('the cat sleeps')).edges.map((e) => e.node.text)).toEqual([TEXTS[4]]);
    expect((await instructions('cat volcano')).totalCount).toBe(0);

    const pairs = dataOf(await app.gql<{ experiment: { all: Connection<{ id: string }>; cats: Connection<{ id: string; instruction: { text: string } }> } }>(
      `query ($id: ID!) { experiment(id: $id) { all: pairs(first: 500) { totalCount edges { node { id } } }
        cats: pairs(first: 500, search: "  cats  ") { totalCount edges { node { id instruction { text } } } } } }`,
      { id: experimentId },
    )).experiment;
    expect(pairs.all.totalCount).toBeGreaterThanOrEqual(8);
    // A pair of each instruction (pairs are made per instruction): the two about cats.
    const texts = [...new Set(pairs.cats.edges.map((e) => e.node.instruction.text))].sort();
    expect(texts).toEqual([TEXTS[3], TEXTS[4]].sort());
    expect(pairs.cats.totalCount).toBe(pairs.cats.edges.length);
    expect(pairs.cats.totalCount).toBeLessThan(pairs.all.totalCount);
  });

  it("filters judgments by words of the reasoning or of the pair's instruction, with the other filters, paged", async () => {
    // The simulator's judge writes "Weighing relevance and completeness" in some reasonings only.
    const weigh = /\bweigh(s|ed|ing)?\b/i;
    const expected = judgments.filter((j) => weigh.test(j.reasoning) || weigh.test(j.pair.instruction.text)).map((j) => j.seq);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(judgments.length);
    const found = await allJudgments({ search: 'weighed' }, 7);
    expect(found.nodes.map((j) => j.seq)).toEqual(expected);
    expect(found.totalCount).toBe(expected.length);

    // Words of the instruction find every judgment of its pairs.
    const volcano = judgments.filter((j) => /volcano/i.test(j.pair.instruction.text));
    expect(volcano.length).toBeGreaterThan(0);
    const byInstruction = await allJudgments({ search: 'volcanoes' });
    expect(byInstruction.nodes.map((j) => j.seq)).toEqual(volcano.map((j) => j.seq));
    const withVerdict = await allJudgments({ search: 'volcanoes', verdict: 'A' });
    expect(withVerdict.nodes.map((j) => j.seq)).toEqual(volcano.filter((j) => j.verdict === 'A').map((j) => j.seq));
    expect(withVerdict.totalCount).toBe(withVerdict.nodes.length);
    expect((await allJudgments({ search: 'volcano printing' })).totalCount).toBe(0);
  });

  it('streams only the matching judgments over judgmentAdded', async () => {
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('s', 'subscription ($id: ID!) { judgmentAdded(iterationId: $id, afterSeq: 0, untilDone: true, filter: { search: "volcano" }) { seq } }', { id: iterationId });
    const seqs: number[] = [];
    for (;;) {
      const m = await client.next((x) => x.id === 's');
      if (m.type !== 'next') {
        expect(m.type).toBe('complete');
        break;
      }
      seqs.push((m.payload as { data: { judgmentAdded: { seq: number } } }).data.judgmentAdded.seq);
    }
    expect(seqs).toEqual(judgments.filter((j) => /volcano/i.test(j.pair.instruction.text)).map((j) => j.seq));
    client.subscribe('bad', 'subscription ($id: ID!) { judgmentAdded(iterationId: $id, filter: { search: "  " }) { seq } }', { id: iterationId });
    // Refused before any judgment: the result carries the error and no data.
    const refused = await client.next((x) => x.id === 'bad');
    expect(JSON.stringify(refused.payload)).toContain('"filter.search: is blank: give at least one word, or leave it out"');
    expect((refused.payload as { data?: unknown }).data ?? null).toBeNull();
    client.close();
  });

  it('refuses a blank search, a long one and one of stop words only, naming the field', async () => {
    for (const [search, message] of [
      ['   ', 'filter.search: is blank: give at least one word, or leave it out'],
      ['x'.repeat(201), 'filter.search: is 201 characters long; at most 200'],
      ['the of and', 'filter.search: "the of and" has no searchable word (only stop words such as "the" or punctuation)'],
      ['!!! ...', 'filter.search: "!!! ..." has no searchable word (only stop words such as "the" or punctuation)'],
    ] as const) {
      const result = await app.gql(JUDGMENTS, { id: iterationId, filter: { search } });
      expect(result.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', field: 'filter.search' } });
      expect(result.data?.iteration ?? null).toBeNull();
    }
    const pairs = await app.gql('query ($id: ID!) { experiment(id: $id) { pairs(search: "") { totalCount } } }', { id: experimentId });
    expect(pairs.errors?.[0]).toMatchObject({ message: 'search: is blank: give at least one word, or leave it out', extensions: { code: 'BAD_USER_INPUT', field: 'search' } });
  });
});
