/**
 * Token budgets: an experiment may set `tokenBudget` (prompt + completion tokens over all its
 * stages). When the tokens used reach it, its running stages pause (PAUSED, with the reason in
 * `message`); raising or removing the budget (setTokenBudget) resumes them. Tokens are counted
 * as batches are written, so a budget can be overshot by the batches in flight when it is reached.
 */
import type { Db } from '../../db/database.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageControl } from '../../db/stages-repo.js';
import type { StageRow } from '../../db/schema.js';

export const budgetReached = (c: Pick<StageControl, 'tokenBudget' | 'tokensUsed'>): boolean => c.tokenBudget !== null && c.tokensUsed >= c.tokenBudget;

export function budgetMessage(c: Pick<StageControl, 'tokenBudget' | 'tokensUsed'>): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  return `paused: the experiment's token budget of ${n(c.tokenBudget ?? 0)} is reached (${n(c.tokensUsed)} tokens used); raise it with setTokenBudget to resume`;
}

/** Pauses a stage that is QUEUED or RUNNING; returns the row if this call paused it. */
export function pauseForBudget(db: Db, stageId: number, c: Pick<StageControl, 'tokenBudget' | 'tokensUsed'>): Promise<StageRow | undefined> {
  return stagesRepo.finishStage(db, stageId, 'PAUSED', { message: budgetMessage(c) }, ['QUEUED', 'RUNNING']);
}
