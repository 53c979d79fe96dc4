/**
 * Runs the real `ste` executable (bin/ste.js) as a child process, the way an operator or a
 * script does, and collects its exit code and output.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/ste.js', import.meta.url));

export type CliRun = { code: number | null; stdout: string; stderr: string };

export type CliProcess = {
  child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains `text`. */
  waitForStderr(text: string): Promise<void>;
  done: Promise<CliRun>;
};

/** Starts `ste ...args` with STE_URL (and no STE_TOKEN from the test's own environment). */
export function startCli(args: string[], url: string, env: Record<string, string> = {}): CliProcess {
  const { STE_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...inherited, STE_URL: url, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of waiters.filter((w) => stderr.includes(w.text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      for (const w of waiters.splice(0)) w.resolve();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    child,
    stderr: () => stderr,
    waitForStderr: (text) => (stderr.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
    done,
  };
}

/** Runs `ste ...args` to the end. */
export function runCli(args: string[], url: string, env: Record<string, string> = {}): Promise<CliRun> {
  return startCli(args, url, env).done;
}

/** Parses the JSON document a `--json` run printed. */
export function jsonOf<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\nstderr: ${run.stderr}`);
  }
}
