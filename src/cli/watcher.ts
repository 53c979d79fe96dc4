/**
 * Follows an iteration (`ste watch`) or a whole loop (`ste loop`): stage progress from
 * `stageUpdated`, every judgment from `judgmentAdded` (resumed after drops, see live.ts), and a
 * light status poll that decides when it is over. Only the public GraphQL API is used.
 */
import { IterationStatsDocument, StageUpdatedDocument } from '../../generated/cli-operations.js';
import type { IterationCountsFragment, StageFieldsFragment } from '../../generated/cli-operations.js';
import type { ApiClient } from './client.js';
import { NetworkError } from './client.js';
import { CliError } from './errors.js';
import { follow, followJudgments } from './live.js';
import type { Follow, JudgmentEvent } from './live.js';
import type { Board } from './progress.js';
import { addJudgment, emptyTally, isActive, renderBoard, stageLine } from './watch-view.js';
import type { IterationView, Tally, WatchState } from './watch-view.js';

export type WatchOptions = {
  board: Board;
  /** Milliseconds between status polls. Default 1000. */
  pollMs?: number;
  /** Judgments shown in the tail. Default 5. */
  tail?: number;
  /** How long the server may stay unreachable before the watch fails (exit 1). Default 60 s. */
  lostAfterMs?: number;
  /** Aborting stops the watch with exit code 130 (the work goes on on the server). */
  signal?: AbortSignal;
};

/** Iteration states after which no judgment is added (watch ends there). */
export const ITERATION_DONE = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'AWAITING_MODEL']);
/** After the work ends, how long the judgment stream may take to deliver the last judgments. */
const CATCH_UP_MS = 60_000;

export class Watcher {
  readonly stages = new Map<string, StageFieldsFragment>();
  readonly iterationIndex = new Map<string, number>();
  tally: Tally = emptyTally();
  reconnects = 0;
  iteration: IterationView | null = null;
  title = '';
  private tail: JudgmentEvent[] = [];
  private readonly logged = new Map<string, string>();
  private judgments: Follow | null = null;
  private stageFollow: Follow | null = null;
  private fatal: CliError | null = null;
  private note: string | null = null;
  private wake: (() => void) | null = null;
  private finalJudgments: { count: number; since: number } | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly experimentId: string,
    private readonly options: WatchOptions,
    /** Which stages are shown and logged. */
    private readonly relevant: (stage: StageFieldsFragment) => boolean,
  ) {}

  start(): void {
    this.stageFollow = follow(this.api, {
      document: StageUpdatedDocument,
      variables: () => ({ experimentId: this.experimentId }),
      onData: ({ stageUpdated }) => this.applyStage(stageUpdated),
      onRetry: (attempt, _delay, error) => this.retrying(attempt, `${error.message}; resubscribing to stage updates`),
      onFatal: (error) => this.failWith(error),
    });
  }

  /** A line that stays, above the board. */
  log(line: string): void {
    this.options.board.log(line);
  }

  stop(): void {
    this.stageFollow?.stop();
    this.judgments?.stop();
    this.options.board.close();
  }

  /** Starts counting an iteration's judgments from the first one. */
  followIteration(iteration: IterationView): void {
    this.judgments?.stop();
    this.iteration = iteration;
    this.iterationIndex.set(iteration.id, iteration.index);
    this.tally = emptyTally();
    this.tail = [];
    this.finalJudgments = null;
    this.judgments = followJudgments(this.api, iteration.id, 0, {
      onJudgment: (judgment) => {
        addJudgment(this.tally, judgment);
        this.tail.push(judgment);
        if (this.tail.length > (this.options.tail ?? 5)) this.tail.shift();
        this.redraw();
        if (this.finalJudgments && this.tally.judgments >= this.finalJudgments.count) this.poke();
      },
      onRetry: (attempt, _delay, error) => this.retrying(attempt, `${error.message}; resuming judgments after seq ${this.tally.lastSeq}`),
      onFatal: (error) => this.failWith(error),
    });
  }

  /**
   * Records a stage's state. A poll's answer may be older than an update the subscription
   * already delivered: `fromPoll` states that would move a stage backwards are ignored.
   */
  applyStage(stage: StageFieldsFragment, fromPoll = false): void {
    const known = this.stages.get(stage.id);
    if (fromPoll && known && (rank(stage.status) < rank(known.status) || stage.done < known.done)) return;
    this.stages.set(stage.id, stage);
    // QUEUED is shown on the board but not logged: a stage's log is when it runs and how it ends.
    const index = stage.iterationId ? this.iterationIndex.get(stage.iterationId) : undefined;
    const where = stage.iterationId
      ? `iteration ${index ?? `id ${stage.iterationId}`}`
      : stage.evaluationId ? `evaluation ${stage.evaluationId}` : 'experiment';
    if (this.relevant(stage) && stage.status !== 'QUEUED' && this.logged.get(stage.id) !== stage.status) {
      this.logged.set(stage.id, stage.status);
      this.options.board.log(`${where}: ${stageLine(stage, false).trim()}`);
    }
    if (this.relevant(stage) && stage.total > 0) this.options.board.progress(`stage ${stage.id}`, `${where}: ${stage.kind}`, stage.done, stage.total, !isActive(stage));
    if (!isActive(stage)) this.poke();
    this.redraw();
  }

  /**
   * True once every judgment of the current iteration has arrived, given that the work has
   * ended; fails when the stream has not caught up within a minute.
   */
  async caughtUp(): Promise<boolean> {
    if (!this.iteration) return true;
    if (!this.finalJudgments) {
      const stats = await this.iterationStats(this.iteration.id);
      this.finalJudgments = { count: stats.judgments, since: Date.now() };
    }
    if (this.tally.judgments >= this.finalJudgments.count) return true;
    if (Date.now() - this.finalJudgments.since > CATCH_UP_MS) {
      throw new CliError(`received ${this.tally.judgments} of ${this.finalJudgments.count} judgments of iteration ${this.iteration.index} before giving up`);
    }
    return false;
  }

  async iterationStats(iterationId: string): Promise<IterationCountsFragment> {
    const data = await this.api.request(IterationStatsDocument, { id: iterationId });
    if (!data.iteration) throw new CliError(`iteration ${iterationId} no longer exists`);
    return data.iteration.stats;
  }

  /** Polls `check` until it says done; rides out an unreachable server for `lostAfterMs`. */
  async run(check: () => Promise<boolean>): Promise<void> {
    let lostSince: number | null = null;
    for (;;) {
      if (this.fatal) throw this.fatal;
      if (this.options.signal?.aborted) throw new CliError('interrupted: the work goes on on the server', 130);
      try {
        if (await check()) return;
        if (lostSince !== null) this.setNote(null);
        lostSince = null;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        lostSince ??= Date.now();
        if (Date.now() - lostSince > (this.options.lostAfterMs ?? 60_000)) throw error;
        this.setNote(`${error.message}; retrying`);
      }
      await this.sleep(this.options.pollMs ?? 1_000);
    }
  }

  redraw(): void {
    // Earlier iterations of a loop are summarised in the log; the board shows the current one.
    const current = this.iteration?.id;
    const relevant = [...this.stages.values()]
      .filter((s) => this.relevant(s) && (s.iterationId === null || s.iterationId === current))
      .sort(byId);
    const state: WatchState = { title: this.title, iteration: this.iteration, stages: relevant, tally: this.tally, tail: this.tail, note: this.note };
    this.options.board.update(renderBoard(state));
  }

  private retrying(attempt: number, message: string): void {
    if (attempt === 1) {
      this.reconnects += 1;
      this.options.board.log(`connection lost: ${message}`);
    }
    this.setNote(`reconnecting (attempt ${attempt})`);
  }

  private setNote(note: string | null): void {
    this.note = note;
    this.redraw();
  }

  private failWith(error: CliError): void {
    this.fatal = error;
    this.poke();
  }

  private poke(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.options.signal?.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.options.signal?.addEventListener('abort', done);
      this.wake = done;
    });
  }
}

const rank = (status: string) => (status === 'QUEUED' ? 0 : status === 'RUNNING' || status === 'PAUSED' ? 1 : 2);
const byId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);
