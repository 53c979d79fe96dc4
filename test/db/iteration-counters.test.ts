import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { MIGRATIONS_FOLDER } from '../../src/db/database.js';
import * as experimentsRepo from '../../src/db/experiments-repo.js';
import * as judgmentsRepo from '../../src/db/judgments/index.js';
import { iterations, judgments as judgmentsTable } from '../../src/db/schema.js';
import type { NewJudgment } from '../../src/db/judgments/index.js';
import { createRng } from '../../src/sim/rng.js';
import { dataOf, eventually, freshDatabase, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const INSTRUCTIONS = Array.from({ length: 8 }, (_, i) => JSON.stringify({ instruction: `Describe how tide pools change over one day, part ${i + 1}.` })).join('\n');

/** The counters the API reads, next to the scan they must equal. */
async function countersAndScan(db: Db, iterationId: number) {
  const row = await experimentsRepo.getIteration(db, iterationId);
  return { counters: judgmentsRepo.iterationCounters(row!), scan: await judgmentsRepo.recountIteration(db, iterationId) };
}

async function expectExact(db: Db, iterationId: number) {
  const { counters, scan } = await countersAndScan(db, iterationId);
  expect(counters).toEqual(scan);
  return counters;
}

const judgment = (pairId: number, order: NewJudgment['order'], sample: number, verdict: NewJudgment['verdict']): NewJudgment => ({
  pairId,
  order,
  sample,
  reasoning: `pair ${pairId} ${order} ${sample}: [[${verdict}]]`,
  verdict,
  correct: verdict === (order === 'CHOSEN_FIRST' ? 'A' : 'B'),
  finishReason: 'stop',
  model: 'sim-judge',
  promptTokens: 100 + sample,
  completionTokens: 20 + pairId,
});

describe.skipIf(NO_DATABASE)(`iteration counters (${TEST_DB})`, () => {
  let app: TestApp;
  let db: Db;
  let experimentId: string;
  let pairIds: number[];

  const waitFor = (stageId: string) =>
    eventually(async () => {
      const { stage } = dataOf(await app.gql<{ stage: { status: string } }>(`query ($id: ID!) { stage(id: $id) { status } }`, { id: stageId }));
      return stage.status === 'QUEUED' || stage.status === 'RUNNING' ? undefined : stage.status;
    });

  beforeAll(async () => {
    // Malformed outputs give UNPARSEABLE verdicts; batches of 3 pair/orders split a pair's two orders across inserts.
    app = await startTestApp({ SIM_MALFORMED_RATE: '0.2', SIM_SEED: '3', WORKER_BATCH_SIZE: '3' });
    db = app.database.db;
    const created = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "counters", config: { samplesPerOrder: 3, seed: 5 }) { id } }`));
    experimentId = created.createExperiment.id;
    dataOf(await app.gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, { id: experimentId, content: INSTRUCTIONS }));
    const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id: experimentId }));
    expect(await waitFor(pairs.generatePairs.id)).toBe('SUCCEEDED');
    const listed = dataOf(await app.gql<{ experiment: { pairs: { edges: { node: { id: string } }[] } } }>(
      `query ($id: ID!) { experiment(id: $id) { pairs(first: 100, status: READY) { edges { node { id } } } } }`,
      { id: experimentId },
    ));
    pairIds = listed.experiment.pairs.edges.map((e) => Number(e.node.id));
    expect(pairIds.length).toBeGreaterThan(2);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('equal the scan after a judge stage, after selection and after selection runs again', async () => {
    const { startIteration } = dataOf(await app.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id: experimentId }));
    const iterationId = Number(startIteration.id);
    const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: startIteration.id }));
    expect(await waitFor(judge.judgePairs.id)).toBe('SUCCEEDED');
    const judged = await expectExact(db, iterationId);
    expect(judged.judgments).toBe(pairIds.length * 2 * 3);
    expect(judged.unparseable).toBeGreaterThan(0);
    expect(judged.correct + judged.incorrect + judged.unparseable + judged.ties).toBe(judged.judgments);
    expect(judged.selected).toBe(0);

    const select = dataOf(await app.gql<{ selectJudgments: { id: string } }>(`mutation ($id: ID!) { selectJudgments(iterationId: $id) { id } }`, { id: startIteration.id }));
    expect(await waitFor(select.selectJudgments.id)).toBe('SUCCEEDED');
    const selected = await expectExact(db, iterationId);
    expect(selected.selected).toBeGreaterThan(0);

    // What the API reports is the counters.
    const { iteration } = dataOf(await app.gql<{ iteration: { stats: Record<string, number> } }>(
      `query ($id: ID!) { iteration(id: $id) { stats { judgments correct incorrect unparseable ties selected selectedAWins selectedBWins pairOrdersWithoutCorrect pairsWithoutCorrect promptTokens completionTokens } } }`,
      { id: startIteration.id },
    ));
    expect(iteration.stats).toEqual(selected);

    // Selection again with other settings: it clears the previous one, and the counts follow.
    for (const options of [{ seed: 9, minCorrectShare: 0, balance: false }, { seed: 9, minCorrectShare: 0.5, balance: true }, { seed: 1, minCorrectShare: 1.01, balance: true }]) {
      const outcome = await db.transaction((tx) => judgmentsRepo.selectJudgments(tx as unknown as Db, iterationId, { iterationIndex: 1, ...options }));
      const counts = await expectExact(db, iterationId);
      expect(counts.selected).toBe(outcome.kept);
      expect([counts.selectedAWins, counts.selectedBWins]).toEqual([outcome.keptAWins, outcome.keptBWins]);
    }
    expect((await expectExact(db, iterationId)).selected).toBe(0);
  });

  it('stay exact when a pair/order or a pair arrives over several inserts, and count nothing for rows skipped', async () => {
    const iteration = await experimentsRepo.insertIteration(db, { experimentId: Number(experimentId), index: 50, judgeModel: 'sim-judge', pairGeneration: 0 });
    const id = iteration!.id;
    const [p, q] = pairIds as [number, number];
    const insert = (rows: NewJudgment[]) => db.transaction((tx) => judgmentsRepo.insertJudgments(tx as unknown as Db, id, rows));

    await insert([judgment(p, 'CHOSEN_FIRST', 0, 'B'), judgment(p, 'CHOSEN_FIRST', 1, 'TIE')]);
    expect(await expectExact(db, id)).toMatchObject({ judgments: 2, incorrect: 1, ties: 1, pairOrdersWithoutCorrect: 1, pairsWithoutCorrect: 1 });
    // The same pair/order's next samples, one correct, plus the other order without a correct one.
    await insert([judgment(p, 'CHOSEN_FIRST', 2, 'A'), judgment(p, 'CHOSEN_SECOND', 0, 'UNPARSEABLE')]);
    expect(await expectExact(db, id)).toMatchObject({ judgments: 4, correct: 1, unparseable: 1, pairOrdersWithoutCorrect: 1, pairsWithoutCorrect: 0 });
    // Already stored keys (with another verdict) and a duplicate within the batch count nothing.
    await insert([judgment(p, 'CHOSEN_FIRST', 0, 'A'), judgment(q, 'CHOSEN_SECOND', 0, 'A'), judgment(q, 'CHOSEN_SECOND', 0, 'B')]);
    expect(await expectExact(db, id)).toMatchObject({ judgments: 5, correct: 1, incorrect: 2, pairOrdersWithoutCorrect: 2, pairsWithoutCorrect: 1 });
    expect(await insert([judgment(p, 'CHOSEN_FIRST', 2, 'B')])).toEqual([]);
    await insert([judgment(q, 'CHOSEN_FIRST', 0, 'A'), judgment(p, 'CHOSEN_SECOND', 1, 'B')]);
    expect(await expectExact(db, id)).toMatchObject({ judgments: 7, correct: 3, pairOrdersWithoutCorrect: 1, pairsWithoutCorrect: 0 });

    // Random batches over a few pairs: every insert keeps the counters equal to the scan.
    const rng = createRng(11);
    const few = pairIds.slice(0, 4);
    const verdicts = ['A', 'B', 'TIE', 'UNPARSEABLE'] as const;
    const again = (await experimentsRepo.insertIteration(db, { experimentId: Number(experimentId), index: 51, judgeModel: 'sim-judge', pairGeneration: 0 }))!.id;
    for (let batch = 0; batch < 12; batch += 1) {
      const rows = Array.from({ length: 1 + Math.floor(rng() * 6) }, () =>
        judgment(few[Math.floor(rng() * few.length)]!, rng() < 0.5 ? 'CHOSEN_FIRST' : 'CHOSEN_SECOND', Math.floor(rng() * 4), verdicts[Math.floor(rng() * (rng() < 0.7 ? 2 : 4))]!),
      );
      await db.transaction((tx) => judgmentsRepo.insertJudgments(tx as unknown as Db, again, rows));
      await expectExact(db, again);
    }
    expect((await expectExact(db, again)).judgments).toBeGreaterThan(10);

    // Batches committed together (CommitGroups): several inserts in one transaction, each seeing
    // the rows of the ones before it, keep the counters exact and the seqs gap-free, in order.
    const grouped = (await experimentsRepo.insertIteration(db, { experimentId: Number(experimentId), index: 52, judgeModel: 'sim-judge', pairGeneration: 0 }))!.id;
    const inserted = await db.transaction(async (tx) => [
      await judgmentsRepo.insertJudgments(tx as unknown as Db, grouped, [judgment(p, 'CHOSEN_FIRST', 0, 'B'), judgment(q, 'CHOSEN_FIRST', 0, 'A')]),
      // p's first order again (a stored key: skipped) and its next sample, correct this time
      await judgmentsRepo.insertJudgments(tx as unknown as Db, grouped, [judgment(p, 'CHOSEN_FIRST', 0, 'A'), judgment(p, 'CHOSEN_FIRST', 1, 'A'), judgment(p, 'CHOSEN_SECOND', 0, 'A')]),
      await judgmentsRepo.insertJudgments(tx as unknown as Db, grouped, [judgment(q, 'CHOSEN_SECOND', 0, 'B')]),
    ]);
    expect(inserted.map((rows) => rows.length)).toEqual([2, 2, 1]);
    expect(await expectExact(db, grouped)).toMatchObject({ judgments: 5, correct: 3, incorrect: 2, pairOrdersWithoutCorrect: 1, pairsWithoutCorrect: 0 });
    const seqs = await db.select({ seq: judgmentsTable.seq, sample: judgmentsTable.sample, pairId: judgmentsTable.pairId }).from(judgmentsTable).where(eq(judgmentsTable.iterationId, grouped)).orderBy(judgmentsTable.seq);
    expect(seqs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(seqs.slice(2, 4).map((r) => [r.pairId, r.sample])).toEqual([
      [p, 1],
      [p, 0],
    ]);

    // Counters lost (as after a bulk load around insertJudgments) are rebuilt from the rows.
    await db.update(iterations).set({ judgmentsCount: 0, pairsWithoutCorrectCount: 0, judgmentPromptTokens: 0 }).where(eq(iterations.id, again));
    await judgmentsRepo.rebuildIterationCounters(db, again);
    await expectExact(db, again);
  });
});

/**
 * A database judged before the counters existed: migrated to 0000 only, judgments written, then
 * migrated to the latest. The backfill must report what the scan reports.
 */
describe.skipIf(NO_DATABASE)(`the counters migration (${TEST_DB})`, () => {
  it('backfills the counters of existing iterations from their judgments', async () => {
    const oldFolder = mkdtempSync(path.join(tmpdir(), 'ste-migrations-'));
    // Empty: not a copy of the run's migrated database, which has the counters already.
    const database = await freshDatabase({ empty: true });
    let close = async () => {};
    try {
      mkdirMeta(oldFolder);
      let db: Db;
      let migrateTo: (folder: string) => Promise<void>;
      if (TEST_DB === 'pglite') {
        const client = await PGlite.create();
        close = () => client.close();
        const raw = drizzlePglite(client);
        db = raw as unknown as Db;
        migrateTo = (folder) => migratePglite(raw, { migrationsFolder: folder });
      } else {
        const client = new pg.Client({ connectionString: database.url! });
        await client.connect();
        close = () => client.end();
        const raw = drizzlePg(client);
        db = raw as unknown as Db;
        migrateTo = (folder) => migratePg(raw, { migrationsFolder: folder });
      }
      await migrateTo(oldFolder);
      const statements = [
        `insert into experiments (name, config) values ('old', '{}')`,
        `insert into instructions (experiment_id, text, text_hash) select 1, 'q' || g, md5(g::text) from generate_series(1, 31) g`,
        `insert into pairs (experiment_id, instruction_id, status, chosen, rejected) select 1, g, 'READY', 'c', 'r' from generate_series(1, 31) g`,
        `insert into iterations (experiment_id, index, judge_model, status, last_seq) values (1, 1, 'm', 'SUCCEEDED', 202), (1, 2, 'm', 'RUNNING', 90), (1, 3, 'm', 'PENDING', 0)`,
        // Pairs 1-30 with a mix of verdicts (and some selected), over samples g; pair 31 with no correct judgment.
        `insert into judgments (iteration_id, pair_id, "order", sample, seq, reasoning, verdict, correct, selected, model, prompt_tokens, completion_tokens)
         select it, 1 + (g * 7 + it) % 30, case when g % 3 = 0 then 'CHOSEN_SECOND' else 'CHOSEN_FIRST' end, g, g,
                'r', v, v = w, g % 11 = 0 and v = w, 'm', g, 2 * g
         from (select it, g, case when g % 3 = 0 then 'B' else 'A' end as w,
                      case when g % 5 = 0 then 'B' when g % 7 = 0 then 'TIE' when g % 13 = 0 then 'UNPARSEABLE' else 'A' end as v
               from (values (1, 200), (2, 90)) as s(it, n), generate_series(1, s.n) g) x`,
        `insert into judgments (iteration_id, pair_id, "order", sample, seq, reasoning, verdict, correct, model)
         values (1, 31, 'CHOSEN_FIRST', 0, 201, 'r', 'B', false, 'm'), (1, 31, 'CHOSEN_SECOND', 0, 202, 'r', 'A', false, 'm')`,
      ];
      for (const statement of statements) await db.execute(statement);
      await migrateTo(MIGRATIONS_FOLDER);
      for (const iterationId of [1, 2, 3]) {
        const counts = await expectExact(db, iterationId);
        expect(counts.judgments).toBe([202, 90, 0][iterationId - 1]);
      }
      const first = await expectExact(db, 1);
      for (const key of ['correct', 'incorrect', 'unparseable', 'ties', 'selected', 'pairOrdersWithoutCorrect', 'pairsWithoutCorrect'] as const) expect(first[key]).toBeGreaterThan(0);
    } finally {
      await close();
      await database.drop();
      rmSync(oldFolder, { recursive: true, force: true });
    }
  });
});

/** A migrations folder holding only 0000_init. */
function mkdirMeta(folder: string): void {
  cpSync(path.join(MIGRATIONS_FOLDER, '0000_init.sql'), path.join(folder, '0000_init.sql'));
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag === '0000_init');
  cpSync(path.join(MIGRATIONS_FOLDER, 'meta'), path.join(folder, 'meta'), { recursive: true });
  writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
}
