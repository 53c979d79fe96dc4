/** A stage's log: the lines its child process wrote, appended in batches, read from an id on. */
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { transaction } from './database.js';
import type { Db } from './database.js';
import { notify } from './notify.js';
import { stageLogLines } from './schema.js';
import type { StageLogLineRow } from './schema.js';

export type NewLogLine = { stream: 'stdout' | 'stderr'; line: string };

/**
 * Appends lines in order and announces them (`stage.log`, delivered on commit). One writer per
 * stage appends one batch at a time, so a stage's ids grow in the order its lines were written.
 */
export async function appendLogLines(db: Db, stageId: number, lines: readonly NewLogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await transaction(db, async (tx) => {
    const rows = await tx.insert(stageLogLines).values(lines.map((l) => ({ stageId, stream: l.stream, line: l.line }))).returning({ id: stageLogLines.id });
    await notify(tx, { type: 'stage.log', data: { stageId, toId: Math.max(...rows.map((r) => r.id)) } });
  });
}

/** With `afterId`: the first `limit` lines after it; without: the last `limit` lines. Oldest first. */
export async function logLines(db: Db, stageId: number, options: { afterId?: number; limit: number }): Promise<StageLogLineRow[]> {
  if (options.afterId !== undefined) {
    return db.select().from(stageLogLines).where(and(eq(stageLogLines.stageId, stageId), gt(stageLogLines.id, options.afterId))).orderBy(asc(stageLogLines.id)).limit(options.limit);
  }
  const rows = await db.select().from(stageLogLines).where(eq(stageLogLines.stageId, stageId)).orderBy(desc(stageLogLines.id)).limit(options.limit);
  return rows.reverse();
}

/** Id of the stage's last line, or 0 when it has none. */
export async function lastLogId(db: Db, stageId: number): Promise<number> {
  const [row] = await db.select({ id: stageLogLines.id }).from(stageLogLines).where(eq(stageLogLines.stageId, stageId)).orderBy(desc(stageLogLines.id)).limit(1);
  return row?.id ?? 0;
}
