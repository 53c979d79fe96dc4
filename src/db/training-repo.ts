import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { iterations, trainingJobs } from './schema.js';
import type { TrainingJobRow } from './schema.js';

/** A training stage's job: its iteration and its place in `training.stages` (0 for the first). */
export type TrainingJobKey = { iterationId: number; stageIndex: number };

const keyIs = (key: TrainingJobKey) => and(eq(trainingJobs.iterationId, key.iterationId), eq(trainingJobs.stageIndex, key.stageIndex));

export async function getTrainingJob(db: Db, key: TrainingJobKey): Promise<TrainingJobRow | undefined> {
  const [row] = await db.select().from(trainingJobs).where(keyIs(key));
  return row;
}

/** The iteration's job of its latest training stage that has started (the one running, waiting or last done). */
export async function currentTrainingJob(db: Db, iterationId: number): Promise<TrainingJobRow | undefined> {
  const [row] = await db.select().from(trainingJobs).where(eq(trainingJobs.iterationId, iterationId)).orderBy(desc(trainingJobs.stageIndex)).limit(1);
  return row;
}

/** The iteration's job whose WEBHOOK token has this hash (each stage's job has its own token). */
export async function trainingJobByToken(db: Db, iterationId: number, tokenHash: string): Promise<TrainingJobRow | undefined> {
  const [row] = await db.select().from(trainingJobs).where(and(eq(trainingJobs.iterationId, iterationId), eq(trainingJobs.callbackTokenHash, tokenHash)));
  return row;
}

/** Every job of these iterations, by iteration then stage. */
export async function getTrainingJobs(db: Db, iterationIds: readonly number[]): Promise<TrainingJobRow[]> {
  if (iterationIds.length === 0) return [];
  return db
    .select()
    .from(trainingJobs)
    .where(inArray(trainingJobs.iterationId, [...iterationIds]))
    .orderBy(asc(trainingJobs.iterationId), asc(trainingJobs.stageIndex));
}

/** Creates the stage's job row, or replaces the existing one (one job per iteration and training stage). */
export async function upsertTrainingJob(db: Db, values: Omit<typeof trainingJobs.$inferInsert, 'id'> & TrainingJobKey): Promise<TrainingJobRow> {
  const [row] = await db
    .insert(trainingJobs)
    .values(values)
    .onConflictDoUpdate({ target: [trainingJobs.iterationId, trainingJobs.stageIndex], set: { ...values, updatedAt: sql`now()` } })
    .returning();
  return row!;
}

export async function updateTrainingJob(
  db: Db,
  key: TrainingJobKey,
  fields: Partial<Pick<TrainingJobRow, 'status' | 'fineTunedModel' | 'lastEvent' | 'error' | 'externalJobId' | 'fileId' | 'callbackTokenHash' | 'tokenExpiresAt' | 'deadlineAt' | 'adapterEndpoint'>>,
): Promise<void> {
  await db.update(trainingJobs).set({ ...fields, updatedAt: sql`now()` }).where(keyIs(key));
}

/**
 * Stores the model registered for an EXTERNAL stage that is not the last one, only while it waits
 * for one: of two registrations at once, one wins. Returns whether this call stored it.
 */
export async function registerStageModel(db: Db, key: TrainingJobKey, model: string): Promise<boolean> {
  const rows = await db
    .update(trainingJobs)
    .set({ status: 'succeeded', fineTunedModel: model, updatedAt: sql`now()` })
    .where(and(keyIs(key), eq(trainingJobs.status, 'awaiting_model')))
    .returning({ id: trainingJobs.id });
  return rows.length === 1;
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

/** `jobId`: the training job (one training stage of the iteration) whose model the adapter is. */
export type LoadedAdapter = { jobId: number; iterationId: number; index: number; model: string; endpoint: string };

/** The adapters the service loaded for an experiment's iterations and has not unloaded, oldest iteration first. */
export async function loadedAdapters(db: Db, experimentId: number): Promise<LoadedAdapter[]> {
  const rows = await db
    .select({ jobId: trainingJobs.id, iterationId: trainingJobs.iterationId, index: iterations.index, model: trainingJobs.fineTunedModel, endpoint: trainingJobs.adapterEndpoint })
    .from(trainingJobs)
    .innerJoin(iterations, eq(iterations.id, trainingJobs.iterationId))
    .where(and(eq(iterations.experimentId, experimentId), isNotNull(trainingJobs.adapterEndpoint), isNotNull(trainingJobs.fineTunedModel), isNull(trainingJobs.adapterUnloadedAt)))
    .orderBy(asc(iterations.index));
  return rows.map((r) => ({ jobId: r.jobId, iterationId: r.iterationId, index: r.index, model: r.model!, endpoint: r.endpoint! }));
}

export async function markAdapterUnloaded(db: Db, jobId: number): Promise<void> {
  await db.update(trainingJobs).set({ adapterUnloadedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(trainingJobs.id, jobId));
}
