/** Reading judgments for the API: pages of an iteration (filtered, keyset on seq) and of a pair. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import { instructions, judgments, pairs } from '../schema.js';
import type { JudgmentRow } from '../schema.js';
import { matchesWords } from '../search.js';

export type JudgmentFilter = {
  verdict?: string | null;
  correct?: boolean | null;
  order?: string | null;
  selected?: boolean | null;
  /** Words the reasoning or the pair's instruction (x) contains, all of them (full-text, see db/search.ts). */
  search?: string | null;
};

export function filterConditions(filter: JudgmentFilter | null | undefined): (SQL | undefined)[] {
  if (!filter) return [];
  return [
    filter.verdict ? eq(judgments.verdict, filter.verdict) : undefined,
    filter.correct != null ? eq(judgments.correct, filter.correct) : undefined,
    filter.order ? eq(judgments.order, filter.order) : undefined,
    filter.selected != null ? eq(judgments.selected, filter.selected) : undefined,
    filter.search ? searchCondition(filter.search) : undefined,
  ];
}

/** The reasoning matches, or the instruction of the judged pair does. */
function searchCondition(words: string): SQL {
  const pairsOfMatchingInstructions = sql`select ${pairs.id} from ${pairs} inner join ${instructions} on ${instructions.id} = ${pairs.instructionId} where ${matchesWords(instructions.text, words)}`;
  return sql`(${matchesWords(judgments.reasoning, words)} or ${judgments.pairId} in (${pairsOfMatchingInstructions}))`;
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

