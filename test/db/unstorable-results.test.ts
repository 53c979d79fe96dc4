/**
 * Results PostgreSQL cannot store as they came. Model output with a NUL character or an unpaired
 * UTF-16 surrogate (what a server with broken decoding sends) is stored with U+FFFD in their place,
 * in the pairs' answers and the judgments. A value the database refuses anyway fails its batch's
 * items with the database's message, once. Before, either failed the batch's write on every try
 * of its job (the model called each time) and then the whole stage.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/database.js';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import { dataOf, NO_DATABASE, stageReader, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const INSTRUCTIONS = Array.from({ length: 4 }, (_, i) => JSON.stringify({ instruction: `Explain step ${i + 1} of brewing tea, briefly.` })).join('\n');
type StageView = { status: string; total: number; done: number; failed: number };
type Connection<T> = { totalCount: number; edges: { node: T }[] };

type RefusalView = StageView & { failures: { itemKey: string; error: string; attempts: number }[] };

/** Judges the iteration: the stage succeeds with the refused pair's two items failed, once, and the 12 other judgments stored. */
async function judgeWithRefusedPair(app: TestApp, waitFor: (stageId: string, status: string) => Promise<RefusalView>, iterationId: string, pairId: number): Promise<void> {
  const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId })).judgePairs.id;
  const stage = await waitFor(judge, 'SUCCEEDED');
  expect({ ...stage, failures: undefined }).toEqual({ status: 'SUCCEEDED', total: 8, done: 8, failed: 2, failures: undefined });
  const error = 'the database refused to store the result: refused for the test (SQLSTATE 22023)';
  expect(stage.failures.sort((a, b) => a.itemKey.localeCompare(b.itemKey))).toEqual([
    { itemKey: `${pairId}:CHOSEN_FIRST`, error, attempts: 1 },
    { itemKey: `${pairId}:CHOSEN_SECOND`, error, attempts: 1 },
  ]);
  const stats = dataOf(await app.gql<{ iteration: { judgments: { totalCount: number } } }>('query ($id: ID!) { iteration(id: $id) { judgments(first: 1) { totalCount } } }', { id: iterationId })).iteration;
  expect(stats.judgments.totalCount).toBe(12);
}

/**
 * An experiment (`config`) with the four instructions' pairs and an iteration, and a trigger named
 * `name` that refuses every judgment of its first pair as PostgreSQL refuses a value it cannot store.
 */
async function iterationWithRefusedPair(app: TestApp, waitFor: (stageId: string, status: string) => Promise<StageView>, name: string, config: string): Promise<{ iterationId: string; pairId: number }> {
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "${name}", config: ${config}) { id } }`)).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: INSTRUCTIONS }));
  const generate = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
  expect(await waitFor(generate, 'SUCCEEDED')).toMatchObject({ status: 'SUCCEEDED', total: 4, done: 4, failed: 0 });
  const iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
  const [first] = await queryRows<{ id: string | number }>(app.database.db, sql`select min(id) as id from pairs where experiment_id = ${Number(id)}`);
  const pairId = Number(first!.id);
  await app.database.db.execute(sql.raw(`
    create function ${name}() returns trigger language plpgsql as $$
    begin
      if new.pair_id = ${pairId} then raise exception 'refused for the test' using errcode = '22023'; end if;
      return new;
    end $$`));
  await app.database.db.execute(sql.raw(`create trigger ${name} before insert on judgments for each row execute function ${name}()`));
  return { iterationId, pairId };
}

describe.skipIf(NO_DATABASE)(`model output with characters PostgreSQL cannot store (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    // Every choice of every request starts with U+0000 and a lone \ud800.
    app = await startTestApp({ SIM_CONTROL_CHAR_RATE: '1' });
  });
  afterAll(async () => {
    await app?.stop();
  });
  const { waitFor } = stageReader<StageView>(() => app, 'status total done failed');

  it('stores the answers and every judgment with U+FFFD in their place, the stages succeeding without a failure', async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "nul", config: { samplesPerOrder: 2 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: INSTRUCTIONS }));
    const generate = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    expect(await waitFor(generate, 'SUCCEEDED')).toEqual({ status: 'SUCCEEDED', total: 4, done: 4, failed: 0 });
    const pairs = dataOf(await app.gql<{ experiment: { pairs: Connection<{ status: string; chosen: string }> } }>(
      'query ($id: ID!) { experiment(id: $id) { pairs(first: 10) { totalCount edges { node { status chosen } } } } }',
      { id },
    )).experiment.pairs;
    expect(pairs.totalCount).toBe(4);
    for (const { node } of pairs.edges) {
      expect(node.status).toBe('READY');
      expect(node.chosen.startsWith('\uFFFD\uFFFD')).toBe(true);
    }

    const iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
    const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId })).judgePairs.id;
    expect(await waitFor(judge, 'SUCCEEDED')).toEqual({ status: 'SUCCEEDED', total: 8, done: 8, failed: 0 });
    const judgments = dataOf(await app.gql<{ iteration: { judgments: Connection<{ reasoning: string; verdict: string }> } }>(
      'query ($id: ID!) { iteration(id: $id) { judgments(first: 50) { totalCount edges { node { reasoning verdict } } } } }',
      { id: iterationId },
    )).iteration.judgments;
    expect(judgments.totalCount).toBe(16);
    for (const { node } of judgments.edges) {
      expect(node.reasoning.startsWith('\uFFFD\uFFFD')).toBe(true);
      expect(node.reasoning.includes('\u0000')).toBe(false);
      // The verdict is read from the rest of the text, as without the two characters.
      expect(['A', 'B', 'TIE']).toContain(node.verdict);
    }
  });
});

describe.skipIf(NO_DATABASE)(`a batch whose results the database refuses (${TEST_DB})`, () => {
  let simulator: Simulator;
  let app: TestApp;
  beforeAll(async () => {
    simulator = await startSimulator({});
    // Two items a batch: a pair's two orders.
    app = await startTestApp({ OPENAI_BASE_URL: simulator.url, GENERATOR_MODEL: 'sim-generator', JUDGE_MODEL: 'sim-judge', WORKER_BATCH_SIZE: '2', STAGE_MAX_FAILURE_SHARE: '1' });
  });
  afterAll(async () => {
    await app?.stop();
    await simulator?.close();
  });
  const { waitFor } = stageReader<RefusalView>(() => app, 'status total done failed failures { itemKey error attempts }');

  it("records that batch's items as failed with the database's message, without trying it again, and stores the others", async () => {
    // The database refuses every judgment of the first pair.
    const { iterationId, pairId } = await iterationWithRefusedPair(app, waitFor, 'refuse_first_pair', '{ samplesPerOrder: 2 }');
    const requestsBefore = simulator.stats().log.filter((e) => e.model === 'sim-judge').length;

    await judgeWithRefusedPair(app, waitFor, iterationId, pairId);
    // One request per pair and order: the refused batch was not sent again.
    expect(simulator.stats().log.filter((e) => e.model === 'sim-judge').length - requestsBefore).toBe(8);
  });
});

describe.skipIf(NO_DATABASE)(`a Batch API part whose results the database refuses (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    // Execution BATCH through the embedded simulator's /v1/batches; a queue job (and its provider batch) per pair.
    app = await startTestApp({ SIM_BATCH_MS: '100', BATCH_POLL_MS: '50', BATCH_JOB_ITEMS: '2', STAGE_MAX_FAILURE_SHARE: '1' });
  });
  afterAll(async () => {
    await app?.stop();
  });
  const { waitFor } = stageReader<RefusalView>(() => app, 'status total done failed failures { itemKey error attempts }');

  it("records the items of the refused part as failed, without sending them again, and stores the other batches' results", async () => {
    const { iterationId, pairId } = await iterationWithRefusedPair(app, waitFor, 'refuse_first_batch_pair', '{ samplesPerOrder: 2, execution: BATCH }');
    const before = app.simulator!.stats();

    await judgeWithRefusedPair(app, waitFor, iterationId, pairId);
    // One provider batch per pair, each created once; no judge request online.
    const after = app.simulator!.stats();
    expect(after.batches.created - before.batches.created).toBe(4);
    expect(after.requests.byKind.judge).toBe(before.requests.byKind.judge);
  });
});
