import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressIntervalMs } from '../../src/cli/config.js';
import { createBoard } from '../../src/cli/progress.js';

describe('createBoard without a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a progress line per interval while the work moves, with done/total and rate, never backwards and never after its end', () => {
    const written: string[] = [];
    const board = createBoard({ write: (text) => written.push(text) > 0, isTTY: false }, false, 5_000);
    board.log('iteration 1: JUDGE RUNNING');
    board.progress('s1', 'iteration 1: JUDGE', 10, 80);
    vi.advanceTimersByTime(5_000);
    board.progress('s1', 'iteration 1: JUDGE', 60, 80);
    // An older count from a poll does not move it back.
    board.progress('s1', 'iteration 1: JUDGE', 40, 80);
    vi.advanceTimersByTime(5_000);
    // Nothing moved: no line.
    vi.advanceTimersByTime(5_000);
    board.progress('s1', 'iteration 1: JUDGE', 80, 80, true);
    board.log('iteration 1: JUDGE SUCCEEDED');
    vi.advanceTimersByTime(10_000);
    board.close();
    expect(written).toEqual([
      'iteration 1: JUDGE RUNNING\n',
      'progress: iteration 1: JUDGE 10/80 (12.5%) · 2.0/s\n',
      'progress: iteration 1: JUDGE 60/80 (75.0%) · 10/s\n',
      'iteration 1: JUDGE SUCCEEDED\n',
    ]);
  });

  it('writes no progress line on a terminal, where the board shows it', () => {
    const written: string[] = [];
    const board = createBoard({ write: (text) => written.push(text) > 0, isTTY: true, columns: 80 }, true, 5_000);
    board.progress('s1', 'iteration 1: JUDGE', 10, 80);
    vi.advanceTimersByTime(10_000);
    board.close();
    expect(written.some((w) => w.includes('progress:'))).toBe(false);
  });
});

describe(progressIntervalMs.name, () => {
  it('reads STE_PROGRESS_SECONDS, and falls back to 5 s for a value that is not a positive number', () => {
    expect(progressIntervalMs({ STE_PROGRESS_SECONDS: '2' })).toBe(2_000);
    expect(progressIntervalMs({ STE_PROGRESS_SECONDS: '0' })).toBe(5_000);
    expect(progressIntervalMs({ STE_PROGRESS_SECONDS: 'soon' })).toBe(5_000);
    expect(progressIntervalMs({})).toBe(5_000);
  });
});
