/**
 * DPO rows as the released recipe prepares them (facebookresearch/RAM, self_taught_evaluator
 * prepare_dpo_data.py), over all of an iteration's judgments (not SFT's selection):
 *
 * - an item is a pair in one order (one judge prompt); its positives are its correct judgments,
 *   its negatives the judgments IS_NEGATIVE names (wrong, tie or unparseable);
 * - only items with a positive and a negative take part; among them "A wins" and "B wins" items
 *   are balanced (seeded-random items of the larger side dropped), so the balance holds after
 *   negatives are required, not before;
 * - each kept item gives up to `numPairs` distinct (positive, negative) combinations, drawn in a
 *   seeded-random order.
 *
 * Seeded by hashes of the seed, iteration index and instruction text, like SELECT: the same data
 * and seed give the same rows in any database, whatever order the judgments were written in.
 */
import { sql } from 'drizzle-orm';
import type { JudgmentOrder } from '../../domain/vocabulary.js';
import type { Db } from '../database.js';
import { queryRows } from '../database.js';
import { IS_NEGATIVE } from './rules.js';

export type DpoItem = { pairId: number; order: JudgmentOrder; hash: string };
export type DpoPlan = {
  items: DpoItem[];
  /** Items (pair, order) with a correct judgment and a negative, before balancing, by side. */
  eligibleAWins: number;
  eligibleBWins: number;
  /** Items with a correct judgment but no negative: left out. */
  withoutNegative: number;
};

export type DpoRow = {
  pairId: number;
  order: JudgmentOrder;
  question: string;
  chosen: string;
  rejected: string;
  /** The correct judgment (DPO's chosen side) and the negative (its rejected side). */
  positiveId: number;
  positive: string;
  negativeId: number;
  negative: string;
  negativeVerdict: string;
};

type Seeding = { seed: number; iterationIndex: number };
const keyOf = (s: Seeding) => `${s.seed}:${s.iterationIndex}`;

/** The kept items, sorted by instruction text hash and order, with the counts behind them. */
export async function dpoPlan(db: Db, iterationId: number, options: Seeding & { balance: boolean }): Promise<DpoPlan> {
  const key = keyOf(options);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    with items as (
      select pair_id, "order", count(*) filter (where correct) as n_pos, count(*) filter (where ${IS_NEGATIVE}) as n_neg
      from judgments where iteration_id = ${iterationId} group by pair_id, "order"
    ), eligible as (
      select it.pair_id, it."order", i.text_hash, case when it."order" = 'CHOSEN_FIRST' then 'A' else 'B' end as side
      from items it join pairs p on p.id = it.pair_id join instructions i on i.id = p.instruction_id
      where it.n_pos > 0 and it.n_neg > 0
    ), sides as (
      select count(*) filter (where side = 'A') as a, count(*) filter (where side = 'B') as b from eligible
    ), ranked as (
      select e.*, row_number() over (partition by e.side order by md5(${key} || ':dpo-balance:' || e.text_hash || ':' || e."order")) as rn
      from eligible e
    )
    select r.pair_id, r."order", r.text_hash, s.a, s.b,
      (select count(*) from items where n_pos > 0 and n_neg = 0) as without_negative,
      (not ${options.balance}::boolean or r.rn <= least(s.a, s.b)) as kept
    from sides s left join ranked r on true
    order by r.text_hash, r."order"`,
  );
  const first = rows[0];
  return {
    items: rows
      .filter((r) => r.pair_id !== null && r.kept === true)
      .map((r) => ({ pairId: Number(r.pair_id), order: r.order as JudgmentOrder, hash: String(r.text_hash) })),
    eligibleAWins: Number(first?.a ?? 0),
    eligibleBWins: Number(first?.b ?? 0),
    withoutNegative: Number(first?.without_negative ?? 0),
  };
}

/**
 * Up to `numPairs` distinct (correct, negative) combinations of each item, with the pair's texts,
 * in item order then draw order.
 */
export async function dpoRows(db: Db, iterationId: number, items: readonly DpoItem[], options: Seeding & { numPairs: number }): Promise<DpoRow[]> {
  if (items.length === 0) return [];
  const key = keyOf(options);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    with wanted as (
      select * from unnest(${sql.param(items.map((i) => i.pairId))}::bigint[], ${sql.param(items.map((i) => i.order))}::text[]) as w(pair_id, "order")
    ), pos as (
      select j.id, j.pair_id, j."order", j.sample from judgments j join wanted w using (pair_id, "order")
      where j.iteration_id = ${iterationId} and j.correct
    ), neg as (
      select j.id, j.pair_id, j."order", j.sample from judgments j join wanted w using (pair_id, "order")
      where j.iteration_id = ${iterationId} and ${IS_NEGATIVE}
    ), combos as (
      -- narrow rows only (ids and samples): the texts are read for the kept combinations
      select pos.pair_id, pos."order", i.text_hash, pos.id as pos_id, neg.id as neg_id,
        row_number() over (partition by pos.pair_id, pos."order"
          order by md5(${key} || ':dpo-pair:' || i.text_hash || ':' || pos."order" || ':' || pos.sample || ':' || neg.sample)) as draw
      from pos join neg on neg.pair_id = pos.pair_id and neg."order" = pos."order"
      join pairs p on p.id = pos.pair_id join instructions i on i.id = p.instruction_id
    )
    select c.pair_id, c."order", c.text_hash, c.draw, i.text as question, p.chosen, p.rejected,
      c.pos_id, pj.reasoning as pos_text, c.neg_id, nj.reasoning as neg_text, nj.verdict as neg_verdict
    from combos c
    join judgments pj on pj.id = c.pos_id
    join judgments nj on nj.id = c.neg_id
    join pairs p on p.id = c.pair_id join instructions i on i.id = p.instruction_id
    where c.draw <= ${options.numPairs}
    order by c.text_hash, c."order", c.draw`,
  );
  return rows.map((r) => ({
    pairId: Number(r.pair_id),
    order: r.order as JudgmentOrder,
    question: String(r.question),
    chosen: String(r.chosen ?? ''),
    rejected: String(r.rejected ?? ''),
    positiveId: Number(r.pos_id),
    positive: String(r.pos_text),
    negativeId: Number(r.neg_id),
    negative: String(r.neg_text),
    negativeVerdict: String(r.neg_verdict),
  }));
}
