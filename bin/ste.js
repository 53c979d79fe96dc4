#!/usr/bin/env node
// `ste`, the operator CLI (src/cli/main.ts), run from the compiled dist/ (built by `npm ci`'s
// prepare step, `npm run build` or `npm start`). In a development checkout whose dist/ is missing
// or older than the sources, it runs the sources through tsx instead (a dev dependency), so an
// edit needs no build; with neither, it builds dist/ first.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { buildState, distEntry, ensureBuilt } from '../scripts/dist.mjs';

function tsx() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

if (buildState() !== 'fresh' && tsx()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  try {
    ensureBuilt();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  await import(pathToFileURL(distEntry('cli/main')).href);
}
