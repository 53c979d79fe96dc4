/** The audit log of mutations: one insert per mutation run, read newest first. */
import { desc, lt } from 'drizzle-orm';
import type { Db } from './database.js';
import { auditLog } from './schema.js';
import type { AuditLogRow } from './schema.js';

export type NewAuditEntry = Pick<AuditLogRow, 'actor' | 'role' | 'mutation' | 'arguments' | 'outcome'>;

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/** Up to `limit` entries older than `beforeId` (all when undefined), newest first. */
export async function listAuditEntries(db: Db, limit: number, beforeId?: number): Promise<AuditLogRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(beforeId === undefined ? undefined : lt(auditLog.id, beforeId))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
