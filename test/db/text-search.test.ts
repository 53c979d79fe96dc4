/**
 * Text search over instructions, pairs and judgments (PostgreSQL full-text search, the same SQL on
 * PGlite): word stems match, every word must, stop words are ignored, totals agree with paging, the
 * subscription's filter takes it too, and a search that cannot match is refused naming its field.
 * On PostgreSQL all of it runs twice: with the judgments' reasoning scanned, and read through the
 * iteration's full-text index, which the workers build once the JUDGE stage has ended.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/database.js';
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

const MODES = [
  { mode: 'scanned', env: {} },
  // The workers build the index on PostgreSQL only, once an iteration has this many judgments.
  { mode: 'through the reasoning index', env: { SEARCH_INDEX_MIN_JUDGMENTS: '1', SEARCH_INDEX_DELAY_SECONDS: '0' } },
] as const;

for (const { mode, env } of MODES) describe.skipIf(NO_DATABASE || (env !== MODES[0].env && TEST_DB !== 'postgres'))(`text search over instructions, pairs and judgments, reasoning ${mode} (${TEST_DB})`, () => {
  const indexed = env !== MODES[0].env;
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

  /** The iteration's reasoning index: whether it is valid, how often it was read, and which relation it is. */
  const reasoningIndex = async () => {
    const [row] = await queryRows<{ valid: boolean; scans: string | number; oid: string | number }>(
      app.database.db,
      sql`select x.indisvalid as valid, coalesce(pg_stat_get_numscans(c.oid), 0) as scans, c.oid
          from pg_class c join pg_index x on x.indexrelid = c.oid where c.relname = ${`judgments_reasoning_search_${iterationId}`}`,
    );
    return row && { valid: row.valid, scans: Number(row.scans), oid: Number(row.oid) };
  };

  beforeAll(async () => {
    app = await startTestApp(env);
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
    if (indexed) expect(await eventually(async () => ((await reasoningIndex())?.valid ? reasoningIndex() : undefined), 30_000)).toMatchObject({ valid: true });
    else expect(await reasoningIndex()).toBeUndefined();
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

  it.skipIf(!indexed)('reads the index for a page and a count, builds it again after an interrupted build, and drops it with its iteration', async () => {
    const weighed = await allJudgments({ search: 'weighed' }, 7);
    expect(weighed.nodes.length).toBeGreaterThan(0);
    // Enough judgments for the planner to prefer an index to reading them all (48 would not be): a
    // thousand more samples of each pair and order, whose reasoning never says "weighed".
    await app.database.db.execute(sql`
      insert into judgments (iteration_id, pair_id, "order", sample, seq, reasoning, verdict, correct, finish_reason, model, prompt_tokens, completion_tokens)
      select iteration_id, pair_id, "order", sample + 3 * g, seq + 1000 * g, 'Both answers are polite; sample ' || g, verdict, correct, finish_reason, model, prompt_tokens, completion_tokens
      from judgments, generate_series(1, 1000) g where iteration_id = ${Number(iterationId)}`);
    await app.database.db.execute(sql`analyze judgments`);
    const before = (await reasoningIndex())!.scans;
    expect((await allJudgments({ search: 'weighed' }, 7)).nodes).toEqual(weighed.nodes);
    // Each page probes the matches and reads them, each through the index; the count too. (The server's statistics arrive within a second.)
    await eventually(async () => ((await reasoningIndex())!.scans > before ? true : undefined), 10_000);

    // A build interrupted (its worker killed) leaves the index invalid: the next sweep drops it and
    // builds it again (a new relation). Meanwhile the search scans, with the same answer.
    const { oid } = (await reasoningIndex())!;
    await app.database.db.execute(sql.raw(`update pg_index set indisvalid = false where indexrelid = 'judgments_reasoning_search_${iterationId}'::regclass`));
    expect((await allJudgments({ search: 'weighed' }, 7)).nodes).toEqual(weighed.nodes);
    const rebuilt = await eventually(async () => {
      const now = await reasoningIndex();
      return now?.valid && now.oid !== oid ? now : undefined;
    }, 30_000);
    expect(rebuilt.oid).not.toBe(oid);

    // The experiment deleted, the next sweep drops its iteration's index.
    dataOf(await app.gql('mutation ($id: ID!) { deleteExperiment(id: $id) }', { id: experimentId }));
    await eventually(async () => ((await reasoningIndex()) === undefined ? true : undefined), 30_000);
  });
});
