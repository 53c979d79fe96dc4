/**
 * Backup and restore of the embedded database, with PGlite's own dump of its data folder
 * (`dumpDataDir`, a tar of the folder) and its own load (`loadDataDir`). Both take the folder's
 * lock (`data-dir-lock.ts`): a backup of a folder a running service holds is refused, since its
 * files change under the copy. The dump is taken after a CHECKPOINT, so the data files are
 * current; the WAL goes along, and PostgreSQL replays it when the restored folder is opened.
 *
 * What is in a backup: everything in the folder (the database and `simulator/`, the embedded
 * simulator's trained models and files) except the lock files. The tar is built in memory (that
 * is how PGlite dumps): a backup needs about twice the folder's size in memory.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.js';

/** Raised for a backup or restore that cannot be done; the message is one line for the operator. */
export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackupError';
  }
}

/** Files of the folder left out of a backup: who held the folder when it was taken says nothing about the copy. */
const LEFT_OUT = new Set([LOCK_FILE, `${LOCK_FILE}.takeover`]);

/** Writes a gzipped tar of `dataDir` to `file` (through a temporary file: a failed backup leaves no partial file). Returns its size. */
export async function backupDataDir(dataDir: string, file: string): Promise<{ bytes: number }> {
  if (!exists(path.join(dataDir, 'PG_VERSION'))) throw new BackupError(`there is no embedded database in ${dataDir} to back up`);
  const lock = lockDataDir(dataDir, { command: 'backup' });
  try {
    const pg = await PGlite.create(dataDir);
    let tar: Uint8Array;
    try {
      await pg.exec('checkpoint');
      tar = new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer());
    } finally {
      await pg.close();
    }
    const gz = gzipSync(withoutEntries(tar, LEFT_OUT));
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, gz);
    renameSync(tmp, file);
    return { bytes: gz.length };
  } finally {
    lock.release();
  }
}

/**
 * Restores a backup into `dataDir`, which must not exist or be empty (a restore never overwrites
 * a database). Opens the restored database once, so a bad backup is found now, not at the next
 * start; on any failure the folder is removed again.
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<{ bytes: number }> {
  let tar: Buffer;
  try {
    tar = gunzipSync(readFileSync(file));
  } catch (cause) {
    throw new BackupError(`cannot read the backup ${file}: ${(cause as Error).message}`, { cause });
  }
  const created = !exists(dataDir);
  const lock = lockDataDir(dataDir, { command: 'restore' });
  if (readdirSync(dataDir).some((name) => name !== LOCK_FILE)) {
    lock.release();
    throw new BackupError(`${dataDir} is not empty: restore into a new folder (set DATA_DIR), or move this one away first`);
  }
  try {
    const pg = await PGlite.create({ dataDir, loadDataDir: new Blob([tar]) });
    try {
      await pg.query('select count(*) from pg_class');
    } finally {
      await pg.close();
    }
  } catch (cause) {
    lock.release();
    rmSync(dataDir, { recursive: true, force: true });
    if (!created) mkdirSync(dataDir);
    throw new BackupError(`restoring ${file} into ${dataDir} failed: ${(cause as Error).message}`, { cause });
  }
  lock.release();
  return { bytes: tar.length };
}

/**
 * The tar without the entries whose path (leading "/" or "./" dropped) is in `names`. PGlite
 * writes POSIX ustar: 512-byte headers (name at 0, size in octal at 124, prefix at 345), each
 * followed by its data padded to 512 bytes, and zero blocks at the end.
 */
export function withoutEntries(tar: Uint8Array, names: ReadonlySet<string>): Buffer {
  const input = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  const kept: Buffer[] = [];
  let at = 0;
  while (at + 512 <= input.length) {
    const header = input.subarray(at, at + 512);
    if (header.every((b) => b === 0)) {
      kept.push(input.subarray(at));
      break;
    }
    const field = (from: number, length: number) => header.subarray(from, from + length).toString('utf8').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = `${prefix ? `${prefix}/` : ''}${field(0, 100)}`.replace(/^\.?\/+/, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size)) throw new BackupError(`the dump is not a tar file (bad size at byte ${at})`);
    const end = at + 512 + Math.ceil(size / 512) * 512;
    if (!names.has(name)) kept.push(input.subarray(at, end));
    at = end;
  }
  return Buffer.concat(kept);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
