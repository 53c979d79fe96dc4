/**
 * Pages and totals that client connections add to QueryService's: `totalCount` on every
 * connection, a benchmark's items, and evaluations across benchmarks and judges.
 *
 * Totals are cheap where they can be: an iteration's judgments are counted from the counters kept
 * on its row (no filter, or a filter the counters answer); only other filters count rows.
 */
import type { Database } from '../../db/database.js';
import * as pages from '../../db/client-pages.js';
import type { EvaluationListFilter } from '../../db/client-pages.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import type { JudgmentFilter } from '../../db/judgments/index.js';
import * as benchmarksRepo from '../../db/benchmarks-repo.js';
import type { BenchmarkItemRow, BenchmarkRow, EvaluationRow, IterationRow } from '../../db/schema.js';
import { decodeCursor, encodeCursor, pageSize } from './queries.js';
import type { Page } from './queries.js';

export type { EvaluationListFilter };

function pageOf<T>(rows: T[], limit: number, key: (row: T) => number): Page<T> {
  return { rows: rows.slice(0, limit), hasNextPage: rows.length > limit, cursorOf: (row) => encodeCursor(key(row)) };
}

/** The total an iteration's counters give for a filter, or undefined when only a count can tell. */
export function countFromCounters(iteration: IterationRow, filter: JudgmentFilter | null | undefined): number | undefined {
  const set = Object.entries(filter ?? {}).filter(([, v]) => v != null);
  if (set.length === 0) return iteration.judgmentsCount;
  if (set.length > 1) return undefined;
  const [field, value] = set[0]!;
  if (field === 'correct') return value ? iteration.correctCount : iteration.judgmentsCount - iteration.correctCount;
  if (field === 'selected') return value ? iteration.selectedCount : iteration.judgmentsCount - iteration.selectedCount;
  if (field === 'verdict' && value === 'UNPARSEABLE') return iteration.unparseableCount;
  if (field === 'verdict' && value === 'TIE') return iteration.tiesCount;
  return undefined;
}

export class ConnectionReads {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async experimentCount(): Promise<number> {
    return pages.countExperiments(this.db);
  }

  async judgmentCount(iteration: IterationRow, filter: JudgmentFilter | null | undefined): Promise<number> {
    return countFromCounters(iteration, filter) ?? judgmentsRepo.countJudgments(this.db, iteration.id, filter);
  }

  async pairJudgmentCount(pairId: number, iterationId: number | null): Promise<number> {
    return judgmentsRepo.countPairJudgments(this.db, pairId, iterationId ?? undefined);
  }

  /** A benchmark's items in position order; the cursor is the position. */
  async benchmarkItems(benchmarkId: number, args: { first?: number | null; after?: string | null; subset?: string | null }): Promise<Page<BenchmarkItemRow>> {
    const limit = pageSize(args.first);
    const rows = await pages.listBenchmarkItems(this.db, benchmarkId, { limit: limit + 1, after: decodeCursor('after', args.after), subset: args.subset });
    return pageOf(rows, limit, (r) => r.position);
  }

  /** Items of the benchmark, or of one subset of it (0 for a subset it does not have). */
  async benchmarkItemCount(benchmark: BenchmarkRow, subset: string | null | undefined): Promise<number> {
    if (subset == null) return benchmark.size;
    return (await benchmarksRepo.subsetSizes(this.db, [benchmark.id])).find((s) => s.name === subset)?.size ?? 0;
  }

  /** Evaluations newest first; the cursor is the id. */
  async evaluations(filter: EvaluationListFilter, args: { first?: number | null; after?: string | null }): Promise<Page<EvaluationRow>> {
    const limit = pageSize(args.first);
    const rows = await pages.listEvaluationPage(this.db, filter, { limit: limit + 1, before: decodeCursor('after', args.after) });
    return pageOf(rows, limit, (r) => r.id);
  }

  async evaluationCount(filter: EvaluationListFilter): Promise<number> {
    return pages.countEvaluations(this.db, filter);
  }
}
