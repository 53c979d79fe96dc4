// `node src/db/pglite-init.mjs DIR`: creates an empty PGlite database in DIR and exits.
//
// Run as a child process by database.ts when DATA_DIR holds no database yet. PGlite's initdb
// loads a second WebAssembly PostgreSQL and leaves some 400 MB behind that V8 frees only at a
// major garbage collection it may not run for a long time; in a short-lived process of its own
// that memory goes back to the system when it exits, and the service opens an existing folder
// (about 300 MB less resident memory, idle and at its start-up peak). Plain JavaScript, so it runs
// with a bare `node`, whatever loader the parent uses.
import process from 'node:process';
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node src/db/pglite-init.mjs DIR\n');
  process.exit(2);
}
const pg = await PGlite.create(dir);
await pg.close();
