/** Counting judgments for a connection's totalCount, when the iteration's counters cannot answer. */
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { judgments } from '../schema.js';
import { hasReasoningIndex } from '../search.js';
import { filterConditions } from './list.js';
import type { JudgmentFilter } from './list.js';

/**
 * Judgments of an iteration matching the filter: one count over the iteration's rows, or over the
 * matches of a search when the iteration's reasoning index is built.
 */
export async function countJudgments(db: Db, iterationId: number, filter: JudgmentFilter | null | undefined): Promise<number> {
  const indexed = Boolean(filter?.search) && (await hasReasoningIndex(db, iterationId));
  const [row] = await db
    .select({ n: count() })
    .from(judgments)
    .where(and(eq(judgments.iterationId, iterationId), ...filterConditions(filter, indexed)));
  return Number(row?.n ?? 0);
}

/** Judgments of a pair (of one iteration, when given). */
export async function countPairJudgments(db: Db, pairId: number, iterationId?: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(judgments)
    .where(and(eq(judgments.pairId, pairId), iterationId !== undefined ? eq(judgments.iterationId, iterationId) : undefined));
  return Number(row?.n ?? 0);
}
