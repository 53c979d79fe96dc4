/**
 * What `ste watch` and `ste loop` show, as pure functions of their state: the tally of the
 * judgments received, and the lines of the board. Kept apart from the I/O so it can be tested.
 */
import type { IterationFieldsFragment, IterationSummaryFragment, StageFieldsFragment } from '../../generated/cli-operations.js';
import type { JudgmentEvent } from './live.js';
import { bar, compact, count, percent } from './progress.js';

/** A stage as the board shows it (which evaluation it belongs to is not shown). */
export type BoardStage = Omit<StageFieldsFragment, 'evaluationId'>;

export type Tally = {
  judgments: number;
  verdicts: { A: number; B: number; TIE: number; UNPARSEABLE: number };
  correct: number;
  promptTokens: number;
  completionTokens: number;
  /** seq of the last judgment counted: where a resubscription resumes. */
  lastSeq: number;
};

export function emptyTally(): Tally {
  return { judgments: 0, verdicts: { A: 0, B: 0, TIE: 0, UNPARSEABLE: 0 }, correct: 0, promptTokens: 0, completionTokens: 0, lastSeq: 0 };
}

export function addJudgment(tally: Tally, judgment: JudgmentEvent): void {
  tally.judgments += 1;
  tally.verdicts[judgment.verdict] += 1;
  if (judgment.correct) tally.correct += 1;
  tally.promptTokens += judgment.usage.promptTokens;
  tally.completionTokens += judgment.usage.completionTokens;
  tally.lastSeq = judgment.seq;
}

/** The iteration a board follows. */
export type IterationView = Pick<IterationFieldsFragment, 'id' | 'index' | 'judgeModel' | 'status'>;

export type WatchState = {
  /** First line: what is watched. */
  title: string;
  iteration: IterationView | null;
  stages: BoardStage[];
  tally: Tally;
  /** The latest judgments, oldest first. */
  tail: JudgmentEvent[];
  /** A passing condition, for example a dropped connection being resumed. */
  note: string | null;
};

const ACTIVE = new Set(['QUEUED', 'RUNNING', 'PAUSED']);

export function isActive(stage: Pick<StageFieldsFragment, 'status'>): boolean {
  return ACTIVE.has(stage.status);
}

/** "  JUDGE           RUNNING    [████░░░░] 24/80  1 failed" */
export function stageLine(stage: BoardStage, withBar = true): string {
  const progress = stage.total > 0 || stage.done > 0 ? `${count(stage.done)}/${count(stage.total)}` : '';
  const failed = stage.failed > 0 ? `  ${count(stage.failed)} failed` : '';
  const error = stage.error ? `  ${stage.error}` : '';
  const drawn = withBar && (stage.total > 0 || stage.status === 'RUNNING') ? `${bar(stage.done, stage.total)} ` : '';
  return `  ${stage.kind.padEnd(15)} ${stage.status.padEnd(10)} ${drawn}${progress}${failed}${error}`.trimEnd();
}

/** "judgments 96 · correct 71 (74.0%) · A 50 · B 44 · tie 0 · unparseable 2 · tokens 12.3k in / 4.5k out" */
export function tallyLine(tally: Tally): string {
  const v = tally.verdicts;
  return [
    `judgments ${count(tally.judgments)}`,
    `correct ${count(tally.correct)} (${percent(tally.correct, tally.judgments)})`,
    `A ${count(v.A)}`,
    `B ${count(v.B)}`,
    `tie ${count(v.TIE)}`,
    `unparseable ${count(v.UNPARSEABLE)}`,
    `tokens ${compact(tally.promptTokens)} in / ${compact(tally.completionTokens)} out`,
  ].join(' · ');
}

/** "  #96  pair 12  y_w second  sample 1  → B  correct" */
export function judgmentLine(judgment: JudgmentEvent): string {
  const order = judgment.order === 'CHOSEN_FIRST' ? 'y_w first ' : 'y_w second';
  const outcome = judgment.verdict === 'UNPARSEABLE' ? 'unparseable' : judgment.correct ? 'correct' : 'incorrect';
  return `  #${judgment.seq}  pair ${judgment.pair.id}  ${order}  sample ${judgment.sample}  → ${judgment.verdict}  ${outcome}`;
}

/** The board: title, iteration, its stages with bars, the tally and the tail of judgments. */
export function renderBoard(state: WatchState): string[] {
  const lines = [state.title];
  if (state.iteration) {
    const it = state.iteration;
    lines.push(`iteration ${it.index} (id ${it.id}) · judge ${it.judgeModel} · ${it.status}`);
  }
  for (const stage of state.stages) lines.push(stageLine(stage));
  if (state.iteration) {
    lines.push(tallyLine(state.tally));
    for (const judgment of state.tail) lines.push(judgmentLine(judgment));
  }
  if (state.note) lines.push(state.note);
  return lines;
}

/** "iteration 1 (id 1) SUCCEEDED · judge sim-judge → sim-judge-ft-1 · 160 judgments, 118 correct (73.8%), 2 unparseable · selected 40 (A 20 / B 20)" */
export function iterationLine(it: IterationSummaryFragment): string {
  const s = it.stats;
  return [
    `iteration ${it.index} (id ${it.id}) ${it.status}${it.error ? ` (${it.error})` : ''}`,
    `judge ${it.judgeModel}${it.trainedModel ? ` → ${it.trainedModel}` : ''}`,
    `${count(s.judgments)} judgments, ${count(s.correct)} correct (${percent(s.correct, s.judgments)}), ${count(s.unparseable)} unparseable`,
    `selected ${count(s.selected)} (A ${count(s.selectedAWins)} / B ${count(s.selectedBWins)})`,
  ].join(' · ');
}
