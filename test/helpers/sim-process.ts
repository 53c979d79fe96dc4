/**
 * The simulator as users run it alone (`npm run sim`: `node --import tsx src/sim/main.ts`) in a
 * child process on a free port, for tests that need separate endpoints in separate processes. Its
 * request log and counters are read over HTTP (`GET /sim/stats`), as any client would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { SimulatorStats } from '../../src/sim/server.js';

export type SimulatorProcess = {
  pid: number;
  /** Base URL of its OpenAI-compatible API (ends in /v1). */
  url: string;
  /** Its request log and counters, read from the process. */
  stats(): Promise<SimulatorStats>;
  /** Model ids its GET /v1/models lists. */
  models(): Promise<string[]>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
};

/** Starts `npm run sim`'s entry point with `env` (SIM_* variables; SIM_PORT 0) and waits for its URL line. */
export async function startSimulatorProcess(env: Record<string, string> = {}): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SIM_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await Promise.race([
    new Promise<string>((resolve) => {
      const check = () => {
        const match = /OpenAI-compatible API at (http:\/\/\S+) /.exec(out);
        if (match) resolve(match[1]!);
        else if (child.exitCode === null) setTimeout(check, 25);
      };
      check();
    }),
    exited.then(() => {
      throw new Error(`the simulator exited before it started:\n${out}`);
    }),
  ]);
  const root = new URL(url).origin;
  return {
    pid: child.pid!,
    url,
    stats: async () => (await (await fetch(`${root}/sim/stats`)).json()) as SimulatorStats,
    models: async () => ((await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] }).data.map((m) => m.id),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
