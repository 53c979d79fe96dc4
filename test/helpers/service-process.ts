/**
 * The service's entry point (`npm start` runs its compiled dist/src/main.js; tests run the sources,
 * `node --import tsx src/main.ts`, as `npm run dev` does, so that no build is needed) in a
 * child process, on an embedded PGlite data folder. For the tests of what happens between
 * processes and across restarts: the folder lock, the simulator's kept state, kill -9.
 * Every process started is killed by `stopAll()`, which reports the ones still running.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type ServiceProcess = {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr, as received. */
  output(): string;
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
  running(): boolean;
};

export type StartedService = ServiceProcess & { url: string; gql: ServiceGql };

export type ServiceGql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** The environment of every service process; a test adds what it studies (DATA_DIR always). */
const BASE_ENV = { LOG_LEVEL: 'warn', PORT: '0', SIM_FINE_TUNE_MS: '50' };

const started = new Set<ServiceProcess>();

/** A fresh temporary folder, removed by `removeTempDirs()`. */
const temps: string[] = [];
export function tempDir(prefix = 'ste-data-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** `compiled`: run what `npm start` runs, the compiled dist/src/main.js (scripts/start.mjs builds it when stale). */
export function spawnService(env: Record<string, string>, args: string[] = [], options: { compiled?: boolean } = {}): ServiceProcess {
  const entry = options.compiled ? ['scripts/start.mjs', 'main'] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const service: ServiceProcess = {
    child,
    pid: child.pid!,
    output: () => out,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
    running: () => child.exitCode === null && child.signalCode === null,
  };
  started.add(service);
  return service;
}

/** Starts the service and waits for its "GraphQL API at" line; fails with its output if it exits first. */
export async function startService(env: Record<string, string>, args: string[] = [], options: { compiled?: boolean } = {}): Promise<StartedService> {
  const service = spawnService(env, args, options);
  const url = await Promise.race([
    new Promise<string>((resolve) => {
      const check = () => {
        const match = /GraphQL API at (http:\/\/\S+\/graphql)/.exec(service.output());
        if (match) resolve(match[1]!);
        else if (service.running()) setTimeout(check, 25);
      };
      check();
    }),
    service.exited.then((code) => {
      throw new Error(`the service exited (${code}) before it started:\n${service.output()}`);
    }),
  ]);
  const gql: ServiceGql = async (query, variables) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data as never;
  };
  return { ...service, url, gql };
}

/** Sends `signal` and waits for the end. */
export async function stopService(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  if (service.running()) service.child.kill(signal);
  return service.exited;
}

/** Kills whatever is still running and removes the temporary folders; returns the processes that were still running. */
export async function stopAll(): Promise<number[]> {
  const running = [...started].filter((s) => s.running());
  for (const s of running) s.child.kill('SIGKILL');
  await Promise.all([...started].map((s) => s.exited));
  started.clear();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  return running.map((s) => s.pid);
}
