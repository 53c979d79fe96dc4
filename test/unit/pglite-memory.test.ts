import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, PGLITE_SHARED_BUFFERS } from '../../src/db/database.js';
import type { Database } from '../../src/db/database.js';

describe('the embedded database', () => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  // PGlite does not type its start parameters; this fails if an upgrade stops taking ours.
  it(`runs with ${PGLITE_SHARED_BUFFERS} of shared buffers instead of PostgreSQL's 128MB`, async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    opened.push(database);
    const { rows } = await database.executeSql("select current_setting('shared_buffers') as shared_buffers, current_setting('fsync') as fsync");
    expect(rows).toEqual([{ shared_buffers: '16MB', fsync: 'off' }]);
  });
});
