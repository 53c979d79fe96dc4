/** SELECT's statement: rejection sampling and balancing over an iteration's judgments, and its counters. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { queryRows } from '../database.js';
import { iterations, judgments } from '../schema.js';

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
