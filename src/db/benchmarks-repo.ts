import { asc, count, eq, inArray, and } from 'drizzle-orm';
import type { Db } from './database.js';
import { benchmarkItems, benchmarks } from './schema.js';
import type { BenchmarkItemRow, BenchmarkRow } from './schema.js';

export type NewBenchmarkItem = {
  position: number;
  subset: string;
  prompt: string;
  promptHash: string;
  chosen: string;
  rejected: string;
  sourceId: string | null;
  /** MT-Bench human votes and the like; null for a plain pairwise item. */
  labels?: unknown;
};

/** Creates a benchmark; undefined when the name is taken (unique constraint, no error). */
export async function insertBenchmark(db: Db, values: { name: string; format: string; size: number }): Promise<BenchmarkRow | undefined> {
  const [row] = await db.insert(benchmarks).values(values).onConflictDoNothing().returning();
  return row;
}

export async function getBenchmarks(db: Db, ids: readonly number[]): Promise<BenchmarkRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(benchmarks).where(inArray(benchmarks.id, [...ids]));
}

export async function getBenchmarkByName(db: Db, name: string): Promise<BenchmarkRow | undefined> {
  const [row] = await db.select().from(benchmarks).where(eq(benchmarks.name, name));
  return row;
}

/** Every benchmark, by name. */
export async function listBenchmarks(db: Db): Promise<BenchmarkRow[]> {
  return db.select().from(benchmarks).orderBy(asc(benchmarks.name));
}

// 7 bound parameters a row: 5,000 rows stay under PostgreSQL's 65,535 per statement.
const ITEM_CHUNK = 5_000;

/** Multi-row inserts, ON CONFLICT DO NOTHING on (benchmark, position). Returns rows stored. */
export async function insertBenchmarkItems(db: Db, benchmarkId: number, rows: readonly NewBenchmarkItem[]): Promise<number> {
  let stored = 0;
  for (let i = 0; i < rows.length; i += ITEM_CHUNK) {
    const inserted = await db
      .insert(benchmarkItems)
      .values(rows.slice(i, i + ITEM_CHUNK).map((r) => ({ benchmarkId, ...r })))
      .onConflictDoNothing()
      .returning({ id: benchmarkItems.id });
    stored += inserted.length;
  }
  return stored;
}

/** Item counts per subset of these benchmarks, subsets by name. */
export async function subsetSizes(db: Db, benchmarkIds: readonly number[]): Promise<{ benchmarkId: number; name: string; size: number }[]> {
  if (benchmarkIds.length === 0) return [];
  const rows = await db
    .select({ benchmarkId: benchmarkItems.benchmarkId, name: benchmarkItems.subset, size: count() })
    .from(benchmarkItems)
    .where(inArray(benchmarkItems.benchmarkId, [...benchmarkIds]))
    .groupBy(benchmarkItems.benchmarkId, benchmarkItems.subset)
    .orderBy(asc(benchmarkItems.subset));
  return rows.map((r) => ({ benchmarkId: r.benchmarkId, name: r.name, size: Number(r.size) }));
}

export type PlanningItem = { id: number; position: number; promptHash: string };

/** The items an evaluation judges (of `subsets` only, when given), in position order, without their texts. */
export async function planningItems(db: Db, benchmarkId: number, subsets: readonly string[] | null): Promise<PlanningItem[]> {
  return db
    .select({ id: benchmarkItems.id, position: benchmarkItems.position, promptHash: benchmarkItems.promptHash })
    .from(benchmarkItems)
    .where(and(eq(benchmarkItems.benchmarkId, benchmarkId), subsets ? inArray(benchmarkItems.subset, [...subsets]) : undefined))
    .orderBy(asc(benchmarkItems.position));
}

export async function getItems(db: Db, ids: readonly number[]): Promise<BenchmarkItemRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(benchmarkItems).where(inArray(benchmarkItems.id, [...ids]));
}

/** The items of a benchmark that carry labels, with those labels, by position. */
export async function labelledItems(db: Db, benchmarkId: number): Promise<{ id: number; labels: unknown }[]> {
  const rows = await db
    .select({ id: benchmarkItems.id, labels: benchmarkItems.labels })
    .from(benchmarkItems)
    .where(eq(benchmarkItems.benchmarkId, benchmarkId))
    .orderBy(asc(benchmarkItems.position));
  return rows.filter((r) => r.labels !== null);
}
