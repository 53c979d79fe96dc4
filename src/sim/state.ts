/**
 * The simulator's state on disk, for a simulator started with `stateDir`: fine-tuned models with
 * their weights, uploaded files and fine-tuning jobs with their events. A restarted simulator
 * serves the same models, so the model names a database holds keep working.
 *
 * Layout: `state.json` (everything but file contents) and `files/<id>` (each upload's bytes,
 * written once). Every write goes to a temporary file that is flushed to disk and renamed over the
 * old one, so a crash or power loss leaves the previous state or the new one, never a torn file.
 * State is saved after every change (an upload, a deletion, each job event); these are rare.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileObject, FileStore } from './files.js';
import type { FineTuningJobs, JobsSnapshot } from './fine-tuning.js';
import type { FineTunedSnapshot, ModelRegistry } from './models.js';

const STATE_FILE = 'state.json';
const FILES_DIR = 'files';
const VERSION = 1;

type StateFile = { version: number; files: FileObject[]; models: FineTunedSnapshot[]; jobs: JobsSnapshot };

export type StateParts = { files: FileStore; models: ModelRegistry; jobs: FineTuningJobs };

/**
 * Loads the state of `dir` into `parts` (unfinished jobs start again) and returns the function
 * that saves it. A save that fails (disk full, permissions) is reported on stderr and does not
 * stop the simulator: it keeps serving from memory.
 */
export function attachState(dir: string, parts: StateParts): () => void {
  const filesDir = path.join(dir, FILES_DIR);
  mkdirSync(filesDir, { recursive: true });
  const written = new Set(readdirSync(filesDir).filter((name) => !name.endsWith('.tmp')));
  load(dir, filesDir, written, parts);
  let lastError = '';
  return () => {
    try {
      save(dir, filesDir, written, parts);
      lastError = '';
    } catch (error) {
      const message = (error as Error).message;
      if (message !== lastError) process.stderr.write(`simulator: saving its state in ${dir} failed: ${message}\n`);
      lastError = message;
    }
  };
}

function load(dir: string, filesDir: string, written: Set<string>, parts: StateParts): void {
  let text: string;
  try {
    text = readFileSync(path.join(dir, STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const state = JSON.parse(text) as StateFile;
  if (state.version !== VERSION) throw new Error(`${path.join(dir, STATE_FILE)} has version ${state.version}; this simulator reads version ${VERSION}`);
  for (const meta of state.files) {
    // A content file is written before the state that names it; one that is missing was deleted by hand.
    if (written.has(meta.id)) parts.files.restore(meta, readFileSync(path.join(filesDir, meta.id)));
  }
  for (const model of state.models) parts.models.restore(model);
  parts.jobs.restore(state.jobs);
}

function save(dir: string, filesDir: string, written: Set<string>, parts: StateParts): void {
  const files = parts.files.list();
  for (const meta of files) {
    if (written.has(meta.id)) continue;
    writeAtomically(path.join(filesDir, meta.id), parts.files.content(meta.id));
    written.add(meta.id);
  }
  const state: StateFile = { version: VERSION, files, models: parts.models.snapshot(), jobs: parts.jobs.snapshot() };
  writeAtomically(path.join(dir, STATE_FILE), Buffer.from(JSON.stringify(state)));
  const kept = new Set(files.map((f) => f.id));
  for (const id of [...written]) {
    if (kept.has(id)) continue;
    unlinkSync(path.join(filesDir, id));
    written.delete(id);
  }
}

/** Temporary file, fsync, rename, fsync of the folder: the rename is the commit point. */
function writeAtomically(file: string, data: Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
