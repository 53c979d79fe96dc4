/**
 * Per-request batched loaders for benchmarks and evaluations (one query per field per request,
 * never N+1). Merged into QueryService.createLoaders.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db/database.js';
import * as benchmarksRepo from '../../db/benchmarks-repo.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import type { BenchmarkRow, EvaluationRow, StageRow } from '../../db/schema.js';

export function evaluationLoaders(db: Db) {
  const grouped = <T>(fetch: (ids: readonly number[]) => Promise<T[]>, keyOf: (row: T) => number | null) =>
    new DataLoader<number, T[]>(async (ids) => {
      const groups = new Map<number, T[]>();
      for (const row of await fetch(ids)) {
        const key = keyOf(row);
        if (key !== null) groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      return ids.map((id) => groups.get(id) ?? []);
    });
  return {
    benchmark: new DataLoader<number, BenchmarkRow | undefined>(async (ids) => {
      const rows = new Map((await benchmarksRepo.getBenchmarks(db, ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id));
    }),
    benchmarkSubsets: grouped((ids) => benchmarksRepo.subsetSizes(db, ids), (r) => r.benchmarkId),
    benchmarkEvaluations: grouped((ids) => evaluationsRepo.listEvaluations(db, 'benchmark', ids), (r: EvaluationRow) => r.benchmarkId),
    iterationEvaluations: grouped((ids) => evaluationsRepo.listEvaluations(db, 'iteration', ids), (r: EvaluationRow) => r.iterationId),
    seedEvaluations: grouped((ids) => evaluationsRepo.listEvaluations(db, 'seed', ids), (r: EvaluationRow) => r.experimentId),
    /** The EVALUATE stage of an evaluation (the newest). */
    evaluationStage: new DataLoader<number, StageRow | undefined>(async (ids) => {
      const rows = new Map((await evaluationsRepo.stagesOfEvaluations(db, ids)).map((r) => [r.evaluationId!, r]));
      return ids.map((id) => rows.get(id));
    }),
  };
}
