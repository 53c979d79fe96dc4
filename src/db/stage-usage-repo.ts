/**
 * stage_usage: a stage's tokens per endpoint, model and execution (ONLINE | BATCH), the record a
 * stage's cost is computed from. Written in a batch's commit; read per stage, iteration or experiment.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { queryRows } from './database.js';
import { stageUsage } from './schema.js';

export type Execution = 'ONLINE' | 'BATCH';

export type UsageLine = { endpoint: string; model: string; execution: Execution; promptTokens: number; completionTokens: number };

/** Adds tokens to the stage's line for (endpoint, model, execution), in the caller's transaction. */
export async function addUsage(db: Db, stageId: number, line: UsageLine): Promise<void> {
  if (line.promptTokens === 0 && line.completionTokens === 0) return;
  await db
    .insert(stageUsage)
    .values({ stageId, ...line })
    .onConflictDoUpdate({
      target: [stageUsage.stageId, stageUsage.endpoint, stageUsage.model, stageUsage.execution],
      set: {
        promptTokens: sql`${stageUsage.promptTokens} + excluded.prompt_tokens`,
        completionTokens: sql`${stageUsage.completionTokens} + excluded.completion_tokens`,
      },
    });
}

/** The usage lines of these stages, by stage id. */
export async function usageOfStages(db: Db, stageIds: readonly number[]): Promise<Map<number, UsageLine[]>> {
  const out = new Map<number, UsageLine[]>();
  if (stageIds.length === 0) return out;
  const rows = await db.select().from(stageUsage).where(inArray(stageUsage.stageId, [...stageIds]));
  for (const r of rows) {
    const lines = out.get(r.stageId) ?? [];
    lines.push({ endpoint: r.endpoint, model: r.model, execution: r.execution as Execution, promptTokens: Number(r.promptTokens), completionTokens: Number(r.completionTokens) });
    out.set(r.stageId, lines);
  }
  return out;
}

/**
 * An experiment's (or one iteration's) usage lines summed over its stages, with the tokens of its
 * stages that no line records (stages run before usage lines were kept).
 */
export async function usageOf(db: Db, where: { experimentId: number } | { iterationId: number }): Promise<{ lines: UsageLine[]; unrecordedTokens: number }> {
  const filter = 'experimentId' in where ? sql`s.experiment_id = ${where.experimentId}` : sql`s.iteration_id = ${where.iterationId}`;
  const lines = await queryRows<{ endpoint: string; model: string; execution: Execution; prompt: string | number; completion: string | number }>(
    db,
    sql`select u.endpoint, u.model, u.execution, sum(u.prompt_tokens) as prompt, sum(u.completion_tokens) as completion
        from stage_usage u join stages s on s.id = u.stage_id where ${filter}
        group by u.endpoint, u.model, u.execution order by u.endpoint, u.model, u.execution`,
  );
  const [totals] = await queryRows<{ tokens: string | number | null; recorded: string | number | null }>(
    db,
    sql`select sum(s.prompt_tokens + s.completion_tokens) as tokens,
          (select sum(u.prompt_tokens + u.completion_tokens) from stage_usage u join stages s on s.id = u.stage_id where ${filter}) as recorded
        from stages s where ${filter}`,
  );
  return {
    lines: lines.map((l) => ({ endpoint: l.endpoint, model: l.model, execution: l.execution, promptTokens: Number(l.prompt), completionTokens: Number(l.completion) })),
    unrecordedTokens: Math.max(0, Number(totals?.tokens ?? 0) - Number(totals?.recorded ?? 0)),
  };
}
