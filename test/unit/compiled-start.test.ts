/**
 * What `npm ci && npm start` runs for a newcomer: the compiled service (dist/, built by npm's
 * `prepare`, rebuilt by scripts/start.mjs when stale) on the embedded PGlite, which runs on a worker
 * thread whose script is plain JavaScript the build does not compile. It must start, answer, keep
 * what it stored across a restart, and stop cleanly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, stopAll, stopService, tempDir } from '../helpers/service-process.js';

describe('the compiled service (npm start) on the embedded database', () => {
  afterAll(async () => {
    expect(await stopAll()).toEqual([]);
  });

  it('starts from dist/, stores, stops with exit code 0 and finds its data again', async () => {
    const dir = tempDir();
    const first = await startService({ DATA_DIR: dir }, [], { compiled: true });
    expect(first.output()).toContain('database: pglite; endpoint: simulator');
    const created = await first.gql<{ createExperiment: { name: string } }>('mutation { createExperiment(name: "compiled") { name } }');
    expect(created.createExperiment.name).toBe('compiled');
    expect(await stopService(first)).toBe(0);
    expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);

    const second = await startService({ DATA_DIR: dir }, [], { compiled: true });
    const listed = await second.gql<{ experiments: { totalCount: number; edges: { node: { name: string } }[] } }>('{ experiments(first: 5) { totalCount edges { node { name } } } }');
    expect(listed.experiments).toEqual({ totalCount: 1, edges: [{ node: { name: 'compiled' } }] });
    expect(await stopService(second)).toBe(0);
  }, 240_000);
});
