import { defineConfig } from 'vitest/config';

/**
 * Three projects: pure unit tests once, and every test that touches a database twice,
 * against PGlite (the embedded default) and against a real PostgreSQL server (DATABASE_URL;
 * skipped with a notice when it is not set, as .ci/run always sets it).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: ['test/db/**/*.test.ts'], env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'postgres', include: ['test/db/**/*.test.ts'], env: { TEST_DB: 'postgres' } } },
    ],
  },
});
