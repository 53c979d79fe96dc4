/**
 * Progress on stderr. On a terminal, a "board" of a few lines is redrawn in place (at most ten
 * times a second); anywhere else (a pipe, a log file, CI) only `log` lines are written, so logs
 * stay readable. stdout is left to results.
 */

type Stream = { write(text: string): boolean; isTTY?: boolean; columns?: number };

export type Board = {
  /** Replaces the lines shown (terminals only). */
  update(lines: string[]): void;
  /** Writes a line that stays, above the board. */
  log(line: string): void;
  /** Draws the last state once more and stops redrawing. */
  close(): void;
};

/** A board on `stream`; `interactive` defaults to whether it is a terminal. */
export function createBoard(stream: Stream = process.stderr, interactive = stream.isTTY === true): Board {
  if (!interactive) {
    return { update: () => {}, log: (line) => void stream.write(`${line}\n`), close: () => {} };
  }
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
    close() {
      if (timer) clearTimeout(timer);
      draw();
    },
  };
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
