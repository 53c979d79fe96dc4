/** Reading judgments for the API: pages of an iteration (filtered, keyset on seq) and of a pair. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import { queryRows } from '../database.js';
import { instructions, judgments, pairs } from '../schema.js';
import type { JudgmentRow } from '../schema.js';
import { hasReasoningIndex, matchesWords } from '../search.js';

export type JudgmentFilter = {
  verdict?: string | null;
  correct?: boolean | null;
  order?: string | null;
  selected?: boolean | null;
  /** Words the reasoning or the pair's instruction (x) contains, all of them (full-text, see db/search.ts). */
  search?: string | null;
};

/**
 * The filter's conditions. `indexed`: the iteration's reasoning index exists (db/search.ts) and
 * the search should be read through it: the match is then written so that the planner can combine
 * that index with the natural-key index (a bitmap OR), instead of a hashed subplan that only a
 * scan can evaluate.
 */
export function filterConditions(filter: JudgmentFilter | null | undefined, indexed = false): (SQL | undefined)[] {
  if (!filter) return [];
  return [
    filter.verdict ? eq(judgments.verdict, filter.verdict) : undefined,
    filter.correct != null ? eq(judgments.correct, filter.correct) : undefined,
    filter.order ? eq(judgments.order, filter.order) : undefined,
    filter.selected != null ? eq(judgments.selected, filter.selected) : undefined,
    filter.search ? (!indexed ? searchCondition(filter.search) : indexedSearchCondition(sql`${judgments.reasoning}`, sql`${judgments.pairId}`, filter.search)) : undefined,
  ];
}

const pairsOfMatchingInstructions = (words: string) =>
  sql`select ${pairs.id} from ${pairs} inner join ${instructions} on ${instructions.id} = ${pairs.instructionId} where ${matchesWords(instructions.text, words)}`;

/** The reasoning matches, or the instruction of the judged pair does. */
function searchCondition(words: string): SQL {
  return sql`(${matchesWords(judgments.reasoning, words)} or ${judgments.pairId} in (${pairsOfMatchingInstructions(words)}))`;
}

/** The same match, each side indexable: the reasoning index, and pair ids as an array for the natural-key index. */
function indexedSearchCondition(reasoning: SQL, pairId: SQL, words: string): SQL {
  return sql`(${matchesWords(reasoning, words)} or ${pairId} = any(array(${pairsOfMatchingInstructions(words)})))`;
}

/**
 * Below this many matches after the cursor, a page of a search is read from the matches (found
 * through the reasoning index, a few ms); from it on, in seq order from the cursor, as without an
 * index (matches are then common enough that a page is found after a short stretch).
 */
const FEW_MATCHES = 1_000;

/**
 * Judgments of an iteration in seq order after `afterSeq`. `searchIndex`: a page asked for on its
 * own (the API's), whose search may be read through the iteration's reasoning index; a stream's
 * replay, which pages through every match, reads in seq order (one probe per page would cost more).
 */
export async function listJudgments(
  db: Db,
  iterationId: number,
  options: { afterSeq?: number; limit: number; filter?: JudgmentFilter | null; pairId?: number; toSeq?: number; searchIndex?: boolean },
): Promise<JudgmentRow[]> {
  const words = options.searchIndex ? options.filter?.search : undefined;
  // A search in an iteration whose reasoning index is built, with few matches: read the matches
  // (fenced by OFFSET 0, so that the planner cannot turn them back into a scan in seq order, which
  // its estimate of a word's frequency would often prefer) and page them.
  const fromMatches = words && (await hasReasoningIndex(db, iterationId)) && (await matchesUpTo(db, iterationId, words, options.afterSeq ?? 0, FEW_MATCHES)) < FEW_MATCHES;
  return db
    .select()
    .from(judgments)
    .where(
      and(
        eq(judgments.iterationId, iterationId),
        options.afterSeq !== undefined ? gt(judgments.seq, options.afterSeq) : undefined,
        options.toSeq !== undefined ? sql`${judgments.seq} <= ${options.toSeq}` : undefined,
        options.pairId !== undefined ? eq(judgments.pairId, options.pairId) : undefined,
        ...filterConditions(fromMatches ? { ...options.filter, search: null } : options.filter),
        fromMatches ? sql`${judgments.seq} in (select j.seq from ${judgments} j where j.iteration_id = ${iterationId} and j.seq > ${options.afterSeq ?? 0} and ${indexedSearchCondition(sql`j.reasoning`, sql`j.pair_id`, words)} offset 0)` : undefined,
      ),
    )
    .orderBy(asc(judgments.seq))
    .limit(options.limit);
}

/** Matches of a search among an iteration's judgments after `afterSeq`, counted up to `cap` (through the reasoning index). */
async function matchesUpTo(db: Db, iterationId: number, words: string, afterSeq: number, cap: number): Promise<number> {
  const [row] = await queryRows<{ n: string | number }>(
    db,
    sql`select count(*) as n from (select 1 from ${judgments} j where j.iteration_id = ${iterationId} and j.seq > ${afterSeq}
        and ${indexedSearchCondition(sql`j.reasoning`, sql`j.pair_id`, words)} limit ${cap}) m`,
  );
  return Number(row?.n ?? 0);
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

