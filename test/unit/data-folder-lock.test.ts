import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir, lockOwner } from '../../src/db/data-dir-lock.js';
import { spawnService, startService, stopAll, stopService, tempDir } from '../helpers/service-process.js';
import type { ServiceGql } from '../helpers/service-process.js';

/** The pid of a process that has just ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const experimentNames = async (gql: ServiceGql) =>
  (await gql<{ experiments: { edges: { node: { name: string } }[] } }>('{ experiments(first: 50) { edges { node { name } } } }')).experiments.edges.map((e) => e.node.name).sort();

describe('one service process per data folder', () => {
  afterAll(async () => {
    expect(await stopAll()).toEqual([]);
  });

  it('refuses a second process on the folder with one line naming the folder and the holder, while the first keeps working and loses nothing', async () => {
    const dir = tempDir();
    const first = await startService({ DATA_DIR: dir });
    await first.gql('mutation { createExperiment(name: "before") { id } }');
    expect(lockOwner(dir)).toMatchObject({ pid: first.pid, host: hostname() });

    const second = spawnService({ DATA_DIR: dir });
    expect(await second.exited).toBe(1);
    const lines = second.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `self-taught-evaluator: the data folder ${dir} is in use by process ${first.pid} (main.ts): one process at a time can use an embedded database ` +
        `(stop that process, set DATA_DIR to another folder, or use PostgreSQL with DATABASE_URL; if no such process exists, delete ${path.join(dir, LOCK_FILE)})`,
    );

    await first.gql('mutation { createExperiment(name: "after") { id } }');
    expect(await experimentNames(first.gql)).toEqual(['after', 'before']);
    expect(await stopService(first, 'SIGTERM')).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    const again = await startService({ DATA_DIR: dir });
    expect(await experimentNames(again.gql)).toEqual(['after', 'before']);
    expect(again.output()).not.toContain('took over');
    expect(await stopService(again, 'SIGINT')).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  }, 180_000);

  it('takes over, with a warning, the lock a process killed with SIGKILL left behind', async () => {
    const dir = tempDir();
    const killed = await startService({ DATA_DIR: dir });
    await killed.gql('mutation { createExperiment(name: "kept") { id } }');
    expect(await stopService(killed, 'SIGKILL')).toBe('SIGKILL');
    expect(lockOwner(dir)?.pid).toBe(killed.pid);

    const next = await startService({ DATA_DIR: dir });
    expect(next.output()).toContain(`took over the lock of the data folder ${dir}, left behind by process ${killed.pid}`);
    expect(lockOwner(dir)?.pid).toBe(next.pid);
    expect(await experimentNames(next.gql)).toEqual(['kept']);
    expect(await stopService(next)).toBe(0);
  }, 180_000);

  it.each(['worker', 'api'])('refuses --role %s on the embedded database: it cannot be shared', async (role) => {
    const dir = tempDir();
    const service = spawnService({ DATA_DIR: dir }, ['--role', role]);
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^self-taught-evaluator: --role ${role} needs a PostgreSQL server \\(DATABASE_URL\\): the embedded PGlite database lives inside one process and cannot be shared with another`),
    );
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});

describe(lockDataDir.name, () => {
  const releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases.splice(0)) release();
  });
  afterAll(async () => {
    await stopAll();
  });

  it('refuses a second lock in the same process and allows it again after release', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`the data folder ${dir} is in use by this process`);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    releases.push(lockDataDir(dir).release);
  });

  it('refuses a lock held by a live process of this host', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), since: 'x', command: 'holder' }));
      expect(() => lockDataDir(dir)).toThrow(`the data folder ${dir} is in use by process ${holder.pid} (holder)`);
      expect(lockOwner(dir)?.pid).toBe(holder.pid);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('never takes over a lock from another host, whose pids it cannot check', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), host: 'elsewhere', since: 'x', command: '' }));
    expect(() => lockDataDir(dir)).toThrow(/is in use by process \d+ on host elsewhere:/);
  });

  it('takes over the lock of a dead pid of this host, warning once', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'gone' }));
    const warnings: string[] = [];
    const lock = lockDataDir(dir, { onStale: (m) => warnings.push(m) });
    releases.push(lock.release);
    expect(warnings).toEqual([`took over the lock of the data folder ${dir}, left behind by process ${pid} (since 2026-01-01T00:00:00.000Z), which is no longer running`]);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(existsSync(`${lock.file}.takeover`)).toBe(false);
  });

  it('treats an empty lock file as being written by its holder for a few seconds, and as left by a crash after that', () => {
    const dir = tempDir();
    const file = path.join(dir, LOCK_FILE);
    writeFileSync(file, '');
    expect(() => lockDataDir(dir)).toThrow(`the data folder ${dir} is in use by a process that is taking it right now`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const warnings: string[] = [];
    releases.push(lockDataDir(dir, { onStale: (m) => warnings.push(m) }).release);
    expect(warnings).toEqual([`took over the lock of the data folder ${dir}, left behind by a process that did not finish writing it, which is no longer running`]);
  });

  it('refuses while another process is taking over the same stale lock', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), host: hostname(), since: '', command: '' }));
    writeFileSync(path.join(dir, `${LOCK_FILE}.takeover`), JSON.stringify({ pid: 12345, host: hostname(), since: '', command: '' }));
    expect(() => lockDataDir(dir)).toThrow(`the data folder ${dir} is in use by another process taking over a stale lock`);
  });
});
