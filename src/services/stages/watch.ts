/**
 * Stops a stage's calls in this process once the stage may no longer run: cancelled, paused,
 * finished, or queued anew in a later epoch. While batches of a stage run here, its row is read
 * once per `pollMs` (one query per stage, however many batches), and the signal the batches pass
 * to the LLM client aborts: queued calls never start and calls in flight are dropped.
 * It also pauses the stage when its experiment's token or money budget is reached.
 */
import type { Db } from '../../db/database.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { Logger } from '../../logger.js';
import type { StageControl } from '../../db/stages-repo.js';
import { pauseForBudget } from './budget.js';

type Watched = { controller: AbortController; users: number; timer: NodeJS.Timeout; checking: boolean };

export class StageWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /** Why the stage may spend no more (budget.ts: its token budget, the server's default one, its money budget), or undefined. */
    private readonly budgetStop: (control: StageControl) => Promise<string | undefined>,
    private readonly pollMs = 1_000,
  ) {}

  /** A signal that aborts when the stage stops being runnable at `epoch`; call `leave()` when the batch is done. */
  enter(stageId: number, epoch: number): { signal: AbortSignal; leave: () => void } {
    const key = `${stageId}:${epoch}`;
    let watched = this.watched.get(key);
    if (!watched) {
      const created: Watched = { controller: new AbortController(), users: 0, checking: false, timer: setInterval(() => void this.check(stageId, epoch, created), this.pollMs) };
      created.timer.unref();
      this.watched.set(key, created);
      watched = created;
    }
    const entry = watched;
    entry.users += 1;
    let left = false;
    return {
      signal: entry.controller.signal,
      leave: () => {
        if (left) return;
        left = true;
        entry.users -= 1;
        if (entry.users > 0) return;
        clearInterval(entry.timer);
        if (this.watched.get(key) === entry) this.watched.delete(key);
      },
    };
  }

  private async check(stageId: number, epoch: number, watched: Watched): Promise<void> {
    if (watched.checking || watched.controller.signal.aborted) return;
    watched.checking = true;
    try {
      const control = await stagesRepo.stageControl(this.db, stageId);
      let reason: string | null = null;
      if (!control) reason = 'the stage was deleted';
      else if (control.epoch !== epoch) reason = 'the stage was queued anew';
      else if (control.status !== 'RUNNING' && control.status !== 'QUEUED') reason = `the stage is ${control.status}`;
      else {
        const stop = await this.budgetStop(control);
        if (stop) {
          await pauseForBudget(this.db, stageId, stop);
          reason = 'the budget is reached';
        }
      }
      if (reason) {
        clearInterval(watched.timer);
        watched.controller.abort(new Error(`stage ${stageId}: ${reason}`));
        this.logger.info({ stageId, reason }, 'stopping the calls of a stage');
      }
    } catch (error) {
      this.logger.warn({ err: error, stageId }, 'could not read the stage (will retry)');
    } finally {
      watched.checking = false;
    }
  }
}
