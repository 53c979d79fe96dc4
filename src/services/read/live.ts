/**
 * Live streams for subscriptions, independent of GraphQL.
 *
 * judgmentBatches: listens first, then replays stored judgments after `afterSeq` in seq order,
 * then follows notifications. Seqs are handed out in commit order under a row lock, so reading
 * "seq > last seen" after any notification can neither skip nor repeat a judgment, including
 * judgments committed while the replay runs. After a listener reconnect it catches up from the
 * table the same way. It yields the judgments a page at a time (in seq order), and streams at the
 * same place share their reads: with 500 subscribers to an iteration, a commit costs one query,
 * not 500, and every stream receives the very same row objects (so that a transport can render
 * a row once for all of them).
 */
import type { Database } from '../../db/database.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import type { JudgmentFilter } from '../../db/judgments/index.js';
import * as stageLogsRepo from '../../db/stage-logs-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import { isActiveStage } from '../../domain/vocabulary.js';
import type { EvaluationRow, IterationRow, JudgmentRow, StageLogLineRow, StageRow } from '../../db/schema.js';
import type { EventBus } from '../../events/bus.js';

const REPLAY_PAGE = 500;
const PAGE_KEEP_MS = 250;

export class LiveService {
  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
    /** Minimum gap between two non-final updates of one stage, ms. Default 250 (4 a second). */
    private readonly stageThrottleMs = 250,
  ) {}

  /**
   * `untilDone`: the stream ends once the iteration's JUDGE stage has ended (succeeded, failed or
   * cancelled) and every judgment it stored has been yielded; before a JUDGE stage exists it waits.
   */
  async *judgmentBatches(
    iterationId: number,
    afterSeq: number,
    filter: JudgmentFilter | null,
    signal: AbortSignal,
    options: { untilDone?: boolean } = {},
  ): AsyncGenerator<readonly JudgmentRow[]> {
    const wake = new Wakeup(signal);
    let announced = 0;
    let reread = true;
    let recheckDone = options.untilDone === true;
    let doneAt: number | null = null;
    let experimentId: number | null = null;
    const offCreated = this.bus.on('judgment.created', (e) => {
      if (e.iterationId !== iterationId) return;
      announced = Math.max(announced, e.toSeq);
      wake.notify();
    });
    const offStage = options.untilDone
      ? this.bus.on('stage.updated', (e) => {
          if (!e.final || (experimentId !== null && e.experimentId !== experimentId)) return;
          recheckDone = true;
          wake.notify();
        })
      : () => {};
    const offReconnect = this.bus.onReconnect(() => {
      reread = true;
      recheckDone = options.untilDone === true;
      wake.notify();
    });
    let last = afterSeq;
    try {
      while (!signal.aborted) {
        if (recheckDone && doneAt === null) {
          recheckDone = false;
          ({ experimentId, doneAt } = await this.judgeEndedAt(iterationId));
          if (doneAt !== null) announced = Math.max(announced, doneAt);
        }
        // Every seq up to the high-water mark is readable, so the cursor can move to it even when a
        // filter skips rows. A notification carries the mark its transaction committed (seqs are
        // handed out in commit order); at the start and after a listener reconnect, when
        // notifications may have been missed, the mark is read from the iteration row instead.
        let highWater = Math.max(last, announced);
        if (reread) {
          reread = false;
          highWater = Math.max(highWater, (await experimentsRepo.getIteration(this.database.db, iterationId))?.lastSeq ?? last);
        }
        while (last < highWater) {
          const rows = await this.judgmentPage(iterationId, last, highWater, filter);
          last = rows.length < REPLAY_PAGE ? highWater : rows.at(-1)!.seq;
          if (rows.length > 0) yield rows;
        }
        if (doneAt !== null && last >= doneAt) return;
        if (!(await wake.wait())) return;
      }
    } finally {
      offCreated();
      offStage();
      offReconnect();
      wake.close();
    }
  }

  /**
   * The iteration's experiment, and its last seq once its newest JUDGE stage has ended (else null). The stage ends only
   * after its last batch committed, and the seq is read after the status, so it covers every
   * judgment the stage stored.
   */
  private async judgeEndedAt(iterationId: number): Promise<{ experimentId: number | null; doneAt: number | null }> {
    const iteration = await experimentsRepo.getIteration(this.database.db, iterationId);
    if (!iteration) return { experimentId: null, doneAt: null };
    const judge = await stagesRepo.latestStage(this.database.db, iteration.experimentId, 'JUDGE', iterationId);
    if (!judge || isActiveStage(judge.status)) return { experimentId: iteration.experimentId, doneAt: null };
    const doneAt = (await experimentsRepo.getIteration(this.database.db, iterationId))?.lastSeq ?? null;
    return { experimentId: iteration.experimentId, doneAt };
  }

  private readonly pages = new Map<string, Promise<readonly JudgmentRow[]>>();

  /**
   * One page of judgments. Streams asking for the same page share one query and the same row
   * objects, also for PAGE_KEEP_MS after it arrived (a stream still sending its previous page
   * asks a few ms after the others).
   */
  private judgmentPage(iterationId: number, afterSeq: number, toSeq: number, filter: JudgmentFilter | null): Promise<readonly JudgmentRow[]> {
    const key = JSON.stringify([iterationId, afterSeq, toSeq, filter]);
    let page = this.pages.get(key);
    if (!page) {
      const forget = () => setTimeout(() => this.pages.delete(key), PAGE_KEEP_MS).unref();
      page = judgmentsRepo.listJudgments(this.database.db, iterationId, { afterSeq, toSeq, limit: REPLAY_PAGE, filter });
      page.then(forget, () => this.pages.delete(key));
      this.pages.set(key, page);
    }
    return page;
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

  /**
   * The experiment's iterations as they are created or change status (PENDING, RUNNING,
   * AWAITING_MODEL, SUCCEEDED...): each change's row, read after the event (so never older than it).
   */
  async *iterationStream(experimentId: number, signal: AbortSignal): AsyncGenerator<IterationRow> {
    const wake = new Wakeup(signal);
    const pending = new Set<number>();
    const off = this.bus.on('iteration.updated', (e) => {
      if (e.experimentId !== experimentId) return;
      pending.add(e.iterationId);
      wake.notify();
    });
    try {
      while (!signal.aborted) {
        for (const iterationId of [...pending]) {
          pending.delete(iterationId);
          const row = await experimentsRepo.getIteration(this.database.db, iterationId);
          if (row) yield row;
        }
        if (!(await wake.wait(undefined))) return;
      }
    } finally {
      off();
      wake.close();
    }
  }

  /**
   * A stage's log lines after `afterId` (the stored ones first, then each batch as it is
   * appended), in id order, a page at a time; the stream ends once the stage has ended and every
   * line stored by then was yielded. One writer appends a stage's lines, one batch at a time, and
   * a batch is announced when it commits, so reading "id > last yielded" after an announcement can
   * neither skip nor repeat a line. The stage's status is read before the lines: a COMMAND trainer
   * flushes its log before its stage ends, so the last read holds every line (lines a cancelled
   * trainer prints while it is stopped, after the stage ended, are in `Stage.log` only).
   */
  async *stageLogStream(stageId: number, afterId: number, signal: AbortSignal): AsyncGenerator<readonly StageLogLineRow[]> {
    const wake = new Wakeup(signal);
    const offLog = this.bus.on('stage.log', (e) => {
      if (e.stageId === stageId) wake.notify();
    });
    const offStage = this.bus.on('stage.updated', (e) => {
      if (e.stageId === stageId && e.final) wake.notify();
    });
    const offReconnect = this.bus.onReconnect(() => wake.notify());
    let last = afterId;
    try {
      while (!signal.aborted) {
        // Listening started before these reads, so nothing appended after them can be missed.
        const stage = await stagesRepo.getStage(this.database.db, stageId);
        const ended = !stage || !isActiveStage(stage.status);
        for (;;) {
          const rows = await stageLogsRepo.logLines(this.database.db, stageId, { afterId: last, limit: REPLAY_PAGE });
          if (rows.length > 0) {
            last = rows.at(-1)!.id;
            yield rows;
          }
          if (rows.length < REPLAY_PAGE) break;
        }
        if (ended) return;
        if (!(await wake.wait())) return;
      }
    } finally {
      offLog();
      offStage();
      offReconnect();
      wake.close();
    }
  }

  /**
   * An evaluation as its verdicts are stored: its current state at once, then at most one update
   * every stageThrottleMs while its stage works, and the final state, after which the stream ends.
   * Each row carries the stage read with it (`liveStage`), so its status is never a cached one.
   */
  async *evaluationStream(evaluationId: number, signal: AbortSignal): AsyncGenerator<EvaluationRow & { liveStage: StageRow | null }> {
    const wake = new Wakeup(signal);
    const stageIds = new Set<number>();
    let final = false;
    const offProgress = this.bus.on('evaluation.progress', (e) => {
      if (e.evaluationId !== evaluationId) return;
      stageIds.add(e.stageId);
      wake.notify();
    });
    const offStage = this.bus.on('stage.updated', (e) => {
      if (!stageIds.has(e.stageId)) return;
      final ||= e.final;
      wake.notify();
    });
    const offReconnect = this.bus.onReconnect(() => wake.notify());
    try {
      while (!signal.aborted) {
        // Listening started before this read, so no change after it can be missed.
        const [row] = await evaluationsRepo.getEvaluations(this.database.db, [evaluationId]);
        const stage = (await evaluationsRepo.stagesOfEvaluations(this.database.db, [evaluationId])).at(-1);
        if (!row) return;
        if (stage) stageIds.add(stage.id);
        const sentAt = Date.now();
        yield { ...row, liveStage: stage ?? null };
        if (!stage || !isActiveStage(stage.status)) return;
        if (!(await wake.wait())) return;
        while (!final && Date.now() < sentAt + this.stageThrottleMs) {
          if (!(await wake.wait(sentAt + this.stageThrottleMs - Date.now()))) return;
        }
        final = false;
      }
    } finally {
      offProgress();
      offStage();
      offReconnect();
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
