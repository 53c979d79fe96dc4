/**
 * How a stage stops in the transaction of a batch's commit: it ends once every item is accounted
 * for (a failure share above STAGE_MAX_FAILURE_SHARE fails it, with its most common failure), and
 * it pauses when its experiment's budget is reached.
 */
import type { Db } from '../../db/database.js';
import type { StageRow } from '../../db/schema.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageControl } from '../../db/stages-repo.js';
import { budgetStop, pauseForBudget } from './budget.js';
import type { Pricing } from './cost.js';
import type { StageHandler } from './handler.js';

/**
 * Pauses a running stage whose experiment's token or money budget is reached; returns the paused row.
 * `control` is the stage's budget and use when the caller read them with the row.
 */
export async function pauseIfOverBudget(db: Db, stage: StageRow, budgets: { pricing: Pricing; defaultTokenBudget: number }, control?: StageControl): Promise<StageRow | undefined> {
  if (stage.status !== 'RUNNING' && stage.status !== 'QUEUED') return undefined;
  const c = control ?? (await stagesRepo.stageControl(db, stage.id));
  // On `db` (a commit's transaction): PGlite runs nothing else until that transaction ends.
  const stop = c && (await budgetStop(db, budgets.pricing, c, budgets.defaultTokenBudget));
  return stop ? pauseForBudget(db, stage.id, stop) : undefined;
}

/** Finishes a stage whose items are all accounted for; returns the finished row, or undefined. */
export async function finishIfComplete(tx: Db, row: StageRow, handler: StageHandler, maxFailureShare: number): Promise<StageRow | undefined> {
  if (row.done < row.total || (row.status !== 'RUNNING' && row.status !== 'QUEUED')) return undefined;
  const stats = (await handler.finalize?.(tx, row)) ?? (row.stats as object);
  const tooManyFailures = row.total > 0 && row.failed / row.total > maxFailureShare;
  const common = row.failed > 0 ? await stagesRepo.mostCommonFailure(tx, row.id) : null;
  const cause = common ? `; most common failure (${common.count} of ${row.failed}): ${common.error.slice(0, 500)}` : '';
  // A one-item stage (SELECT, TRAIN) that failed says why, in its own words.
  const oneItem = row.total === 1 && common !== null;
  return stagesRepo.finishStage(tx, row.id, tooManyFailures ? 'FAILED' : 'SUCCEEDED', {
    stats,
    error: tooManyFailures
      ? oneItem
        ? common.error
        : `${row.failed} of ${row.total} items failed after every retry (more than ${Math.round(maxFailureShare * 100)}%); resumeStage retries them${cause}`
      : null,
    ...(common && !tooManyFailures ? { message: `${row.failed} of ${row.total} items failed${cause}` } : {}),
  });
}
