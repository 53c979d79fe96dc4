import { notify } from './notify.js';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { queryRows } from './database.js';
import { matchesWords } from './search.js';
import { ACTIVE_STAGE_STATUSES } from '../domain/vocabulary.js';
import { benchmarkItems, experiments, instructions, iterations } from './schema.js';
import type { ExperimentRow, InstructionRow, IterationRow } from './schema.js';

export async function insertExperiment(db: Db, name: string, config: object): Promise<ExperimentRow> {
  const [row] = await db.insert(experiments).values({ name, config }).returning();
  return row!;
}

export async function getExperiment(db: Db, id: number): Promise<ExperimentRow | undefined> {
  const [row] = await db.select().from(experiments).where(eq(experiments.id, id));
  return row;
}

export async function getExperiments(db: Db, ids: readonly number[]): Promise<ExperimentRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(experiments).where(inArray(experiments.id, [...ids]));
}

/** Newest first; `before` is the id of the last row of the previous page. */
export async function listExperiments(db: Db, limit: number, before?: number): Promise<ExperimentRow[]> {
  return db
    .select()
    .from(experiments)
    .where(before === undefined ? undefined : lt(experiments.id, before))
    .orderBy(desc(experiments.id))
    .limit(limit);
}

export async function countInstructions(db: Db, experimentIds: readonly number[]): Promise<Map<number, number>> {
  if (experimentIds.length === 0) return new Map();
  const rows = await db
    .select({ experimentId: instructions.experimentId, n: count() })
    .from(instructions)
    .where(inArray(instructions.experimentId, [...experimentIds]))
    .groupBy(instructions.experimentId);
  return new Map(rows.map((r) => [r.experimentId, Number(r.n)]));
}

/**
 * Values per `IN (...)` lookup: PostgreSQL takes at most 65,535 bind parameters in a statement,
 * and drizzle merges a statement's parts with a spread that overflows the stack past about 100,000 values.
 */
const LOOKUP_CHUNK = 10_000;

/** `lookup` run on slices of `values` of at most LOOKUP_CHUNK, the results joined in one set. */
async function chunkedLookup(values: readonly string[], lookup: (chunk: string[]) => Promise<{ hash: string }[]>): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
    for (const row of await lookup(values.slice(i, i + LOOKUP_CHUNK))) found.add(row.hash);
  }
  return found;
}

/** Which of these text hashes the experiment already holds. */
export async function existingInstructionHashes(db: Db, experimentId: number, hashes: readonly string[]): Promise<Set<string>> {
  return chunkedLookup(hashes, (chunk) =>
    db
      .select({ hash: instructions.textHash })
      .from(instructions)
      .where(and(eq(instructions.experimentId, experimentId), inArray(instructions.textHash, chunk))),
  );
}

/** Which of these normalised-prompt hashes appear in any benchmark. */
export async function benchmarkPromptHashes(db: Db, hashes: readonly string[]): Promise<Set<string>> {
  return chunkedLookup(hashes, (chunk) => db.selectDistinct({ hash: benchmarkItems.promptHash }).from(benchmarkItems).where(inArray(benchmarkItems.promptHash, chunk)));
}

export type NewInstruction = {
  text: string;
  textHash: string;
  category: string | null;
  sourceId: string | null;
  source: string | null;
  excludedReason: string | null;
};

/** One multi-row insert; rows whose text the experiment already has are skipped. Returns rows stored. */
export async function insertInstructions(db: Db, experimentId: number, rows: NewInstruction[]): Promise<number> {
  let stored = 0;
  // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    const inserted = await db
      .insert(instructions)
      .values(chunk.map((r) => ({ experimentId, ...r })))
      .onConflictDoNothing()
      .returning({ id: instructions.id });
    stored += inserted.length;
  }
  return stored;
}

/** Marks instructions whose text appears in a benchmark, across all experiments. */
export async function excludeBenchmarkInstructions(db: Db, hashes: readonly string[], reason: string): Promise<number> {
  let marked = 0;
  for (let i = 0; i < hashes.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .update(instructions)
      .set({ excludedReason: reason })
      .where(and(inArray(instructions.textHash, hashes.slice(i, i + LOOKUP_CHUNK)), isNull(instructions.excludedReason)))
      .returning({ id: instructions.id });
    marked += rows.length;
  }
  return marked;
}

export async function listInstructions(db: Db, experimentId: number, limit: number, after?: number, search?: string): Promise<InstructionRow[]> {
  return db
    .select()
    .from(instructions)
    .where(and(eq(instructions.experimentId, experimentId), after === undefined ? undefined : gt(instructions.id, after), search ? matchesWords(instructions.text, search) : undefined))
    .orderBy(asc(instructions.id))
    .limit(limit);
}

/** Instructions of an experiment containing every word of `search` (full-text, see db/search.ts). */
export async function countMatchingInstructions(db: Db, experimentId: number, search: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(instructions)
    .where(and(eq(instructions.experimentId, experimentId), matchesWords(instructions.text, search)));
  return Number(row?.n ?? 0);
}

export async function getInstructions(db: Db, ids: readonly number[]): Promise<InstructionRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(instructions).where(inArray(instructions.id, [...ids]));
}

/** Instructions without a category (for CATEGORIZE), in id order. */
export async function uncategorizedInstructionIds(db: Db, experimentId: number): Promise<number[]> {
  const rows = await db
    .select({ id: instructions.id })
    .from(instructions)
    .where(and(eq(instructions.experimentId, experimentId), isNull(instructions.category)))
    .orderBy(asc(instructions.id));
  return rows.map((r) => r.id);
}

/** Sets categories with one statement. */
export async function setCategories(db: Db, values: { id: number; category: string }[]): Promise<number> {
  if (values.length === 0) return 0;
  const ids = values.map((v) => v.id);
  const cats = values.map((v) => v.category);
  const result = (await db.execute(sql`
    update instructions i set category = v.category
    from unnest(${sql.param(ids)}::bigint[], ${sql.param(cats)}::text[]) as v(id, category)
    where i.id = v.id and i.category is null
    returning i.id`)) as unknown as { rows: unknown[] };
  return result.rows.length;
}

// ---- iterations ----

export async function insertIteration(
  db: Db,
  values: { experimentId: number; index: number; judgeModel: string; pairGeneration: number },
): Promise<IterationRow | undefined> {
  const [row] = await db
    .insert(iterations)
    .values({ ...values, status: 'PENDING' })
    .onConflictDoNothing()
    .returning();
  if (row) await notify(db, { type: 'iteration.updated', data: { iterationId: row.id, experimentId: row.experimentId } });
  return row;
}

export async function getIteration(db: Db, id: number): Promise<IterationRow | undefined> {
  const [row] = await db.select().from(iterations).where(eq(iterations.id, id));
  return row;
}

export async function getIterationsByIds(db: Db, ids: readonly number[]): Promise<IterationRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(iterations).where(inArray(iterations.id, [...ids]));
}

export async function listIterations(db: Db, experimentIds: readonly number[]): Promise<IterationRow[]> {
  if (experimentIds.length === 0) return [];
  return db
    .select()
    .from(iterations)
    .where(inArray(iterations.experimentId, [...experimentIds]))
    .orderBy(asc(iterations.index));
}

export async function latestIteration(db: Db, experimentId: number): Promise<IterationRow | undefined> {
  const [row] = await db
    .select()
    .from(iterations)
    .where(eq(iterations.experimentId, experimentId))
    .orderBy(desc(iterations.index))
    .limit(1);
  return row;
}

export async function updateIteration(
  db: Db,
  id: number,
  fields: Partial<Pick<IterationRow, 'status' | 'error' | 'trainedModel'>>,
): Promise<IterationRow | undefined> {
  const [row] = await db.update(iterations).set(fields).where(eq(iterations.id, id)).returning();
  if (row) await notify(db, { type: 'iteration.updated', data: { iterationId: row.id, experimentId: row.experimentId } });
  return row;
}

/** Sets `config.tokenBudget` (null: no budget); the rest of the config is left as created. */
export async function setTokenBudget(db: Db, id: number, tokenBudget: number | null): Promise<ExperimentRow | undefined> {
  const [row] = await db
    .update(experiments)
    .set({ config: sql`jsonb_set(${experiments.config}, '{tokenBudget}', ${tokenBudget === null ? sql`'null'::jsonb` : sql`to_jsonb(${tokenBudget}::float8)`})` })
    .where(eq(experiments.id, id))
    .returning();
  return row;
}

/** Sets `config.moneyBudget` (USD as exact decimal text, null: no budget); the rest of the config is left as created. */
export async function setMoneyBudget(db: Db, id: number, moneyBudget: string | null): Promise<ExperimentRow | undefined> {
  const [row] = await db
    .update(experiments)
    .set({ config: sql`jsonb_set(${experiments.config}, '{moneyBudget}', ${moneyBudget === null ? sql`'null'::jsonb` : sql`to_jsonb(${moneyBudget}::numeric)`})` })
    .where(eq(experiments.id, id))
    .returning();
  return row;
}

// ---- loop state ----

export async function setLoop(
  db: Db,
  id: number,
  fields: { loopTarget?: number; loopStatus: string; loopError?: string | null; loopEvaluateOn?: number[]; loopStop?: { patience: number; reason: string | null } | null },
): Promise<ExperimentRow | undefined> {
  const [row] = await db.update(experiments).set(fields).where(eq(experiments.id, id)).returning();
  return row;
}

/** Experiments whose loop is running (the sweeper advances them). */
export async function runningLoops(db: Db): Promise<number[]> {
  const rows = await db.select({ id: experiments.id }).from(experiments).where(eq(experiments.loopStatus, 'RUNNING'));
  return rows.map((r) => r.id);
}

/**
 * Deletes an experiment and, by cascade, everything it holds, in one statement that does nothing
 * while a stage of it is active or its loop runs. Returns 'deleted', 'busy' or 'missing'.
 */
export async function deleteIdleExperiment(db: Db, id: number): Promise<'deleted' | 'busy' | 'missing'> {
  const active = sql.join(ACTIVE_STAGE_STATUSES.map((s) => sql`${s}`), sql`, `);
  const deleted = await queryRows<{ id: number }>(
    db,
    sql`delete from experiments e
        where e.id = ${id} and e.loop_status is distinct from 'RUNNING'
          and not exists (select 1 from stages s where s.experiment_id = e.id and s.status in (${active}))
        returning e.id`,
  );
  if (deleted.length > 0) return 'deleted';
  return (await getExperiment(db, id)) ? 'busy' : 'missing';
}
