/**
 * Pages and counts that only client connections need: a benchmark's items, evaluations across
 * benchmarks and judges, the number of experiments. Keyset pages (never OFFSET): `after` is the
 * last id of the previous page.
 */
import { and, asc, count, desc, eq, gt, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from './database.js';
import { benchmarkItems, evaluations, experiments } from './schema.js';
import type { BenchmarkItemRow, EvaluationRow } from './schema.js';

export async function countExperiments(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(experiments);
  return Number(row?.n ?? 0);
}

/** A benchmark's items in position order (of one subset, when given), after item position `after`. */
export async function listBenchmarkItems(db: Db, benchmarkId: number, options: { limit: number; after?: number; subset?: string | null }): Promise<BenchmarkItemRow[]> {
  return db
    .select()
    .from(benchmarkItems)
    .where(
      and(
        eq(benchmarkItems.benchmarkId, benchmarkId),
        options.subset != null ? eq(benchmarkItems.subset, options.subset) : undefined,
        options.after !== undefined ? gt(benchmarkItems.position, options.after) : undefined,
      ),
    )
    .orderBy(asc(benchmarkItems.position))
    .limit(options.limit);
}

/** Which evaluations a list holds; every field left out matches everything. */
export type EvaluationListFilter = {
  benchmarkId?: number | null;
  experimentId?: number | null;
  iterationId?: number | null;
  judgeModel?: string | null;
};

function evaluationConditions(filter: EvaluationListFilter): (SQL | undefined)[] {
  return [
    filter.benchmarkId != null ? eq(evaluations.benchmarkId, filter.benchmarkId) : undefined,
    filter.experimentId != null ? eq(evaluations.experimentId, filter.experimentId) : undefined,
    filter.iterationId != null ? eq(evaluations.iterationId, filter.iterationId) : undefined,
    filter.judgeModel != null ? eq(evaluations.judgeModel, filter.judgeModel) : undefined,
  ];
}

/** Evaluations newest first, before id `before`. */
export async function listEvaluationPage(db: Db, filter: EvaluationListFilter, options: { limit: number; before?: number }): Promise<EvaluationRow[]> {
  return db
    .select()
    .from(evaluations)
    .where(and(...evaluationConditions(filter), options.before !== undefined ? lt(evaluations.id, options.before) : undefined))
    .orderBy(desc(evaluations.id))
    .limit(options.limit);
}

export async function countEvaluations(db: Db, filter: EvaluationListFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(evaluations)
    .where(and(...evaluationConditions(filter)));
  return Number(row?.n ?? 0);
}
