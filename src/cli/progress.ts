/**
 * Progress on stderr. On a terminal, a "board" of a few lines is redrawn in place (at most ten
 * times a second); anywhere else (a pipe, a log file, CI) `log` lines are written as they come,
 * and every few seconds one `progress:` line per piece of work that moved (done/total and rate),
 * so a long stage is never silent and logs stay readable. Lines go out in the order they were
 * made, one whole line per write. stdout is left to results.
 */

type Stream = { write(text: string): boolean; isTTY?: boolean; columns?: number };

export type Board = {
  /** Replaces the lines shown (terminals only). */
  update(lines: string[]): void;
  /** Writes a line that stays, above the board. */
  log(line: string): void;
  /**
   * Reports how far a piece of work (`key`, shown as `label`) has come. A terminal shows it on
   * the board already; elsewhere it is written as a line every interval while it moves.
   * `ended`: the work is over (its end is logged by the caller): no progress line follows.
   */
  progress(key: string, label: string, done: number, total: number, ended?: boolean): void;
  /** Draws the last state once more and stops redrawing. */
  close(): void;
};

/** Seconds between two progress lines when stderr is not a terminal. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;

/** A board on `stream`; `interactive` defaults to whether it is a terminal. */
export function createBoard(stream: Stream = process.stderr, interactive = stream.isTTY === true, intervalMs = DEFAULT_PROGRESS_INTERVAL_MS): Board {
  if (!interactive) return progressLog(stream, intervalMs);
  let lines: string[] = [];
  let shown = 0;
  let timer: NodeJS.Timeout | null = null;
  const erase = () => {
    // Cursor up to the board's first line, then clear to the end of the screen.
    if (shown > 0) stream.write(`\x1b[${shown}F\x1b[0J`);
    shown = 0;
  };
  const draw = () => {
    timer = null;
    erase();
    const width = Math.max(20, (stream.columns || 100) - 1);
    // Cut to the width: a wrapped line would make the next erase miss a row.
    const text = lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    if (text.length > 0) stream.write(`${text.join('\n')}\n`);
    shown = text.length;
  };
  return {
    update(next) {
      lines = next;
      timer ??= setTimeout(draw, 100);
    },
    log(line) {
      erase();
      stream.write(`${line}\n`);
      draw();
    },
    progress: () => {},
    close() {
      if (timer) clearTimeout(timer);
      draw();
    },
  };
}

type Tracked = { label: string; done: number; total: number; printedDone: number; printedAt: number };

/** The board of a pipe or log file: log lines at once, progress lines every `intervalMs`. */
function progressLog(stream: Stream, intervalMs: number): Board {
  const tracked = new Map<string, Tracked>();
  const write = (line: string) => void stream.write(`${line}\n`);
  const tick = () => {
    const now = Date.now();
    for (const t of tracked.values()) {
      if (t.done === t.printedDone) continue;
      const seconds = Math.max(0.001, (now - t.printedAt) / 1000);
      write(progressLine(t.label, t.done, t.total, (t.done - t.printedDone) / seconds));
      t.printedDone = t.done;
      t.printedAt = now;
    }
  };
  let timer: NodeJS.Timeout | null = null;
  return {
    update: () => {},
    log: write,
    progress(key, label, done, total, ended = false) {
      const t = tracked.get(key);
      if (ended) {
        // Never a progress line after the line that says it ended: lines stay in order.
        if (t) t.printedDone = t.done = Math.max(t.done, done);
        else tracked.set(key, { label, done, total, printedDone: done, printedAt: Date.now() });
        return;
      }
      // A progress line never goes backwards: a poll may answer with an older count than an update.
      if (t) Object.assign(t, { label, done: Math.max(t.done, done), total });
      else tracked.set(key, { label, done, total, printedDone: 0, printedAt: Date.now() });
      timer ??= setInterval(tick, intervalMs).unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/** "progress: iteration 1: JUDGE 24/80 (30.0%) · 4.8/s" */
export function progressLine(label: string, done: number, total: number, perSecond: number): string {
  const rate = perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1);
  return `progress: ${label} ${count(done)}/${count(total)} (${percent(done, total)}) · ${rate}/s`;
}

/** `[██████░░░░]` for done out of total (empty when the total is not known yet). */
export function bar(done: number, total: number, width = 20): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(share * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
}

/** 12,345 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 950, 12.3k, 4.5M */
export function compact(n: number): string {
  if (n < 1_000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1_000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

/** "73.8%" of part in whole, or "-" when whole is 0. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}
