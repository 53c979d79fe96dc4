import { and, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { ACTIVE_STAGE_STATUSES, RESUMABLE_STAGE_STATUSES } from '../domain/vocabulary.js';
import type { StageKind, StageStatus } from '../domain/vocabulary.js';
import { transaction } from './database.js';
import type { Db } from './database.js';
import { queryRows } from './database.js';
import { notify, notifyExpression } from './notify.js';
import { stageFailures, stages } from './schema.js';
import type { StageRow } from './schema.js';


export async function insertStage(
  db: Db,
  values: { experimentId: number | null; iterationId?: number | null; evaluationId?: number | null; kind: StageKind; total: number; params?: object },
): Promise<StageRow> {
  const [row] = await db
    .insert(stages)
    .values({ ...values, status: 'QUEUED', params: values.params ?? {} })
    .returning();
  await announce(db, row!);
  return row!;
}

/**
 * The token budget of a stage's experiment, and the tokens used by its experiment's other stages,
 * as fields of a select or returning on "stages". (The columns are written out qualified: drizzle
 * leaves them bare there, and a bare experiment_id would bind to the subquery's own table.)
 */
const budgetField = sql<string | number | null>`(select (e.config ->> 'tokenBudget')::float8 from experiments e where e.id = "stages".experiment_id)`;
/** The experiment's `moneyBudget` (USD) as the decimal text stored, or null. */
const moneyBudgetField = sql<string | null>`(select e.config ->> 'moneyBudget' from experiments e where e.id = "stages".experiment_id)`;
const otherStagesTokensField = sql<string | number | null>`(select coalesce(sum(o.prompt_tokens + o.completion_tokens), 0) from stages o
  where o.experiment_id = "stages".experiment_id and o.id <> "stages".id)`;

function controlOf(row: StageRow, budget: string | number | null, otherStagesTokens: string | number | null, moneyBudget: string | null): StageControl {
  return {
    experimentId: row.experimentId,
    moneyBudget: moneyBudget ?? null,
    status: row.status as StageStatus,
    epoch: row.epoch,
    tokenBudget: budget === null ? null : Number(budget),
    tokensUsed: row.experimentId === null ? 0 : Number(otherStagesTokens ?? 0) + row.promptTokens + row.completionTokens,
    stageTokens: row.promptTokens + row.completionTokens,
  };
}

export async function getStage(db: Db, id: number): Promise<StageRow | undefined> {
  const [row] = await db.select().from(stages).where(eq(stages.id, id));
  return row;
}

/** getStage and stageControl in one query. */
export async function getStageWithControl(db: Db, id: number): Promise<{ row: StageRow; control: StageControl } | undefined> {
  const [result] = await db
    .select({ row: getTableColumns(stages), budget: budgetField, otherStagesTokens: otherStagesTokensField, moneyBudget: moneyBudgetField })
    .from(stages)
    .where(eq(stages.id, id));
  return result && { row: result.row, control: controlOf(result.row, result.budget, result.otherStagesTokens, result.moneyBudget) };
}

export async function getStages(db: Db, ids: readonly number[]): Promise<StageRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(stages).where(inArray(stages.id, [...ids]));
}

export async function listStages(db: Db, where: { experimentId?: number; iterationId?: number; evaluationId?: number }): Promise<StageRow[]> {
  const conditions = [];
  if (where.experimentId !== undefined) conditions.push(eq(stages.experimentId, where.experimentId));
  if (where.iterationId !== undefined) conditions.push(eq(stages.iterationId, where.iterationId));
  if (where.evaluationId !== undefined) conditions.push(eq(stages.evaluationId, where.evaluationId));
  return db
    .select()
    .from(stages)
    .where(and(...conditions))
    .orderBy(desc(stages.id));
}

/** Latest stage of a kind for an experiment (and iteration, when given). */
export async function latestStage(db: Db, experimentId: number, kind: StageKind, iterationId?: number | null): Promise<StageRow | undefined> {
  const [row] = await db
    .select()
    .from(stages)
    .where(
      and(
        eq(stages.experimentId, experimentId),
        eq(stages.kind, kind),
        iterationId == null ? sql`${stages.iterationId} is null` : eq(stages.iterationId, iterationId),
      ),
    )
    .orderBy(desc(stages.id))
    .limit(1);
  return row;
}

/** QUEUED -> RUNNING the first time a worker touches the stage. */
export async function markRunning(db: Db, id: number): Promise<void> {
  const rows = await db
    .update(stages)
    .set({ status: 'RUNNING', startedAt: sql`coalesce(${stages.startedAt}, now())`, updatedAt: sql`now()` })
    .where(and(eq(stages.id, id), eq(stages.status, 'QUEUED')))
    .returning();
  if (rows[0]) await announce(db, rows[0]);
}

type ProgressDelta = { done: number; failed: number; promptTokens: number; completionTokens: number };

/** The columns a batch's progress adds to. */
const progressUpdate = (delta: ProgressDelta) => ({
  done: sql`${stages.done} + ${delta.done}`,
  failed: sql`${stages.failed} + ${delta.failed}`,
  promptTokens: sql`${stages.promptTokens} + ${delta.promptTokens}`,
  completionTokens: sql`${stages.completionTokens} + ${delta.completionTokens}`,
  updatedAt: sql`now()`,
});

/**
 * Adds a batch's newly stored items to the counts, in the caller's transaction, and finishes the
 * stage when every item is accounted for. Returns the row after the update.
 */
export async function addProgress(
  db: Db,
  id: number,
  delta: ProgressDelta,
): Promise<StageRow> {
  const [row] = await db
    .update(stages)
    .set(progressUpdate(delta))
    .where(eq(stages.id, id))
    .returning();
  await announce(db, row!);
  return row!;
}

/**
 * addProgress for a batch of the stage's `epoch`, in one statement: it also announces the update
 * (the same 'stage.updated' message as `announce`) and returns what `stageControl` would read
 * right after it. Undefined, with nothing changed, when the stage is gone or in another epoch.
 * The stage row stays locked until the transaction ends.
 */
export async function addBatchProgress(
  db: Db,
  id: number,
  epoch: number,
  delta: ProgressDelta,
): Promise<{ row: StageRow; control: StageControl } | undefined> {
  const [result] = await db
    .update(stages)
    .set(progressUpdate(delta))
    .where(and(eq(stages.id, id), eq(stages.epoch, epoch)))
    .returning({
      row: getTableColumns(stages),
      budget: budgetField,
      otherStagesTokens: otherStagesTokensField,
      moneyBudget: moneyBudgetField,
      announced: notifyExpression('stage.updated', { stageId: sql`"stages".id`, experimentId: sql`"stages".experiment_id`, final: sql`false` }),
    });
  return result && { row: result.row, control: controlOf(result.row, result.budget, result.otherStagesTokens, result.moneyBudget) };
}

/** Sets a terminal (or paused) status once: returns the row only if this call changed it. */
export async function finishStage(
  db: Db,
  id: number,
  status: StageStatus,
  fields: { error?: string | null; stats?: object; message?: string | null } = {},
  from: StageStatus[] = ['QUEUED', 'RUNNING', 'PAUSED'],
): Promise<StageRow | undefined> {
  const terminal = status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
  const [row] = await db
    .update(stages)
    .set({
      status,
      ...(fields.error !== undefined ? { error: fields.error } : {}),
      ...(fields.stats !== undefined ? { stats: fields.stats } : {}),
      ...(fields.message !== undefined ? { message: fields.message } : {}),
      finishedAt: terminal ? sql`now()` : null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(stages.id, id), inArray(stages.status, from)))
    .returning();
  if (row) await announce(db, row, terminal);
  return row;
}

export async function updateStageFields(db: Db, id: number, fields: { total?: number; done?: number; message?: string | null; stats?: object }): Promise<StageRow | undefined> {
  const [row] = await db
    .update(stages)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(stages.id, id))
    .returning();
  if (row) await announce(db, row);
  return row;
}

/** Statuses a stage can be reopened from by resumeStage. */

/**
 * Reopens a stage (RUNNING, next epoch) if its status is one of `from` (and its epoch is `epoch`,
 * when given), so that of concurrent callers exactly one reopens it. Unless `keepFailures`, its
 * failed items are forgotten so that they are queued again. Returns the row, or undefined when
 * the stage was not in a state to reopen.
 */
export async function reopenStage(
  db: Db,
  id: number,
  options: { from?: StageStatus[]; epoch?: number; keepFailures?: boolean } = {},
): Promise<StageRow | undefined> {
  return transaction(db, async (t) => {
    const [opened] = await t
      .update(stages)
      .set({ status: 'RUNNING', epoch: sql`${stages.epoch} + 1`, error: null, message: null, finishedAt: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(stages.id, id),
          inArray(stages.status, options.from ?? RESUMABLE_STAGE_STATUSES),
          options.epoch === undefined ? undefined : eq(stages.epoch, options.epoch),
        ),
      )
      .returning();
    if (!opened) return undefined;
    let row = opened;
    if (!options.keepFailures) {
      const removed = await t.delete(stageFailures).where(eq(stageFailures.stageId, id)).returning({ key: stageFailures.itemKey });
      if (removed.length > 0) {
        const [updated] = await t
          .update(stages)
          .set({ done: sql`greatest(0, ${stages.done} - ${removed.length})`, failed: sql`greatest(0, ${stages.failed} - ${removed.length})` })
          .where(eq(stages.id, id))
          .returning();
        row = updated ?? row;
      }
    }
    await announce(t, row);
    return row;
  });
}

/**
 * What decides whether a stage's work may go on: its status and epoch, its experiment's token
 * budget and use (all its stages), its money budget (USD, decimal text; the spending is priced by
 * the service), and the stage's own tokens (the use of a stage outside any experiment, a
 * standalone evaluation).
 */
export type StageControl = { experimentId: number | null; status: StageStatus; epoch: number; tokenBudget: number | null; tokensUsed: number; moneyBudget: string | null; stageTokens: number };

export async function stageControl(db: Db, id: number): Promise<StageControl | undefined> {
  const rows = await queryRows<{ experiment_id: string | number | null; status: string; epoch: number; budget: string | number | null; used: string | number | null; money: string | null; own: string | number }>(
    db,
    sql`select s.experiment_id, s.status, s.epoch, (e.config ->> 'tokenBudget')::float8 as budget, e.config ->> 'moneyBudget' as money,
          s.prompt_tokens + s.completion_tokens as own,
          (select coalesce(sum(o.prompt_tokens + o.completion_tokens), 0) from stages o where o.experiment_id = s.experiment_id) as used
        from stages s left join experiments e on e.id = s.experiment_id
        where s.id = ${id}`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    experimentId: row.experiment_id === null ? null : Number(row.experiment_id),
    status: row.status as StageStatus,
    epoch: Number(row.epoch),
    tokenBudget: row.budget === null ? null : Number(row.budget),
    tokensUsed: row.experiment_id === null ? 0 : Number(row.used ?? 0),
    moneyBudget: row.money ?? null,
    stageTokens: Number(row.own),
  };
}

/** Stages of these kinds with items left that have not written anything for `quietSeconds`. */
export async function quietStages(db: Db, kinds: readonly string[], quietSeconds: number): Promise<StageRow[]> {
  if (kinds.length === 0) return [];
  return db
    .select()
    .from(stages)
    .where(
      and(
        inArray(stages.kind, [...kinds]),
        inArray(stages.status, ['QUEUED', 'RUNNING']),
        sql`${stages.done} < ${stages.total}`,
        sql`${stages.updatedAt} < now() - make_interval(secs => ${quietSeconds}::float8)`,
      ),
    );
}

/** Stages of an experiment in a status. */
export async function stagesWithStatus(db: Db, experimentId: number, status: StageStatus): Promise<StageRow[]> {
  return db
    .select()
    .from(stages)
    .where(and(eq(stages.experimentId, experimentId), eq(stages.status, status)));
}

/** Records items that failed after every retry; returns how many were new. */
export async function insertFailures(db: Db, stageId: number, failures: { itemKey: string; error: string; attempts: number }[]): Promise<number> {
  if (failures.length === 0) return 0;
  const rows = await db
    .insert(stageFailures)
    .values(failures.map((f) => ({ stageId, ...f })))
    .onConflictDoNothing()
    .returning({ key: stageFailures.itemKey });
  return rows.length;
}

export async function failureKeys(db: Db, stageId: number, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .select({ key: stageFailures.itemKey })
    .from(stageFailures)
    // One array parameter, not one per key: a stage may plan more keys than a statement takes parameters.
    .where(and(eq(stageFailures.stageId, stageId), sql`${stageFailures.itemKey} = any(${sql.param([...keys])}::text[])`));
  return new Set(rows.map((r) => r.key));
}

/** The failure message most items of a stage share, with how many share it (null when none failed). */
export async function mostCommonFailure(db: Db, stageId: number): Promise<{ error: string; count: number } | null> {
  const [row] = await db
    .select({ error: stageFailures.error, count: sql<number>`count(*)::int` })
    .from(stageFailures)
    .where(eq(stageFailures.stageId, stageId))
    .groupBy(stageFailures.error)
    .orderBy(sql`count(*) desc`, stageFailures.error)
    .limit(1);
  return row ? { error: row.error, count: Number(row.count) } : null;
}

export async function listFailures(db: Db, stageId: number, limit = 100) {
  return db.select().from(stageFailures).where(eq(stageFailures.stageId, stageId)).limit(limit);
}

/** Stages of an experiment that are still working. */
export async function activeStages(db: Db, experimentId: number): Promise<StageRow[]> {
  return db
    .select()
    .from(stages)
    .where(and(eq(stages.experimentId, experimentId), inArray(stages.status, ACTIVE_STAGE_STATUSES)));
}

async function announce(db: Db, row: StageRow, final = false): Promise<void> {
  await notify(db, { type: 'stage.updated', data: { stageId: row.id, experimentId: row.experimentId, final } });
}
