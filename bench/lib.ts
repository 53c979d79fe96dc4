/**
 * Benchmark plumbing: the simulator and the service as child processes (so that the service's
 * CPU time and memory are its own), a fresh PostgreSQL database per run, GraphQL calls, and
 * process statistics from /proc.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export type Child = { process: ChildProcess; url: string; stop(): Promise<void> };

const ROOT = new URL('../', import.meta.url);

/**
 * Starts `src/<entry>` as users start it (compiled: `node scripts/start.mjs <entry>`, which builds
 * dist/ first when it is stale) and resolves with the URL it announces on stdout. With
 * BENCH_CPU_PROF_DIR set, every child writes a V8 CPU profile there when it exits (open it in
 * Chrome DevTools, or summarise it with bench/profile-summary.ts); --cpu-prof is not allowed in
 * NODE_OPTIONS, so it is passed here.
 */
async function startChild(entry: string, env: Record<string, string>, announce: RegExp, args: string[] = [], nodeFlags: string[] = []): Promise<Child> {
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, ...nodeFlags, 'scripts/start.mjs', entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = announce.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${stderr}`)));
  });
  return {
    process: child,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startSimulatorProcess(env: Record<string, string>): Promise<Child> {
  return startChild('sim/main', { SIM_PORT: String(await freePort()), ...env }, /API at (\S+)/);
}

/**
 * The node flags `npm start` gives the service (package.json: `node <flags> scripts/start.mjs main`), so the
 * benchmark measures the service as users start it.
 */
export function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { scripts: { start: string } };
  // `node <flags> scripts/start.mjs main`: the flags between the runtime and the script
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1).filter((word) => word.startsWith('--'));
}

/** Starts the service with `npm start`'s node flags, or with `nodeFlags` when given. */
export async function startService(env: Record<string, string>, role = 'all', nodeFlags?: string[]): Promise<Child> {
  return startChild('main', { PORT: String(await freePort()), ...env }, /GraphQL API at (\S+)|(worker started)/, ['--role', role], nodeFlags ?? startScriptNodeFlags());
}

/** A fresh database on the server of `serverUrl`; `drop()` removes it. */
export async function freshDatabase(serverUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ste_bench_${label}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      c.on('error', () => {});
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function graphql(url: string) {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data!;
  };
}

export type Gql = ReturnType<typeof graphql>;

/** Polls a stage until it is no longer QUEUED or RUNNING. */
export async function waitForStage(gql: Gql, stageId: string, everyMs = 50): Promise<{ status: string; done: number; total: number; failed: number }> {
  for (;;) {
    const { stage } = await gql<{ stage: { status: string; done: number; total: number; failed: number } }>(
      'query ($id: ID!) { stage(id: $id) { status done total failed } }',
      { id: stageId },
    );
    if (stage.status !== 'QUEUED' && stage.status !== 'RUNNING') return stage;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** CPU milliseconds (user + system) and resident memory of a process, from /proc. */
export function processStats(pid: number): { cpuMs: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuMs: (ticks * 1000) / 100, rssBytes: rssPages * 4096 };
}

/** The highest RSS a process has had so far (VmHWM), from /proc. */
export function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * Resets a process's VmHWM to its current RSS (Linux: `5` written to /proc/<pid>/clear_refs), so
 * that peakRss then measures from now on. False when it could not (not permitted, not Linux).
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return peakRss(pid) <= processStats(pid).rssBytes + 4096 * 256;
  } catch {
    return false;
  }
}

/** CPU milliseconds of every PostgreSQL process (server and backends) by pid, from /proc. */
export function postgresProcesses(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      cpu.set(Number(entry), processStats(Number(entry)).cpuMs);
    } catch {
      // the process ended while we looked
    }
  }
  return cpu;
}

/** PostgreSQL CPU ms used since `before` (backends that started since count from zero; ended ones are lost). */
export function postgresCpuMs(before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of postgresProcesses()) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/** CPU ms all processes of the machine have used since boot (every core, from /proc/stat). */
export function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait
  const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
  return (busy * 1000) / 100;
}

/** Distinct synthetic instructions built from the bundled question sets. */
export function syntheticInstructions(count: number): string[] {
  const base = ['data/instructions/mt-bench-questions.jsonl', 'data/instructions/vicuna-bench-questions.jsonl'].flatMap((file) =>
    readFileSync(new URL(file, ROOT), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { turns: string[] }).turns[0]!),
  );
  const audiences = ['a beginner', 'an expert', 'a child', 'a manager', 'a student', 'a journalist', 'an engineer', 'a historian'];
  return Array.from({ length: count }, (_, i) => {
    const text = base[i % base.length]!;
    const round = Math.floor(i / base.length);
    return round === 0 ? text : `${text} Write it for ${audiences[round % audiences.length]} (variant ${round}).`;
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
