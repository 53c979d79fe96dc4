/**
 * A JUDGE stage to break, and the checks that must hold for it whatever happened on the way:
 * exact rows, no duplicate, every queue job ended, and no item sent to the endpoint again after
 * its result was stored (the simulator's request log against the stored rows).
 */
import { expect } from 'vitest';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt } from '../../src/domain/prompts.js';
import { requestHash } from '../../src/sim/server.js';
import { eventually } from './harness.js';
import type { Harness } from './harness.js';

export type Iteration = { experimentId: string; iterationId: string; readyPairs: number; samples: number; items: number };

export type StageView = {
  id: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  message: string | null;
  error: string | null;
  failures: { itemKey: string; error: string; attempts: number }[];
};

const TOPICS = ['tides', 'compound interest', 'photosynthesis', 'binary search', 'vaccines', 'inflation', 'plate tectonics', 'recursion', 'jazz harmony', 'bread rising', 'solar panels', 'the immune system', 'supply chains', 'black holes', 'sourdough', 'public key cryptography'];
const ASKS = ['Explain how {t} works to a curious teenager', 'Write three tips for someone learning about {t}', 'Compare two common misconceptions about {t}', 'Summarise the history of {t} in a short paragraph', 'Give a step-by-step example that involves {t}'];

/** `count` different instructions, as JSONL. */
export function instructionsJsonl(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const topic = TOPICS[i % TOPICS.length]!;
    const ask = ASKS[Math.floor(i / TOPICS.length) % ASKS.length]!;
    lines.push(JSON.stringify({ instruction: `${ask.replace('{t}', topic)} (case ${i + 1}).` }));
  }
  return lines.join('\n');
}

const STAGE = `id status total done failed message error failures { itemKey error attempts }`;

export async function stageOf(h: Harness, id: string): Promise<StageView> {
  return (await h.gql<{ stage: StageView }>(`query ($id: ID!) { stage(id: $id) { ${STAGE} } }`, { id })).stage;
}

/** Waits until the stage has one of `statuses`. */
export function waitForStage(h: Harness, id: string, statuses: string[], timeoutMs = 120_000): Promise<StageView> {
  return eventually(`stage ${id} ${statuses.join(' or ')}`, async () => {
    const stage = await stageOf(h, id);
    return statuses.includes(stage.status) ? stage : undefined;
  }, timeoutMs, 200);
}

/**
 * An experiment with about `instructions` ready pairs and its first iteration (not judged yet).
 * Pair generation needs a running worker.
 */
export async function prepareIteration(h: Harness, options: { instructions: number; samples: number; seed?: number }): Promise<Iteration> {
  const { createExperiment } = await h.gql<{ createExperiment: { id: string } }>(
    `mutation ($config: ExperimentConfigInput) { createExperiment(name: "durability", config: $config) { id } }`,
    { config: { samplesPerOrder: options.samples, seed: options.seed ?? 3, generatorModel: 'sim-generator', judgeModel: 'sim-judge' } },
  );
  const experimentId = createExperiment.id;
  await h.gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, {
    id: experimentId,
    content: instructionsJsonl(options.instructions),
  });
  const { generatePairs } = await h.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id: experimentId });
  await waitForStage(h, generatePairs.id, ['SUCCEEDED']);
  const { rows } = await h.sql.query<{ n: number }>(`select count(*)::int as n from pairs where experiment_id = $1 and status = 'READY'`, [experimentId]);
  const readyPairs = rows[0]!.n;
  const { startIteration } = await h.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id: experimentId });
  return { experimentId, iterationId: startIteration.id, readyPairs, samples: options.samples, items: readyPairs * 2 };
}

export async function judge(h: Harness, iteration: Iteration): Promise<string> {
  const { judgePairs } = await h.gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iteration.iterationId });
  return judgePairs.id;
}

/** Exact rows: every pair judged in both orders with every sample, once; seqs gap-free; the stage's counts agree. */
export async function expectExactJudgments(h: Harness, iteration: Iteration, stageId: string): Promise<void> {
  const stage = await stageOf(h, stageId);
  expect(stage).toMatchObject({ status: 'SUCCEEDED', total: iteration.items, done: iteration.items, failed: 0 });
  const { rows } = await h.sql.query<{ n: number; items: number; keys: number; max_seq: number }>(
    `select count(*)::int as n, count(distinct (pair_id, "order"))::int as items,
            count(distinct (pair_id, "order", sample))::int as keys, coalesce(max(seq), 0)::int as max_seq
     from judgments where iteration_id = $1`,
    [iteration.iterationId],
  );
  const expected = iteration.items * iteration.samples;
  expect(rows[0]).toEqual({ n: expected, items: iteration.items, keys: expected, max_seq: expected });
  await expectStatsMatchRows(h, iteration);
}

/** The iteration's stats (counters written with the judgments, whichever worker wrote them) equal a count of its rows. */
export async function expectStatsMatchRows(h: Harness, iteration: Iteration): Promise<void> {
  const { rows } = await h.sql.query(
    `with per_item as (
       select pair_id, count(*) filter (where correct) as correct from judgments where iteration_id = $1 group by pair_id, "order")
     select (select count(*)::int from judgments where iteration_id = $1) as judgments,
            (select count(*)::int from judgments where iteration_id = $1 and correct) as correct,
            (select count(*)::int from judgments where iteration_id = $1 and not correct and verdict in ('A', 'B')) as incorrect,
            (select count(*)::int from judgments where iteration_id = $1 and verdict = 'UNPARSEABLE') as unparseable,
            (select count(*)::int from per_item where correct = 0) as "pairOrdersWithoutCorrect",
            (select count(*)::int from (select pair_id from per_item group by pair_id having sum(correct) = 0) p) as "pairsWithoutCorrect",
            (select coalesce(sum(prompt_tokens), 0)::int from judgments where iteration_id = $1) as "promptTokens"`,
    [iteration.iterationId],
  );
  const { iteration: read } = await h.gql<{ iteration: { stats: Record<string, number> } }>(
    `query ($id: ID!) { iteration(id: $id) { stats { judgments correct incorrect unparseable pairOrdersWithoutCorrect pairsWithoutCorrect promptTokens } } }`,
    { id: iteration.iterationId },
  );
  expect(read.stats).toEqual(rows[0]);
}

/** Waits until no queue job is waiting, retrying or running. */
export async function expectAllJobsEnded(h: Harness, timeoutMs = 20_000): Promise<void> {
  await eventually('every queue job ended', async () => {
    const { rows } = await h.sql.query<{ n: number }>(`select count(*)::int as n from pgboss.job where state < 'completed'`);
    return rows[0]!.n === 0 ? true : undefined;
  }, timeoutMs, 250);
  const { rows } = await h.sql.query<{ n: number }>(`select count(*)::int as n from pgboss.job where state = 'failed'`);
  expect(rows[0]!.n).toBe(0);
}

/** The simulator's request hash of every item ("pairId:order") of the iteration. */
export async function itemHashes(h: Harness, iteration: Iteration): Promise<Map<string, string>> {
  const { rows } = await h.sql.query<{ id: string; question: string; chosen: string; rejected: string }>(
    `select p.id::text as id, i.text as question, p.chosen, p.rejected from pairs p join instructions i on i.id = p.instruction_id
     where p.experiment_id = $1 and p.status = 'READY'`,
    [iteration.experimentId],
  );
  const byHash = new Map<string, string>();
  for (const r of rows) {
    byHash.set(requestHash('sim-judge', judgePrompt(DEFAULT_JUDGE_TEMPLATE, r.question, r.chosen, r.rejected)), `${r.id}:CHOSEN_FIRST`);
    byHash.set(requestHash('sim-judge', judgePrompt(DEFAULT_JUDGE_TEMPLATE, r.question, r.rejected, r.chosen)), `${r.id}:CHOSEN_SECOND`);
  }
  return byHash;
}

/** The simulator's log entries of this iteration's judge requests, by item. */
export async function judgeRequestsByItem(h: Harness, iteration: Iteration) {
  const byHash = await itemHashes(h, iteration);
  const log = h.sim.stats().log.filter((e) => byHash.has(e.hash));
  const byItem = new Map<string, typeof log>();
  for (const entry of log) {
    const item = byHash.get(entry.hash)!;
    byItem.set(item, [...(byItem.get(item) ?? []), entry]);
  }
  return byItem;
}

/**
 * No item was requested after its result was stored: every request for an item arrived before
 * the transaction that stored its judgments began (`created_at` is that transaction's start).
 */
export async function expectNoRequestAfterStored(h: Harness, iteration: Iteration): Promise<void> {
  expect(h.sim.stats().logDropped).toBe(0);
  const { rows } = await h.sql.query<{ item: string; stored_ms: string }>(
    `select pair_id::text || ':' || "order" as item, (extract(epoch from min(created_at)) * 1000)::float8::text as stored_ms
     from judgments where iteration_id = $1 group by pair_id, "order"`,
    [iteration.iterationId],
  );
  const storedAt = new Map(rows.map((r) => [r.item, Number(r.stored_ms)]));
  const late: string[] = [];
  for (const [item, entries] of await judgeRequestsByItem(h, iteration)) {
    const stored = storedAt.get(item);
    for (const e of entries) if (stored !== undefined && e.at > stored) late.push(`${item}: request ${e.seq} (${e.outcome}) came ${Math.round(e.at - stored)} ms after it was stored`);
  }
  expect(late).toEqual([]);
  expect(storedAt.size).toBe(iteration.items);
}
