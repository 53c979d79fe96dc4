/** A stage's log: the lines its child process wrote, appended in batches, read from an id on. */
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Db } from './database.js';
import { stageLogLines } from './schema.js';
import type { StageLogLineRow } from './schema.js';

export type NewLogLine = { stream: 'stdout' | 'stderr'; line: string };

export async function appendLogLines(db: Db, stageId: number, lines: readonly NewLogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await db.insert(stageLogLines).values(lines.map((l) => ({ stageId, stream: l.stream, line: l.line })));
}

/** With `afterId`: the first `limit` lines after it; without: the last `limit` lines. Oldest first. */
export async function logLines(db: Db, stageId: number, options: { afterId?: number; limit: number }): Promise<StageLogLineRow[]> {
  if (options.afterId !== undefined) {
    return db.select().from(stageLogLines).where(and(eq(stageLogLines.stageId, stageId), gt(stageLogLines.id, options.afterId))).orderBy(asc(stageLogLines.id)).limit(options.limit);
  }
  const rows = await db.select().from(stageLogLines).where(eq(stageLogLines.stageId, stageId)).orderBy(desc(stageLogLines.id)).limit(options.limit);
  return rows.reverse();
}
