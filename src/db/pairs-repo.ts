import { and, asc, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from './database.js';
import { matchesWords } from './search.js';
import { instructions, pairs } from './schema.js';
import type { PairRow } from './schema.js';

export type PairStatus = 'READY' | 'REJECTED' | 'FAILED';

/**
 * Usable instructions of an experiment with no pair of `generation` yet, in id order:
 * not excluded, and in `keepCategories` when that list is not empty.
 */
export async function instructionsNeedingPairs(db: Db, experimentId: number, generation: number, keepCategories: string[]): Promise<number[]> {
  const rows = await db
    .select({ id: instructions.id })
    .from(instructions)
    .leftJoin(pairs, and(eq(pairs.instructionId, instructions.id), eq(pairs.generation, generation)))
    .where(
      and(
        eq(instructions.experimentId, experimentId),
        isNull(instructions.excludedReason),
        isNull(pairs.id),
        keepCategories.length > 0 ? inArray(instructions.category, keepCategories) : undefined,
      ),
    )
    .orderBy(asc(instructions.id));
  return rows.map((r) => r.id);
}

/** Of these instruction ids, the ones that already have a pair of `generation`. */
export async function instructionsWithPairs(db: Db, instructionIds: readonly number[], generation: number): Promise<Set<number>> {
  if (instructionIds.length === 0) return new Set();
  const rows = await db
    .select({ id: pairs.instructionId })
    .from(pairs)
    .where(and(inArray(pairs.instructionId, [...instructionIds]), eq(pairs.generation, generation)));
  return new Set(rows.map((r) => r.id));
}

export type NewPair = Omit<typeof pairs.$inferInsert, 'id' | 'createdAt'>;

/** One multi-row insert, ON CONFLICT DO NOTHING on (instruction, generation); returns rows stored. */
export async function insertPairs(db: Db, rows: NewPair[]): Promise<PairRow[]> {
  if (rows.length === 0) return [];
  return db.insert(pairs).values(rows).onConflictDoNothing().returning();
}

export async function getPairs(db: Db, ids: readonly number[]): Promise<PairRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(pairs).where(inArray(pairs.id, [...ids]));
}

/**
 * Ready pairs of an experiment's generation, in id order. Pairs of instructions flagged since
 * their pair was made (a benchmark imported later contains them) are left out: never judged, so
 * never trained on.
 */
export async function readyPairIds(db: Db, experimentId: number, generation: number): Promise<number[]> {
  const rows = await db
    .select({ id: pairs.id })
    .from(pairs)
    .innerJoin(instructions, eq(instructions.id, pairs.instructionId))
    .where(and(eq(pairs.experimentId, experimentId), eq(pairs.generation, generation), eq(pairs.status, 'READY'), isNull(instructions.excludedReason)))
    .orderBy(asc(pairs.id));
  return rows.map((r) => r.id);
}

export type PairForJudging = { id: number; question: string; textHash: string; chosen: string; rejected: string };

export async function pairsForJudging(db: Db, ids: readonly number[]): Promise<PairForJudging[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: pairs.id, question: instructions.text, textHash: instructions.textHash, chosen: pairs.chosen, rejected: pairs.rejected })
    .from(pairs)
    .innerJoin(instructions, eq(instructions.id, pairs.instructionId))
    .where(and(inArray(pairs.id, [...ids]), eq(pairs.status, 'READY')));
  return rows.map((r) => ({ ...r, chosen: r.chosen ?? '', rejected: r.rejected ?? '' }));
}

export async function listPairs(
  db: Db,
  experimentId: number,
  options: { limit: number; after?: number; status?: PairStatus; search?: string },
): Promise<PairRow[]> {
  return db
    .select()
    .from(pairs)
    .where(
      and(
        eq(pairs.experimentId, experimentId),
        options.status ? eq(pairs.status, options.status) : undefined,
        options.after === undefined ? undefined : gt(pairs.id, options.after),
        options.search ? instructionMatches(options.search) : undefined,
      ),
    )
    .orderBy(asc(pairs.id))
    .limit(options.limit);
}

/** The pair's instruction (x) contains every word (full-text, see db/search.ts). */
function instructionMatches(words: string): SQL {
  return sql`${pairs.instructionId} in (select ${instructions.id} from ${instructions} where ${matchesWords(instructions.text, words)})`;
}

export async function countPairs(db: Db, experimentId: number, status?: PairStatus, search?: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(pairs)
    .where(and(eq(pairs.experimentId, experimentId), status ? eq(pairs.status, status) : undefined, search ? instructionMatches(search) : undefined));
  return Number(row?.n ?? 0);
}

/** Counts of pairs by status for one generation. */
export async function pairStatusCounts(db: Db, experimentId: number, generation: number): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: pairs.status, n: count() })
    .from(pairs)
    .where(and(eq(pairs.experimentId, experimentId), eq(pairs.generation, generation)))
    .groupBy(pairs.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Removes FAILED pairs so that a resumed GENERATE_PAIRS stage asks for them again. */
export async function deleteFailedPairs(db: Db, experimentId: number, generation: number): Promise<number> {
  const rows = await db
    .delete(pairs)
    .where(and(eq(pairs.experimentId, experimentId), eq(pairs.generation, generation), eq(pairs.status, 'FAILED')))
    .returning({ id: pairs.id });
  return rows.length;
}
