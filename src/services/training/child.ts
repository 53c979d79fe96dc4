/**
 * A trainer's child process: started without a shell in a process group of its own, its stdout and
 * stderr read line by line, and stopped as a whole group (the trainer and everything it started:
 * torchrun workers, data loaders) on cancel, shutdown or timeout.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** How long a group gets after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 5_000;
/** Longest log line kept, in characters; the rest is cut. */
const MAX_LINE = 2_000;

export type ChildOutcome = { code: number | null; signal: NodeJS.Signals | null };

export type RunningChild = {
  pid: number;
  /** Settles when the process has exited and its output is read. Rejects only when it could not start. */
  done: Promise<ChildOutcome>;
  /** SIGTERM to the whole group, SIGKILL after a grace period; resolves when the process has exited. */
  stop(): Promise<void>;
};

export function startChild(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string>; onLine: (stream: 'stdout' | 'stderr', line: string) => void },
): Promise<RunningChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      // Its own process group (pgid = pid): the whole group can be signalled, and a signal meant for
      // the worker's group (a terminal's Ctrl-C) does not reach the trainer half-way.
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      const pid = child.pid!;
      const read = (stream: 'stdout' | 'stderr') =>
        new Promise<void>((done) => {
          const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity });
          lines.on('line', (line) => options.onLine(stream, line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line));
          lines.once('close', done);
        });
      const exited = new Promise<ChildOutcome>((done) => child.once('exit', (code, signal) => done({ code, signal })));
      const done = Promise.all([exited, read('stdout'), read('stderr')]).then(([outcome]) => outcome);
      let stopping: Promise<void> | undefined;
      resolve({
        pid,
        done,
        stop: () =>
          (stopping ??= (async () => {
            signalGroup(pid, 'SIGTERM');
            const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), TERM_GRACE_MS);
            await exited;
            clearTimeout(timer);
            // Whatever the trainer left of its group (children that ignored SIGTERM) goes too.
            signalGroup(pid, 'SIGKILL');
          })()),
      });
    });
  });
}

/** Sends `signal` to the process group `pgid`; a group that is gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Stops the group of a trainer an earlier worker started and left running when it died, if that
 * process still runs the same command line (`marker` must occur in it: a reused pid is left alone).
 * Linux only (/proc); elsewhere nothing is stopped.
 */
export async function stopLeftover(pid: number, marker: string): Promise<boolean> {
  let cmdline: string;
  try {
    cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return false;
  }
  if (!cmdline.includes(marker)) return false;
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 100 && (await alive(pid)); i++) await new Promise((r) => setTimeout(r, 50));
  return true;
}

async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie waits only for its parent to reap it
  } catch {
    return false;
  }
}
