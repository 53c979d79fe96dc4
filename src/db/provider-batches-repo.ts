/** The Batch API batches of stages' queue jobs (execution BATCH): one row per (stage, job, round, part). */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { providerBatches } from './schema.js';
import type { ProviderBatchRow } from './schema.js';

export async function roundBatches(db: Db, stageId: number, jobKey: string, round: number): Promise<ProviderBatchRow[]> {
  return db
    .select()
    .from(providerBatches)
    .where(and(eq(providerBatches.stageId, stageId), eq(providerBatches.jobKey, jobKey), eq(providerBatches.round, round)))
    .orderBy(asc(providerBatches.part));
}

/** Records a part about to be submitted; returns the row already there when another worker got first. */
export async function insertBatchPart(db: Db, values: { stageId: number; jobKey: string; round: number; part: number; endpoint: string; lines: number }): Promise<ProviderBatchRow> {
  const [row] = await db.insert(providerBatches).values({ ...values, status: 'uploading' }).onConflictDoNothing().returning();
  if (row) return row;
  const [existing] = await db
    .select()
    .from(providerBatches)
    .where(and(eq(providerBatches.stageId, values.stageId), eq(providerBatches.jobKey, values.jobKey), eq(providerBatches.round, values.round), eq(providerBatches.part, values.part)));
  return existing!;
}

export async function updateBatchPart(
  db: Db,
  id: number,
  fields: Partial<Pick<ProviderBatchRow, 'inputFileId' | 'batchId' | 'status' | 'outputFileId' | 'errorFileId'>>,
): Promise<void> {
  await db.update(providerBatches).set({ ...fields, updatedAt: sql`now()` }).where(eq(providerBatches.id, id));
}

/** The provider batches of a stage still running at the provider (to cancel them with the stage). */
export async function openBatches(db: Db, stageId: number): Promise<ProviderBatchRow[]> {
  return db
    .select()
    .from(providerBatches)
    .where(and(eq(providerBatches.stageId, stageId), isNotNull(providerBatches.batchId), inArray(providerBatches.status, ['validating', 'in_progress', 'finalizing'])));
}

/** Every provider batch of a stage, oldest first. */
export async function stageBatches(db: Db, stageId: number): Promise<ProviderBatchRow[]> {
  return db.select().from(providerBatches).where(eq(providerBatches.stageId, stageId)).orderBy(asc(providerBatches.id));
}
