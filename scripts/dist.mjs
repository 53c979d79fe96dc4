// The compiled service in dist/ (tsconfig.build.json): whether it is there and up to date, and how
// to build it. Used by `npm run build` / `prepare`, `npm start` (scripts/start.mjs) and bin/ste.js.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = path.join(ROOT, 'dist');
/** Written after a complete build; its time is the build's. */
const STAMP = path.join(DIST, '.build-stamp');
/** What the build reads besides src/. */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'generated'];

/** The compiled file of a source entry point (`main` -> dist/src/main.js). */
export function distEntry(entry) {
  return path.join(DIST, 'src', `${entry}.js`);
}

function newestMtime(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, name)));
  return newest;
}

/** 'missing', 'stale' (a source file is newer than the build) or 'fresh'. */
export function buildState() {
  if (!existsSync(STAMP)) return 'missing';
  const built = statSync(STAMP).mtimeMs;
  const inputs = ['src', ...INPUTS].map((p) => path.join(ROOT, p)).filter((p) => existsSync(p));
  return inputs.some((p) => newestMtime(p) > built) ? 'stale' : 'fresh';
}

/** The TypeScript compiler, or null when it is not installed (`npm ci --omit=dev`). */
function tscPath() {
  try {
    return createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

/** Compiles src/ into a fresh dist/; throws with the compiler's output when it fails. */
export function build() {
  const tsc = tscPath();
  if (!tsc) throw new Error('cannot build dist/: the TypeScript compiler is not installed (run `npm ci` without --omit=dev, then `npm run build`)');
  rmSync(DIST, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed (tsc -p tsconfig.build.json):\n${result.stdout}${result.stderr}`);
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Held while a build runs, so that processes started together (api and worker) build once. */
const LOCK = path.join(ROOT, '.dist-build.lock');
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 10 * 60_000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds when dist/ is missing or older than a source file; says so on stderr. */
export function ensureBuilt() {
  for (;;) {
    const state = buildState();
    if (state === 'fresh') return;
    let fd;
    try {
      fd = openSync(LOCK, 'wx');
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // Another process is building: wait for it, then look again.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { force: true });
      sleep(500);
      continue;
    }
    try {
      if (buildState() === 'fresh') return;
      process.stderr.write(`dist/ is ${state}: building (tsc -p tsconfig.build.json)...\n`);
      build();
      return;
    } finally {
      closeSync(fd);
      rmSync(LOCK, { force: true });
    }
  }
}
