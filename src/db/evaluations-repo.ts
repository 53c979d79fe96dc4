import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { ACTIVE_STAGE_STATUSES } from '../domain/vocabulary.js';
import type { JudgmentOrder, Verdict } from '../domain/vocabulary.js';
import type { Db } from './database.js';
import { queryRows } from './database.js';
import { notify } from './notify.js';
import { evaluations, evaluationVerdicts, stages } from './schema.js';
import type { EvaluationRow, StageRow } from './schema.js';


export type NewEvaluation = {
  benchmarkId: number;
  experimentId: number | null;
  iterationId: number | null;
  judgeModel: string;
  options: object;
};

export type NewVerdict = {
  itemId: number;
  order: JudgmentOrder;
  sample: number;
  verdict: Verdict;
  reasoning: string;
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
};

export async function insertEvaluation(db: Db, values: NewEvaluation): Promise<EvaluationRow> {
  const [row] = await db
    .insert(evaluations)
    .values({ ...values, status: 'QUEUED' })
    .returning();
  return row!;
}

export async function getEvaluations(db: Db, ids: readonly number[]): Promise<EvaluationRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(evaluations).where(inArray(evaluations.id, [...ids]));
}

/**
 * Evaluations, newest first, of these benchmarks, of these iterations' trained judges, or of these
 * experiments' seed judges.
 */
export async function listEvaluations(db: Db, by: 'benchmark' | 'iteration' | 'seed', ids: readonly number[]): Promise<EvaluationRow[]> {
  if (ids.length === 0) return [];
  const condition =
    by === 'benchmark'
      ? inArray(evaluations.benchmarkId, [...ids])
      : by === 'iteration'
        ? inArray(evaluations.iterationId, [...ids])
        : and(inArray(evaluations.experimentId, [...ids]), isNull(evaluations.iterationId));
  return db.select().from(evaluations).where(condition).orderBy(desc(evaluations.id));
}

/** The newest evaluation of a loop judge (the seed when `iterationId` is null) on a benchmark. */
export async function latestLoopEvaluation(db: Db, experimentId: number, iterationId: number | null, benchmarkId: number): Promise<EvaluationRow | undefined> {
  const [row] = await db
    .select()
    .from(evaluations)
    .where(
      and(
        eq(evaluations.experimentId, experimentId),
        iterationId === null ? isNull(evaluations.iterationId) : eq(evaluations.iterationId, iterationId),
        eq(evaluations.benchmarkId, benchmarkId),
      ),
    )
    .orderBy(desc(evaluations.id))
    .limit(1);
  return row;
}

export async function updateEvaluation(db: Db, id: number, fields: { status?: string; error?: string | null; results?: object }): Promise<void> {
  await db.update(evaluations).set(fields).where(eq(evaluations.id, id));
}

/** The EVALUATE stage of each evaluation (the newest, should there be several). */
export async function stagesOfEvaluations(db: Db, evaluationIds: readonly number[]): Promise<StageRow[]> {
  if (evaluationIds.length === 0) return [];
  return db
    .select()
    .from(stages)
    .where(inArray(stages.evaluationId, [...evaluationIds]))
    .orderBy(asc(stages.id));
}

// 9 bound parameters a row: 5,000 rows stay under PostgreSQL's 65,535 per statement.
const VERDICT_CHUNK = 5_000;

/**
 * Stores verdicts, skipping natural keys already stored, and returns the (item, order) of the rows
 * stored. Announces 'evaluation.progress' in the caller's transaction (delivered on commit).
 */
export async function insertVerdicts(tx: Db, evaluationId: number, stageId: number, rows: readonly NewVerdict[]): Promise<{ itemId: number; order: string }[]> {
  const stored: { itemId: number; order: string }[] = [];
  for (let i = 0; i < rows.length; i += VERDICT_CHUNK) {
    const inserted = await tx
      .insert(evaluationVerdicts)
      .values(rows.slice(i, i + VERDICT_CHUNK).map((r) => ({ evaluationId, ...r })))
      .onConflictDoNothing()
      .returning({ itemId: evaluationVerdicts.itemId, order: evaluationVerdicts.order });
    stored.push(...inserted);
  }
  if (stored.length > 0) await notify(tx, { type: 'evaluation.progress', data: { evaluationId, stageId } });
  return stored;
}

/** Keys "itemId:order" of these items that have verdicts stored in the evaluation. */
export async function verdictItemKeys(db: Db, evaluationId: number, itemIds: readonly number[]): Promise<Set<string>> {
  if (itemIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ itemId: evaluationVerdicts.itemId, order: evaluationVerdicts.order })
    .from(evaluationVerdicts)
    .where(and(eq(evaluationVerdicts.evaluationId, evaluationId), inArray(evaluationVerdicts.itemId, [...itemIds])));
  return new Set(rows.map((r) => `${r.itemId}:${r.order}`));
}

export type VerdictRow = { itemId: number; subset: string; order: JudgmentOrder; sample: number; verdict: Verdict };

/** Every verdict of an evaluation with its item's subset (what the metrics need, no texts). */
export async function verdictRows(db: Db, evaluationId: number): Promise<VerdictRow[]> {
  const rows = await queryRows<{ item_id: string | number; subset: string; order: JudgmentOrder; sample: number; verdict: Verdict }>(
    db,
    sql`
    select v.item_id, i.subset, v."order", v.sample, v.verdict
    from evaluation_verdicts v join benchmark_items i on i.id = v.item_id
    where v.evaluation_id = ${evaluationId}`,
  );
  return rows.map((r) => ({ itemId: Number(r.item_id), subset: r.subset, order: r.order, sample: Number(r.sample), verdict: r.verdict }));
}

export type ExportCursor = { position: number; order: string; sample: number };

/** Verdicts with their items' texts, page by page in (position, order, sample) order, for exports. */
export async function exportVerdicts(db: Db, evaluationId: number, after: ExportCursor | null, limit: number) {
  return queryRows<Record<string, unknown>>(
    db,
    sql`
    select v.id, v.item_id, i.position, i.subset, i.source_id, i.prompt, i.chosen, i.rejected, v."order", v.sample,
           v.verdict, v.reasoning, v.finish_reason, v.prompt_tokens, v.completion_tokens, v.created_at
    from evaluation_verdicts v join benchmark_items i on i.id = v.item_id
    where v.evaluation_id = ${evaluationId}
      and (${after === null}::boolean
           or (i.position, v."order", v.sample) > (${after?.position ?? 0}::int, ${after?.order ?? ''}::text, ${after?.sample ?? 0}::int))
    order by i.position, v."order", v.sample
    limit ${limit}`,
  );
}

/** Every verdict of these items in an evaluation, with its reasoning, by item, order and sample. */
export async function verdictDetails(db: Db, evaluationId: number, itemIds: readonly number[]) {
  if (itemIds.length === 0) return [];
  const rows = await queryRows<{ item_id: string | number; order: JudgmentOrder; sample: number; verdict: Verdict; reasoning: string }>(
    db,
    sql`
    select item_id, "order", sample, verdict, reasoning from evaluation_verdicts
    where evaluation_id = ${evaluationId} and item_id = any(${sql.param([...itemIds])}::bigint[])
    order by item_id, "order", sample`,
  );
  return rows.map((r) => ({ itemId: Number(r.item_id), order: r.order, sample: Number(r.sample), verdict: r.verdict, reasoning: r.reasoning }));
}

/**
 * Which of `models` an evaluation still judges with: one whose stage is queued, running or paused
 * (a resumed evaluation included), or one not started yet.
 */
export async function modelsOfActiveEvaluations(db: Db, models: readonly string[]): Promise<Set<string>> {
  if (models.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ model: evaluations.judgeModel })
    .from(evaluations)
    .leftJoin(stages, eq(stages.evaluationId, evaluations.id))
    .where(and(inArray(evaluations.judgeModel, [...models]), or(inArray(stages.status, [...ACTIVE_STAGE_STATUSES]), eq(evaluations.status, 'QUEUED'))));
  return new Set(rows.map((r) => r.model));
}
