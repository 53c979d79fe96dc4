import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from './database.js';
import { queryRows } from './database.js';
import { notifyExpression } from './notify.js';
import { iterations, judgments } from './schema.js';
import type { IterationRow, JudgmentRow } from './schema.js';

export type JudgmentOrder = 'CHOSEN_FIRST' | 'CHOSEN_SECOND';
export type NewJudgment = {
  pairId: number;
  order: JudgmentOrder;
  sample: number;
  reasoning: string;
  verdict: 'A' | 'B' | 'TIE' | 'UNPARSEABLE';
  correct: boolean;
  finishReason: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
};

/**
 * Stores judgments of one iteration, skipping natural keys already stored, and returns the rows
 * stored. Must run inside a transaction. Two statements: the first locks the iteration row, so
 * that seqs are handed out in commit order (a reader that saw seq s has seen every seq below s);
 * the second, whose snapshot therefore holds every judgment committed before the lock, inserts,
 * adds what it stored to the iteration's counters and announces the new seqs with NOTIFY
 * (delivered only on commit). The lock is held to the end of the transaction, so the fewer round
 * trips under it, the less the batches of a stage wait for each other.
 *
 * The counters: the pair/order counts without a correct judgment change only for the pairs
 * touched, their state before (rows stored earlier, read through judgments_natural_key) against
 * after (those and the new ones), so they stay exact when the samples of a pair/order or a pair's
 * two orders arrive in different batches.
 */
export async function insertJudgments(tx: Db, iterationId: number, rows: NewJudgment[]): Promise<{ pairId: number; order: string }[]> {
  if (rows.length === 0) return [];
  const [lock] = await tx
    .select({ lastSeq: iterations.lastSeq })
    .from(iterations)
    .where(eq(iterations.id, iterationId))
    .for('update');
  if (!lock) throw new Error(`iteration ${iterationId} does not exist`);
  const from = lock.lastSeq;
  const col = <K extends keyof NewJudgment>(key: K) => rows.map((r) => r[key]);
  // With the lock held nobody else inserts for this iteration, so NOT EXISTS sees every stored key
  // and the seqs are gap-free. (The other parts of the statement do not see the rows it inserts:
  // they read them from `ins`.)
  const inserted = await queryRows<{ pair_id: string | number; order: string; seq: string | number }>(
    tx,
    sql`
    with ins as (
      insert into judgments (iteration_id, pair_id, "order", sample, seq, reasoning, verdict, correct,
                             finish_reason, model, prompt_tokens, completion_tokens)
      select ${iterationId}, v.pair_id, v.ord, v.sample, ${from} + row_number() over (order by v.i),
             v.reasoning, v.verdict, v.correct, v.finish_reason, v.model, v.prompt_tokens, v.completion_tokens
      from unnest(${sql.param(col('pairId'))}::bigint[], ${sql.param(col('order'))}::text[], ${sql.param(col('sample'))}::int[],
                  ${sql.param(col('reasoning'))}::text[], ${sql.param(col('verdict'))}::text[], ${sql.param(col('correct'))}::boolean[],
                  ${sql.param(col('finishReason'))}::text[], ${sql.param(col('model'))}::text[],
                  ${sql.param(col('promptTokens'))}::int[], ${sql.param(col('completionTokens'))}::int[])
           with ordinality as v(pair_id, ord, sample, reasoning, verdict, correct, finish_reason, model, prompt_tokens, completion_tokens, i)
      where not exists (select 1 from judgments j where j.iteration_id = ${iterationId} and j.pair_id = v.pair_id
                        and j."order" = v.ord and j.sample = v.sample)
      on conflict do nothing
      returning pair_id, "order", seq, verdict, correct, prompt_tokens, completion_tokens
    ), fresh as (
      select count(*) as n,
             count(*) filter (where correct) as correct,
             count(*) filter (where not correct and verdict in ('A', 'B')) as incorrect,
             count(*) filter (where verdict = 'UNPARSEABLE') as unparseable,
             count(*) filter (where verdict = 'TIE') as ties,
             coalesce(sum(prompt_tokens), 0) as prompt_tokens,
             coalesce(sum(completion_tokens), 0) as completion_tokens,
             max(seq) as to_seq
      from ins
    ), items as (
      select pair_id,
             bool_or(correct) as correct_after,
             bool_or(before) as judged_before,
             coalesce(bool_or(correct) filter (where before), false) as correct_before
      from (select j.pair_id, j."order", j.correct, true as before from judgments j
            where j.iteration_id = ${iterationId} and j.pair_id in (select pair_id from ins)
            union all
            select pair_id, "order", correct, false from ins) a
      group by pair_id, "order"
    ), touched_pairs as (
      select bool_or(correct_after) as correct_after, bool_or(judged_before) as judged_before, bool_or(correct_before) as correct_before
      from items group by pair_id
    ), delta as (
      select (select count(*) filter (where not correct_after) - count(*) filter (where judged_before and not correct_before) from items) as orders_without,
             (select count(*) filter (where not correct_after) - count(*) filter (where judged_before and not correct_before) from touched_pairs) as pairs_without
    ), counted as (
      update iterations it set
        last_seq = f.to_seq,
        judgments_count = it.judgments_count + f.n,
        correct_count = it.correct_count + f.correct,
        incorrect_count = it.incorrect_count + f.incorrect,
        unparseable_count = it.unparseable_count + f.unparseable,
        ties_count = it.ties_count + f.ties,
        pair_orders_without_correct_count = it.pair_orders_without_correct_count + d.orders_without,
        pairs_without_correct_count = it.pairs_without_correct_count + d.pairs_without,
        judgment_prompt_tokens = it.judgment_prompt_tokens + f.prompt_tokens,
        judgment_completion_tokens = it.judgment_completion_tokens + f.completion_tokens
      from fresh f, delta d
      where it.id = ${iterationId} and f.n > 0
      returning it.id
    ), announced as (
      select ${notifyExpression('judgment.created', { iterationId: sql`${iterationId}::bigint`, fromSeq: sql`${from}::bigint + 1`, toSeq: sql`f.to_seq` })}
      from fresh f where f.n > 0
    )
    -- counted runs whatever refers to it (it modifies); announced runs because it is referred to here.
    select pair_id, "order", seq, (select count(*) from announced) as announced from ins`,
  );
  return inserted.map((r) => ({ pairId: Number(r.pair_id), order: r.order }));
}

/** Keys "pairId:order" of these items that have judgments stored in the iteration. */
export async function judgedItemKeys(db: Db, iterationId: number, pairIds: readonly number[]): Promise<Set<string>> {
  if (pairIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ pairId: judgments.pairId, order: judgments.order })
    .from(judgments)
    .where(and(eq(judgments.iterationId, iterationId), inArray(judgments.pairId, [...pairIds])));
  return new Set(rows.map((r) => `${r.pairId}:${r.order}`));
}

export type JudgmentFilter = {
  verdict?: string | null;
  correct?: boolean | null;
  order?: string | null;
  selected?: boolean | null;
};

function filterConditions(filter: JudgmentFilter | null | undefined): (SQL | undefined)[] {
  if (!filter) return [];
  return [
    filter.verdict ? eq(judgments.verdict, filter.verdict) : undefined,
    filter.correct != null ? eq(judgments.correct, filter.correct) : undefined,
    filter.order ? eq(judgments.order, filter.order) : undefined,
    filter.selected != null ? eq(judgments.selected, filter.selected) : undefined,
  ];
}

/** Judgments of an iteration in seq order after `afterSeq`. */
export async function listJudgments(
  db: Db,
  iterationId: number,
  options: { afterSeq?: number; limit: number; filter?: JudgmentFilter | null; pairId?: number; toSeq?: number },
): Promise<JudgmentRow[]> {
  return db
    .select()
    .from(judgments)
    .where(
      and(
        eq(judgments.iterationId, iterationId),
        options.afterSeq !== undefined ? gt(judgments.seq, options.afterSeq) : undefined,
        options.toSeq !== undefined ? sql`${judgments.seq} <= ${options.toSeq}` : undefined,
        options.pairId !== undefined ? eq(judgments.pairId, options.pairId) : undefined,
        ...filterConditions(options.filter),
      ),
    )
    .orderBy(asc(judgments.seq))
    .limit(options.limit);
}

/** Judgments of a pair across iterations (or one), in id order. */
export async function listPairJudgments(db: Db, pairId: number, options: { iterationId?: number; limit: number; after?: number }): Promise<JudgmentRow[]> {
  return db
    .select()
    .from(judgments)
    .where(
      and(
        eq(judgments.pairId, pairId),
        options.iterationId !== undefined ? eq(judgments.iterationId, options.iterationId) : undefined,
        options.after !== undefined ? gt(judgments.id, options.after) : undefined,
      ),
    )
    .orderBy(asc(judgments.id))
    .limit(options.limit);
}

export type IterationCounts = {
  judgments: number;
  correct: number;
  incorrect: number;
  unparseable: number;
  ties: number;
  selected: number;
  selectedAWins: number;
  selectedBWins: number;
  pairOrdersWithoutCorrect: number;
  pairsWithoutCorrect: number;
  promptTokens: number;
  completionTokens: number;
};

/** The iteration's counters, kept at write time (what the API reports): no scan. */
export function iterationCounters(row: IterationRow): IterationCounts {
  return {
    judgments: row.judgmentsCount,
    correct: row.correctCount,
    incorrect: row.incorrectCount,
    unparseable: row.unparseableCount,
    ties: row.tiesCount,
    selected: row.selectedCount,
    selectedAWins: row.selectedAWinsCount,
    selectedBWins: row.selectedBWinsCount,
    pairOrdersWithoutCorrect: row.pairOrdersWithoutCorrectCount,
    pairsWithoutCorrect: row.pairsWithoutCorrectCount,
    promptTokens: row.judgmentPromptTokens,
    completionTokens: row.judgmentCompletionTokens,
  };
}

/** Every count of IterationStats as one aggregate over the iteration's judgments (grouped by pair and order). */
function countsScan(iterationId: number): SQL {
  return sql`
    with per_item as (
      select pair_id,
             count(*) as n,
             count(*) filter (where correct) as correct,
             count(*) filter (where not correct and verdict in ('A', 'B')) as incorrect,
             count(*) filter (where verdict = 'UNPARSEABLE') as unparseable,
             count(*) filter (where verdict = 'TIE') as ties,
             count(*) filter (where selected) as selected,
             count(*) filter (where selected and verdict = 'A') as selected_a,
             count(*) filter (where selected and verdict = 'B') as selected_b,
             sum(prompt_tokens) as prompt_tokens,
             sum(completion_tokens) as completion_tokens
      from judgments where iteration_id = ${iterationId} group by pair_id, "order"
    ), per_pair as (
      select max(correct) as correct from per_item group by pair_id
    )
    select
      coalesce(sum(n), 0) as judgments,
      coalesce(sum(correct), 0) as correct,
      coalesce(sum(incorrect), 0) as incorrect,
      coalesce(sum(unparseable), 0) as unparseable,
      coalesce(sum(ties), 0) as ties,
      coalesce(sum(selected), 0) as selected,
      coalesce(sum(selected_a), 0) as selected_a,
      coalesce(sum(selected_b), 0) as selected_b,
      count(*) filter (where correct = 0) as orders_without,
      (select count(*) from per_pair where correct = 0) as pairs_without,
      coalesce(sum(prompt_tokens), 0) as prompt_tokens,
      coalesce(sum(completion_tokens), 0) as completion_tokens
    from per_item`;
}

/**
 * Every count of IterationStats recounted from the rows, in one scan of the iteration's judgments:
 * the definition the counters must always equal (tests use it as the oracle). Linear in the
 * iteration's judgments (417 ms p95 at 1M), so the API reads iterationCounters instead.
 */
export async function recountIteration(db: Db, iterationId: number): Promise<IterationCounts> {
  const [row] = await queryRows<Record<string, string | number | null>>(db, countsScan(iterationId));
  const n = (key: string) => Number(row?.[key] ?? 0);
  return {
    judgments: n('judgments'),
    correct: n('correct'),
    incorrect: n('incorrect'),
    unparseable: n('unparseable'),
    ties: n('ties'),
    selected: n('selected'),
    selectedAWins: n('selected_a'),
    selectedBWins: n('selected_b'),
    pairOrdersWithoutCorrect: n('orders_without'),
    pairsWithoutCorrect: n('pairs_without'),
    promptTokens: n('prompt_tokens'),
    completionTokens: n('completion_tokens'),
  };
}

/**
 * Sets the iteration's counters from recountIteration's scan: for judgments written around
 * insertJudgments (the benchmark's bulk SQL load). The scan runs after taking the iteration's row
 * lock, so no insert commits between it and the update. Migration 0001 does the same for every
 * iteration at upgrade.
 */
export async function rebuildIterationCounters(db: Db, iterationId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.select({ id: iterations.id }).from(iterations).where(eq(iterations.id, iterationId)).for('update');
    await tx.execute(sql`
      update iterations it set
        judgments_count = c.judgments, correct_count = c.correct, incorrect_count = c.incorrect,
        unparseable_count = c.unparseable, ties_count = c.ties, selected_count = c.selected,
        selected_a_wins_count = c.selected_a, selected_b_wins_count = c.selected_b,
        pair_orders_without_correct_count = c.orders_without, pairs_without_correct_count = c.pairs_without,
        judgment_prompt_tokens = c.prompt_tokens, judgment_completion_tokens = c.completion_tokens
      from (${countsScan(iterationId)}) c
      where it.id = ${iterationId}`);
  });
}

export type SelectionOutcome = {
  pairOrders: number;
  withoutCorrect: number;
  belowMinShare: number;
  droppedForBalance: number;
  kept: number;
  keptAWins: number;
  keptBWins: number;
};

/**
 * Rejection sampling in one statement: per pair and order keep one correct judgment, chosen by a
 * hash keyed with the seed (a seeded random choice, independent of processing order and row ids); drop pair/orders with
 * none or below `minCorrectShare`; then, when `balance`, drop seeded-random kept rows of the larger
 * side until A-wins equal B-wins. Idempotent: it clears the previous selection first.
 */
export async function selectJudgments(
  tx: Db,
  iterationId: number,
  options: { seed: number; iterationIndex: number; minCorrectShare: number; balance: boolean },
): Promise<SelectionOutcome> {
  // The iteration's row lock (as insertJudgments takes it) serialises selections of one iteration
  // and their counter updates.
  await tx.select({ id: iterations.id }).from(iterations).where(eq(iterations.id, iterationId)).for('update');
  await tx.update(judgments).set({ selected: false }).where(and(eq(judgments.iterationId, iterationId), eq(judgments.selected, true)));
  // Keyed by seed, iteration index and instruction text: the same seed and data select the same set in any database.
  const key = `${options.seed}:${options.iterationIndex}`;
  const [row] = await queryRows<Record<string, string | number>>(
    tx,
    sql`
    with items as (
      select pair_id, "order", count(*) as n, count(*) filter (where correct) as n_correct
      from judgments where iteration_id = ${iterationId} group by pair_id, "order"
    ), eligible as (
      select * from items where n_correct > 0 and n_correct::float8 / n >= ${options.minCorrectShare}::float8
    ), picked as (
      select distinct on (j.pair_id, j."order") j.id, j.verdict, j.pair_id, j."order", i.text_hash
      from judgments j
      join eligible e on e.pair_id = j.pair_id and e."order" = j."order"
      join pairs p on p.id = j.pair_id
      join instructions i on i.id = p.instruction_id
      where j.iteration_id = ${iterationId} and j.correct
      order by j.pair_id, j."order", md5(${key} || ':pick:' || i.text_hash || ':' || j."order" || ':' || j.sample)
    ), sides as (
      select count(*) filter (where verdict = 'A') as a, count(*) filter (where verdict = 'B') as b from picked
    ), ranked as (
      select p.id, p.verdict,
             row_number() over (partition by p.verdict order by md5(${key} || ':balance:' || p.text_hash || ':' || p."order")) as rn
      from picked p
    ), kept as (
      select r.id, r.verdict from ranked r, sides s
      where not ${options.balance}::boolean or r.rn <= least(s.a, s.b)
    ), marked as (
      update judgments j set selected = true from kept k where j.id = k.id returning j.verdict
    )
    select
      (select count(*) from items) as pair_orders,
      (select count(*) from items where n_correct = 0) as without_correct,
      (select count(*) from items where n_correct > 0) - (select count(*) from eligible) as below_min_share,
      (select count(*) from picked) - (select count(*) from marked) as dropped_for_balance,
      (select count(*) from marked) as kept,
      (select count(*) from marked where verdict = 'A') as kept_a,
      (select count(*) from marked where verdict = 'B') as kept_b`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  // The previous selection was cleared above, so what this one marked is the whole iteration's.
  await tx
    .update(iterations)
    .set({ selectedCount: n('kept'), selectedAWinsCount: n('kept_a'), selectedBWinsCount: n('kept_b') })
    .where(eq(iterations.id, iterationId));
  return {
    pairOrders: n('pair_orders'),
    withoutCorrect: n('without_correct'),
    belowMinShare: n('below_min_share'),
    droppedForBalance: n('dropped_for_balance'),
    kept: n('kept'),
    keptAWins: n('kept_a'),
    keptBWins: n('kept_b'),
  };
}

export type TrainingRow = { id: number; pairId: number; order: JudgmentOrder; question: string; chosen: string; rejected: string; reasoning: string; verdict: string };

/**
 * Selected judgments with their pair texts, page by page. Ordered by instruction text hash and
 * order (one selected judgment each), not by id: the training file is the same whatever order the
 * judgments were written in, so the same seed and data train the same model.
 */
export async function selectedRows(db: Db, iterationId: number, after: { hash: string; order: string } | null, limit: number): Promise<(TrainingRow & { hash: string })[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select j.id, j.pair_id, j."order", i.text as question, i.text_hash, p.chosen, p.rejected, j.reasoning, j.verdict
    from judgments j
    join pairs p on p.id = j.pair_id
    join instructions i on i.id = p.instruction_id
    where j.iteration_id = ${iterationId} and j.selected
      and (${after === null}::boolean or (i.text_hash, j."order") > (${after?.hash ?? ''}::text, ${after?.order ?? ''}::text))
    order by i.text_hash, j."order"
    limit ${limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    hash: String(r.text_hash),
    pairId: Number(r.pair_id),
    order: r.order as JudgmentOrder,
    question: String(r.question),
    chosen: String(r.chosen ?? ''),
    rejected: String(r.rejected ?? ''),
    reasoning: String(r.reasoning),
    verdict: String(r.verdict),
  }));
}

/** For DPO: one incorrect or unparseable judgment (lowest sample) per pair/order given, keyed "pairId:order". */
export async function rejectedJudgments(db: Db, iterationId: number, pairIds: readonly number[]): Promise<Map<string, string>> {
  if (pairIds.length === 0) return new Map();
  const rows = await queryRows<{ pair_id: string | number; order: string; reasoning: string }>(
    db,
    sql`
    select distinct on (pair_id, "order") pair_id, "order", reasoning
    from judgments
    where iteration_id = ${iterationId} and not correct and pair_id = any(${sql.param([...pairIds])}::bigint[])
    order by pair_id, "order", sample`,
  );
  return new Map(rows.map((r) => [`${Number(r.pair_id)}:${r.order}`, r.reasoning]));
}

/** Every judgment of an iteration with its pair texts, page by page (keyset on seq), for exports. */
export async function exportRows(db: Db, iterationId: number, afterSeq: number, limit: number) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select j.id, j.seq, j.pair_id, j."order", j.sample, j.reasoning, j.verdict, j.correct, j.selected, j.model,
           j.finish_reason, j.prompt_tokens, j.completion_tokens, j.created_at,
           i.id as instruction_id, i.text as question, p.chosen, p.rejected, p.modified_instruction
    from judgments j
    join pairs p on p.id = j.pair_id
    join instructions i on i.id = p.instruction_id
    where j.iteration_id = ${iterationId} and j.seq > ${afterSeq}
    order by j.seq
    limit ${limit}`,
  );
  return rows;
}
