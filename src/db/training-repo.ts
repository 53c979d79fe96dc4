import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { iterations, trainingJobs } from './schema.js';
import type { TrainingJobRow } from './schema.js';

export async function getTrainingJob(db: Db, iterationId: number): Promise<TrainingJobRow | undefined> {
  const [row] = await db.select().from(trainingJobs).where(eq(trainingJobs.iterationId, iterationId));
  return row;
}

export async function getTrainingJobs(db: Db, iterationIds: readonly number[]): Promise<TrainingJobRow[]> {
  if (iterationIds.length === 0) return [];
  return db.select().from(trainingJobs).where(inArray(trainingJobs.iterationId, [...iterationIds]));
}

/** Creates the iteration's job row, or returns the existing one (one job per iteration). */
export async function upsertTrainingJob(db: Db, values: Omit<typeof trainingJobs.$inferInsert, 'id'>): Promise<TrainingJobRow> {
  const [row] = await db
    .insert(trainingJobs)
    .values(values)
    .onConflictDoUpdate({ target: trainingJobs.iterationId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
  return row!;
}

export async function updateTrainingJob(
  db: Db,
  iterationId: number,
  fields: Partial<Pick<TrainingJobRow, 'status' | 'fineTunedModel' | 'lastEvent' | 'error' | 'externalJobId' | 'fileId' | 'callbackTokenHash' | 'tokenExpiresAt' | 'deadlineAt' | 'adapterEndpoint'>>,
): Promise<void> {
  await db.update(trainingJobs).set({ ...fields, updatedAt: sql`now()` }).where(eq(trainingJobs.iterationId, iterationId));
}

/**
 * Stores a webhook trainer's reported model, only while the job waits for one (status 'submitted')
 * and the token's hash matches: one report wins, a replay or a late one changes nothing. Returns
 * whether this call stored it.
 */
export async function reportTrainedModel(db: Db, iterationId: number, tokenHash: string, model: string): Promise<boolean> {
  const rows = await db
    .update(trainingJobs)
    .set({ status: 'reported', fineTunedModel: model, updatedAt: sql`now()` })
    .where(and(eq(trainingJobs.iterationId, iterationId), eq(trainingJobs.status, 'submitted'), eq(trainingJobs.callbackTokenHash, tokenHash), gt(trainingJobs.deadlineAt, sql`now()`)))
    .returning({ id: trainingJobs.id });
  return rows.length === 1;
}

export type LoadedAdapter = { iterationId: number; index: number; model: string; endpoint: string };

/** The adapters the service loaded for an experiment's iterations and has not unloaded, oldest iteration first. */
export async function loadedAdapters(db: Db, experimentId: number): Promise<LoadedAdapter[]> {
  const rows = await db
    .select({ iterationId: trainingJobs.iterationId, index: iterations.index, model: trainingJobs.fineTunedModel, endpoint: trainingJobs.adapterEndpoint })
    .from(trainingJobs)
    .innerJoin(iterations, eq(iterations.id, trainingJobs.iterationId))
    .where(and(eq(iterations.experimentId, experimentId), isNotNull(trainingJobs.adapterEndpoint), isNotNull(trainingJobs.fineTunedModel), isNull(trainingJobs.adapterUnloadedAt)))
    .orderBy(asc(iterations.index));
  return rows.map((r) => ({ iterationId: r.iterationId, index: r.index, model: r.model!, endpoint: r.endpoint! }));
}

export async function markAdapterUnloaded(db: Db, iterationId: number): Promise<void> {
  await db.update(trainingJobs).set({ adapterUnloadedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(trainingJobs.iterationId, iterationId));
}
