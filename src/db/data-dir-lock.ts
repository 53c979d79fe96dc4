/**
 * One process per PGlite data folder. PGlite is PostgreSQL compiled into this process, with no
 * server in front of it: two processes opening one folder each run their own database over the
 * same files, and whichever writes last silently destroys what the other wrote. So whoever opens
 * the folder first holds `DATA_DIR/ste.lock` (created with O_EXCL, holding its pid and host) until
 * it closes the database or its process exits, and everyone else is refused.
 *
 * Guarantees:
 * - Taking the lock is atomic: of two processes starting at once, exactly one creates the file.
 * - A lock whose pid is dead on this host (a process killed with SIGKILL, a power loss) is taken
 *   over with a warning; the takeover itself is serialised through `ste.lock.takeover`, so two
 *   processes that both find the stale lock cannot both take it.
 * - A lock from another host, or from a live pid, is never taken over: the message names the
 *   folder, the pid and the host, and what to do.
 * - The file is removed by `release()` and, if the process ends without it (process.exit, an
 *   uncaught error), by an exit hook. SIGKILL leaves it behind: the next start takes it over.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'ste.lock';

/** What a lock file says about its holder. */
export type LockOwner = { pid: number; host: string; since: string; command: string };

/** Raised when the folder is held by another process; the message is one line for the operator. */
export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly owner: LockOwner | null,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export type DataDirLock = {
  /** The lock file. */
  file: string;
  /** Removes the lock file (once; later calls do nothing). */
  release(): void;
};

export type LockOptions = {
  /** Called once when a stale lock (dead pid on this host) is taken over. Default: a line on stderr. */
  onStale?: (message: string) => void;
  /** Written into the lock file so the refusal says what holds the folder. Default: this process's argv. */
  command?: string;
};

/** Locks held by this process, by lock file: a second open in the same process is refused too. */
const held = new Map<string, LockOwner>();
let exitHookInstalled = false;

/** A lock file still empty after this long was left by a crash between its creation and its first write. */
const INCOMPLETE_GRACE_MS = 5_000;
/** A takeover marker older than this is itself left over from a crash. */
const TAKEOVER_STALE_MS = 30_000;

/**
 * Takes the lock of `dataDir` (creating the folder when missing) or throws DataDirLockedError.
 * Throws the file system's error when the folder cannot be created or written.
 */
export function lockDataDir(dataDir: string, options: LockOptions = {}): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const own: LockOwner = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: options.command ?? process.argv.slice(1).map((a) => path.basename(a)).join(' '),
  };
  if (held.has(file)) throw lockedError(dataDir, file, held.get(file)!, 'this process');
  if (!tryCreate(file, own)) {
    const owner = readOwner(file);
    if (owner && !isStale(owner)) throw lockedError(dataDir, file, owner, describeOwner(owner));
    takeOver(dataDir, file, owner, own, options.onStale ?? ((message) => process.stderr.write(`self-taught-evaluator: ${message}\n`)));
  }
  held.set(file, own);
  installExitHook();
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      held.delete(file);
      removeIfOurs(file, own);
    },
  };
}

/** The holder named by the lock file of `dataDir`, or null when there is none (or it is unreadable). */
export function lockOwner(dataDir: string): LockOwner | null {
  return readOwner(path.join(dataDir, LOCK_FILE));
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(file: string): LockOwner | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') {
      return { pid: value.pid, host: value.host, since: String(value.since ?? ''), command: String(value.command ?? '') };
    }
  } catch {
    // Cut short: either a crash between create and write (nobody holds it), or a process that
    // created it a moment ago and is writing it now (it does): only an old one is stale.
  }
  const age = ageMs(file);
  return { pid: age !== null && age < INCOMPLETE_GRACE_MS ? -1 : 0, host: hostname(), since: '', command: '' };
}

/** Dead pid on this host. Our own pid counts as dead unless this process holds the lock: a container restarts as pid 1 again. */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return true;
  if (owner.pid === 0) return true;
  if (owner.pid < 0) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the pid lives but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function takeOver(dataDir: string, file: string, stale: LockOwner | null, own: LockOwner, warn: (message: string) => void): void {
  const marker = `${file}.takeover`;
  if (!tryCreate(marker, own)) {
    const age = ageMs(marker);
    if (age !== null && age < TAKEOVER_STALE_MS) throw lockedError(dataDir, file, readOwner(marker) ?? own, 'another process taking over a stale lock');
    unlinkQuietly(marker);
    if (!tryCreate(marker, own)) throw lockedError(dataDir, file, readOwner(marker) ?? own, 'another process taking over a stale lock');
  }
  try {
    // Read again under the marker: the holder may have changed since we looked.
    const now = readOwner(file);
    if (now && !isStale(now)) throw lockedError(dataDir, file, now, describeOwner(now));
    unlinkQuietly(file);
    if (!tryCreate(file, own)) {
      const winner = readOwner(file);
      throw lockedError(dataDir, file, winner ?? own, winner ? describeOwner(winner) : 'another process');
    }
  } finally {
    unlinkQuietly(marker);
  }
  const who = stale && stale.pid > 0 ? `process ${stale.pid}${stale.since ? ` (since ${stale.since})` : ''}` : 'a process that did not finish writing it';
  warn(`took over the lock of the data folder ${dataDir}, left behind by ${who}, which is no longer running`);
}

function lockedError(dataDir: string, file: string, owner: LockOwner, who: string): DataDirLockedError {
  return new DataDirLockedError(
    `the data folder ${dataDir} is in use by ${who}: one process at a time can use an embedded database ` +
      `(stop that process, set DATA_DIR to another folder, or use PostgreSQL with DATABASE_URL; if no such process exists, delete ${file})`,
    owner,
  );
}

function describeOwner(owner: LockOwner): string {
  if (owner.pid < 0) return 'a process that is taking it right now';
  const where = owner.host === hostname() ? '' : ` on host ${owner.host}`;
  return `process ${owner.pid}${where}${owner.command ? ` (${owner.command})` : ''}`;
}

function ageMs(file: string): number | null {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function removeIfOurs(file: string, own: LockOwner): void {
  const owner = readOwner(file);
  if (owner && owner.pid === own.pid && owner.host === own.host && owner.since === own.since) unlinkQuietly(file);
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, own] of held) {
      try {
        removeIfOurs(file, own);
      } catch {
        // Nothing more can be done while exiting; the next start takes a dead pid's lock over.
      }
    }
    held.clear();
  });
}
