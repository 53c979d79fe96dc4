/**
 * The safety net behind the queue: a stage that still has items left but no unfinished queue job
 * in its current epoch (every job of it ended without finishing it, for example one failed on its
 * last try while the database was unreachable, or an item's job was lost to a bug) gets its missing
 * items queued anew, in a new epoch. The workers' periodic sweep runs it; when nothing is stalled
 * it costs one query.
 */
import type { Db } from '../../db/database.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { Logger } from '../../logger.js';
import type { Queue } from '../../queue/queue.js';
import type { StageRunner } from './runner.js';

export async function recoverStalledStages(db: Db, queue: Queue, runner: StageRunner, logger: Logger, quietSeconds: number): Promise<number> {
  let recovered = 0;
  for (const stage of await stagesRepo.quietStages(db, runner.kinds(), quietSeconds)) {
    if ((await queue.unfinished('stage-batch', { stageId: stage.id, epoch: stage.epoch })) > 0) continue;
    // Items that wait on someone outside (an external trainer's model) are not stalled.
    if ((await runner.plannedKeys(stage)).length === 0) continue;
    logger.warn({ stageId: stage.id, done: stage.done, total: stage.total }, 'a stage has items left but no queued work: queueing them again');
    // Conditional on the epoch seen: of several workers sweeping at once, one requeues.
    await runner.resume(stage, { from: ['QUEUED', 'RUNNING'], epoch: stage.epoch, keepFailures: true });
    recovered += 1;
  }
  return recovered;
}
