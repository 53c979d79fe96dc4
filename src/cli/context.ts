/**
 * What every command gets: the API client, the output mode and an abort signal (Ctrl-C). Results
 * go to stdout (human lines, or one JSON document with `--json`); progress and notes to stderr.
 */
import type { ApiClient } from './client.js';
import { progressIntervalMs } from './config.js';
import { createBoard } from './progress.js';
import type { Board } from './progress.js';

export type CommandContext = {
  api: ApiClient;
  /** `--json`: results as one JSON document on stdout. */
  json: boolean;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
  /** Writes the result: `human` lines, or `data` as JSON with --json. */
  result(human: string | string[], data: unknown): void;
  /** A progress board on stderr (redrawn on a terminal, plain log lines elsewhere). */
  board(): Board;
};

export function createContext(api: ApiClient, json: boolean, signal: AbortSignal): CommandContext {
  return {
    api,
    json,
    signal,
    result(human, data) {
      const text = json ? JSON.stringify(data, null, 2) : Array.isArray(human) ? human.join('\n') : human;
      process.stdout.write(`${text}\n`);
    },
    board: () => createBoard(process.stderr, process.stderr.isTTY === true, progressIntervalMs()),
  };
}

/** Left-aligned columns separated by two spaces. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}
