/**
 * Live streams for subscriptions, independent of GraphQL.
 *
 * judgmentStream: listens first, then replays stored judgments after `afterSeq` in seq order,
 * then follows notifications. Seqs are handed out in commit order under a row lock, so reading
 * "seq > last seen" after any notification can neither skip nor repeat a judgment, including
 * judgments committed while the replay runs. After a listener reconnect it catches up from the
 * table the same way.
 */
import type { Database } from '../db/database.js';
import * as experimentsRepo from '../db/experiments-repo.js';
import * as judgmentsRepo from '../db/judgments-repo.js';
import type { JudgmentFilter } from '../db/judgments-repo.js';
import * as stagesRepo from '../db/stages-repo.js';
import type { JudgmentRow, StageRow } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';

const REPLAY_PAGE = 500;

export class LiveService {
  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
    /** Minimum gap between two non-final updates of one stage, ms. Default 250 (4 a second). */
    private readonly stageThrottleMs = 250,
  ) {}

  async *judgmentStream(iterationId: number, afterSeq: number, filter: JudgmentFilter | null, signal: AbortSignal): AsyncGenerator<JudgmentRow> {
    const wake = new Wakeup(signal);
    const offCreated = this.bus.on('judgment.created', (e) => {
      if (e.iterationId === iterationId) wake.notify();
    });
    const offReconnect = this.bus.onReconnect(() => wake.notify());
    let last = afterSeq;
    try {
      while (!signal.aborted) {
        // The iteration's high-water mark is committed with its judgments: every seq up to it is
        // readable, so the cursor can move to it even when a filter skips rows.
        const highWater = (await experimentsRepo.getIteration(this.database.db, iterationId))?.lastSeq ?? last;
        while (last < highWater) {
          const rows = await judgmentsRepo.listJudgments(this.database.db, iterationId, { afterSeq: last, toSeq: highWater, limit: REPLAY_PAGE, filter });
          for (const row of rows) {
            last = row.seq;
            yield row;
          }
          if (rows.length < REPLAY_PAGE) last = highWater;
        }
        if (!(await wake.wait())) return;
      }
    } finally {
      offCreated();
      offReconnect();
      wake.close();
    }
  }

  /** Stage rows of an experiment as they change, at most one non-final update per stage every stageThrottleMs. */
  async *stageStream(experimentId: number, signal: AbortSignal): AsyncGenerator<StageRow> {
    const wake = new Wakeup(signal);
    const pending = new Map<number, boolean>(); // stageId -> final
    const lastSent = new Map<number, number>();
    const off = this.bus.on('stage.updated', (e) => {
      if (e.experimentId !== experimentId) return;
      pending.set(e.stageId, (pending.get(e.stageId) ?? false) || e.final);
      wake.notify();
    });
    try {
      while (!signal.aborted) {
        const now = Date.now();
        let nextDue = Infinity;
        for (const [stageId, final] of [...pending]) {
          const due = (lastSent.get(stageId) ?? 0) + this.stageThrottleMs;
          if (!final && due > now) {
            nextDue = Math.min(nextDue, due);
            continue;
          }
          pending.delete(stageId);
          lastSent.set(stageId, now);
          const row = await stagesRepo.getStage(this.database.db, stageId);
          if (row) yield row;
        }
        if (!(await wake.wait(nextDue === Infinity ? undefined : nextDue - Date.now()))) return;
      }
    } finally {
      off();
      wake.close();
    }
  }
}

/** A resettable signal: wait() resolves on notify(), timeout (true) or abort (false). */
class Wakeup {
  private flagged = false;
  private resolve: ((ok: boolean) => void) | null = null;
  private readonly onAbort = () => this.resolve?.(false);

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort);
  }

  notify(): void {
    this.flagged = true;
    this.resolve?.(true);
  }

  async wait(timeoutMs?: number): Promise<boolean> {
    if (this.signal.aborted) return false;
    if (this.flagged) {
      this.flagged = false;
      return true;
    }
    const ok = await new Promise<boolean>((resolve) => {
      this.resolve = resolve;
      if (timeoutMs !== undefined) setTimeout(() => resolve(true), Math.max(0, timeoutMs)).unref();
    });
    this.resolve = null;
    this.flagged = false;
    return ok && !this.signal.aborted;
  }

  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
