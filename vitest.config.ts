import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Five projects: pure unit tests once, and every test that touches a database twice,
 * against PGlite (the embedded default) and against a real PostgreSQL server (DATABASE_URL;
 * skipped with a notice when it is not set, as .ci/run always sets it); and the durability
 * tests (test/durability), PostgreSQL only but for the PGlite crash test; and the dashboard in a real browser (test/browser).
 */
/** Migrated databases every test database of a run is copied from (the file says why). */
const TEMPLATES = './test/helpers/template-databases.ts';

export default defineConfig({
  // graphql ships CommonJS (`main`) and ESM (`module`) builds. Node, and so Apollo, graphql-ws and
  // graphql-tools, load the CommonJS one; without this alias vite would hand src/ the ESM one, and
  // schema objects or errors crossing between them fail graphql's instanceof checks.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker less than the cores: 1 on a 2-core CI machine, so every file
    // of every project ran alone while much of a file's time is waiting (for the service's sweeps
    // and polls, child processes, PostgreSQL). At least 2 at once; 3 made timing-sensitive tests
    // (live-streaming's drops, cli-inspect's 60 s of CLI processes) fail on a busy 2-core machine.
    // The unit, pglite, postgres and browser projects share these workers (one group); the
    // durability files run after them, one at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: ['test/db/**/*.test.ts'], env: { TEST_DB: 'pglite' }, globalSetup: [TEMPLATES] } },
      { extends: true, test: { name: 'postgres', include: ['test/db/**/*.test.ts'], env: { TEST_DB: 'postgres' }, globalSetup: [TEMPLATES] } },
      // Worker processes killed, stopped and restarted, endpoint faults, a PostgreSQL restart: these
      // need separate processes sharing a server, so PostgreSQL only (skipped without DATABASE_URL);
      // pglite-crash.test.ts kills the embedded default and needs no server.
      // One file at a time: they measure what workers do, not how they share two cores with each other.
      {
        extends: true,
        test: { name: 'durability', include: ['test/durability/**/*.test.ts'], fileParallelism: false, maxWorkers: 1, testTimeout: 240_000, hookTimeout: 120_000, globalSetup: [TEMPLATES] },
      },
      // The dashboard in a real headless chromium (playwright-core), against PGlite.
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], env: { TEST_DB: 'pglite' }, globalSetup: [TEMPLATES] } },
    ],
  },
});
