// `node scripts/start.mjs <entry> [args...]`: runs dist/src/<entry>.js with node, in this process,
// building dist/ first when it is missing or older than the sources. `npm start` (entry `main`),
// `npm run sim` (`sim/main`), `npm run backup` / `restore` (`backup-main`). The entry sees its own
// arguments in process.argv as if started directly.
import { pathToFileURL } from 'node:url';
import { distEntry, ensureBuilt } from './dist.mjs';

const entry = process.argv[2];
if (!entry || !/^[a-z][a-z0-9/-]*$/.test(entry)) {
  process.stderr.write('usage: node scripts/start.mjs <entry> [args...] (example: node scripts/start.mjs main --role api)\n');
  process.exit(2);
}
try {
  ensureBuilt();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
process.argv.splice(2, 1);
await import(pathToFileURL(distEntry(entry)).href);
