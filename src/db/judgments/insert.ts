/** Writing judgments: the batch insert with its counters and announcement, and the stored-item check the runner uses. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { JudgmentOrder } from '../../domain/vocabulary.js';
import type { Db } from '../database.js';
import { queryRows } from '../database.js';
import { notifyExpression } from '../notify.js';
import { iterations, judgments } from '../schema.js';
import { COUNT_CORRECT, COUNT_INCORRECT, COUNT_TIES, COUNT_UNPARSEABLE } from './rules.js';

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
  const pairIds = sql.param([...new Set(col('pairId'))]);
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
                        and j."order" = v.ord and j.sample = v.sample
                        -- as in items below: without it the planner may hash the whole iteration's keys
                        and j.pair_id = any(${pairIds}::bigint[]))
      on conflict do nothing
      returning pair_id, "order", seq, verdict, correct, prompt_tokens, completion_tokens
    ), fresh as (
      select count(*) as n,
             ${COUNT_CORRECT} as correct,
             ${COUNT_INCORRECT} as incorrect,
             ${COUNT_UNPARSEABLE} as unparseable,
             ${COUNT_TIES} as ties,
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
              -- the batch's pairs (a superset of those in ins) as a parameter: the planner then reads
              -- them through the natural-key index; with only the CTE it may read the whole iteration
              and j.pair_id = any(${pairIds}::bigint[])
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
