/**
 * Reads for the API: pages, batched loaders (one query per field per request, never N+1) and
 * iteration stats read from the counters kept on the iteration row.
 */
import DataLoader from 'dataloader';
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import type { JudgmentFilter } from '../../db/judgments/index.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import type { PairStatus } from '../../db/pairs-repo.js';
import * as batchesRepo from '../../db/provider-batches-repo.js';
import * as stageUsageRepo from '../../db/stage-usage-repo.js';
import type { UsageLine } from '../../db/stage-usage-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import * as stageLogsRepo from '../../db/stage-logs-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { ExperimentRow, InstructionRow, IterationRow, PairRow, StageRow, TrainingJobRow } from '../../db/schema.js';
import { badInput } from '../../domain/errors.js';
import { evaluationLoaders } from './evaluation-loaders.js';
import { searchWords } from './search.js';

export const MAX_PAGE_SIZE = 500;
/** Stage.failures lists at most this many failures. */
export const STAGE_FAILURES_LISTED = 100;
/** Stage.log(last): lines given without `last`, and the most given. */
export const STAGE_LOG_LINES = { default: 100, max: 1000 } as const;

export type Page<T> = { rows: T[]; hasNextPage: boolean; cursorOf: (row: T) => string };

/** Cursors are opaque base64 of a number (an id or a seq). */
export const encodeCursor = (n: number) => Buffer.from(`c:${n}`).toString('base64url');

export function decodeCursor(field: string, cursor: string | null | undefined): number | undefined {
  if (cursor == null || cursor === '') return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^c:(\d{1,15})$/.exec(text);
  if (!match) throw badInput(field, 'is not a cursor returned by this API');
  return Number(match[1]);
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) throw badInput('first', `must be a whole number from 0 to ${MAX_PAGE_SIZE}, got ${n}`);
  return n;
}

function page<T>(rows: T[], limit: number, key: (row: T) => number): Page<T> {
  return { rows: rows.slice(0, limit), hasNextPage: rows.length > limit, cursorOf: (row) => encodeCursor(key(row)) };
}

export type Loaders = ReturnType<QueryService['createLoaders']>;

export class QueryService {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  /** Per-request loaders: every nested field is one batched query. */
  createLoaders() {
    const db = this.db;
    const byId = <T extends { id: number }>(fetch: (ids: readonly number[]) => Promise<T[]>) =>
      new DataLoader<number, T | undefined>(async (ids) => {
        const rows = new Map((await fetch(ids)).map((r) => [r.id, r]));
        return ids.map((id) => rows.get(id));
      });
    const grouped = <T>(fetch: (ids: readonly number[]) => Promise<T[]>, keyOf: (row: T) => number) =>
      new DataLoader<number, T[]>(async (ids) => {
        const groups = new Map<number, T[]>();
        for (const row of await fetch(ids)) {
          const key = keyOf(row);
          groups.set(key, [...(groups.get(key) ?? []), row]);
        }
        return ids.map((id) => groups.get(id) ?? []);
      });
    return {
      experiment: byId((ids) => experimentsRepo.getExperiments(db, ids)),
      iteration: byId((ids) => experimentsRepo.getIterationsByIds(db, ids)),
      instruction: byId((ids) => experimentsRepo.getInstructions(db, ids)),
      pair: byId((ids) => pairsRepo.getPairs(db, ids)),
      stage: byId((ids) => stagesRepo.getStages(db, ids)),
      instructionCount: new DataLoader<number, number>(async (ids) => {
        const counts = await experimentsRepo.countInstructions(db, ids);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
      iterationsOf: grouped((ids) => experimentsRepo.listIterations(db, ids), (r: IterationRow) => r.experimentId),
      /** Each iteration's training jobs, one per training stage, in stage order. */
      trainingJobs: grouped((ids) => trainingRepo.getTrainingJobs(db, ids), (r: TrainingJobRow) => r.iterationId),
      /** A stage's usage lines (tokens per endpoint, model and execution), for its cost. */
      stageUsage: new DataLoader<number, UsageLine[]>(async (ids) => {
        const lines = await stageUsageRepo.usageOfStages(db, ids);
        return ids.map((id) => lines.get(id) ?? []);
      }),
      ...evaluationLoaders(db),
    };
  }

  async experiment(id: number): Promise<ExperimentRow | undefined> {
    return experimentsRepo.getExperiment(this.db, id);
  }

  async iteration(id: number): Promise<IterationRow | undefined> {
    return experimentsRepo.getIteration(this.db, id);
  }

  async pair(id: number): Promise<PairRow | undefined> {
    return (await pairsRepo.getPairs(this.db, [id]))[0];
  }

  async stage(id: number): Promise<StageRow | undefined> {
    return stagesRepo.getStage(this.db, id);
  }

  async experiments(first: number | null | undefined, after: string | null | undefined): Promise<Page<ExperimentRow>> {
    const limit = pageSize(first);
    const rows = await experimentsRepo.listExperiments(this.db, limit + 1, decodeCursor('after', after));
    return page(rows, limit, (r) => r.id);
  }

  /** Instructions in import order; `search`: only those containing every word (full-text). */
  async instructions(experimentId: number, args: { first?: number | null; after?: string | null; search?: string | null }): Promise<Page<InstructionRow> & { search?: string }> {
    const limit = pageSize(args.first);
    const search = await searchWords(this.db, 'search', args.search);
    const rows = await experimentsRepo.listInstructions(this.db, experimentId, limit + 1, decodeCursor('after', args.after), search);
    return { ...page(rows, limit, (r) => r.id), search };
  }

  /** Instructions containing every word of a search checked by `instructions`. */
  async countMatchingInstructions(experimentId: number, search: string): Promise<number> {
    return experimentsRepo.countMatchingInstructions(this.db, experimentId, search);
  }

  /** Pairs in creation order; `search`: only those whose instruction (x) contains every word (full-text). */
  async pairs(experimentId: number, args: { first?: number | null; after?: string | null; status?: PairStatus | null; search?: string | null }): Promise<Page<PairRow>> {
    const limit = pageSize(args.first);
    const search = await searchWords(this.db, 'search', args.search);
    const rows = await pairsRepo.listPairs(this.db, experimentId, { limit: limit + 1, after: decodeCursor('after', args.after), status: args.status ?? undefined, search });
    return page(rows, limit, (r) => r.id);
  }

  async countPairs(experimentId: number, status?: PairStatus | null, search?: string | null): Promise<number> {
    return pairsRepo.countPairs(this.db, experimentId, status ?? undefined, search?.trim() || undefined);
  }

  /** An iteration's judgments in seq order, filtered; filter.search is checked before anything is read. */
  async judgments(iterationId: number, args: { first?: number | null; after?: string | null; filter?: JudgmentFilter | null }) {
    const limit = pageSize(args.first);
    const filter = await this.judgmentFilter(args.filter);
    const rows = await judgmentsRepo.listJudgments(this.db, iterationId, {
      afterSeq: decodeCursor('after', args.after),
      limit: limit + 1,
      filter,
      searchIndex: true,
    });
    return page(rows, limit, (r) => r.seq);
  }

  /** The filter with its search words checked (BAD_USER_INPUT on filter.search) and trimmed. */
  async judgmentFilter(filter: JudgmentFilter | null | undefined): Promise<JudgmentFilter | null> {
    if (!filter) return null;
    return { ...filter, search: await searchWords(this.db, 'filter.search', filter.search) };
  }

  async pairJudgments(pairId: number, args: { iterationId?: number | null; first?: number | null; after?: string | null }) {
    const limit = pageSize(args.first);
    const rows = await judgmentsRepo.listPairJudgments(this.db, pairId, {
      iterationId: args.iterationId ?? undefined,
      limit: limit + 1,
      after: decodeCursor('after', args.after),
    });
    return page(rows, limit, (r) => r.id);
  }

  async iterationStats(iteration: IterationRow) {
    // Counters kept on the iteration row by the judgment-insert and selection transactions: no scan.
    const counts = judgmentsRepo.iterationCounters(iteration);
    const select = await stagesRepo.latestStage(this.db, iteration.experimentId, 'SELECT', iteration.id);
    return { ...counts, selection: select?.stats ?? null };
  }

  async stages(where: { experimentId?: number; iterationId?: number }): Promise<StageRow[]> {
    const rows = await stagesRepo.listStages(this.db, where);
    return where.iterationId !== undefined ? rows.reverse() : rows;
  }

  /** The Batch API batches of a stage (execution BATCH), oldest first. */
  async providerBatches(stageId: number) {
    return batchesRepo.stageBatches(this.db, stageId);
  }

  async stageFailures(stageId: number) {
    return stagesRepo.listFailures(this.db, stageId, STAGE_FAILURES_LISTED);
  }

  /** A stage's log lines (see stage-logs-repo): the last `limit`, or the first `limit` after `afterId`. */
  async lastStageLogId(stageId: number): Promise<number> {
    return stageLogsRepo.lastLogId(this.db, stageId);
  }

  async stageLog(stageId: number, options: { afterId?: number; limit: number }) {
    return stageLogsRepo.logLines(this.db, stageId, options);
  }
}
