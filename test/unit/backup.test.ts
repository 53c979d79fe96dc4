/**
 * `npm run backup` / `npm run restore` of the embedded database, run as an operator runs them,
 * around a service (a child process) that ran a loop on the folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from '../../src/db/data-dir-lock.js';
import { startService, stopAll, stopService, tempDir } from '../helpers/service-process.js';

const TWELVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12).join('\n');

function run(command: 'backup' | 'restore', file: string, dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/backup-main.ts', command, file], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every table of every schema but PostgreSQL's own, with its row count and a digest of its rows. */
async function contents(dataDir: string): Promise<Record<string, { rows: number; digest: string }>> {
  const lock = lockDataDir(dataDir);
  const pg = await PGlite.create(dataDir);
  try {
    const { rows: tables } = await pg.query<{ name: string }>(
      `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1`,
    );
    const out: Record<string, { rows: number; digest: string }> = {};
    for (const { name } of tables) {
      const { rows } = await pg.query<{ rows: number; digest: string | null }>(
        `select count(*)::int as rows, md5(string_agg(t::text, E'\\n' order by t::text)) as digest from ${name} t`,
      );
      out[name] = { rows: rows[0]!.rows, digest: rows[0]!.digest ?? '' };
    }
    return out;
  } finally {
    await pg.close();
    lock.release();
  }
}

describe('backup and restore of the embedded database', () => {
  afterAll(async () => {
    expect(await stopAll()).toEqual([]);
  });

  it('refuses a backup while the service uses the folder, and restores a backup into a fresh folder with every row', async () => {
    const source = tempDir();
    const file = path.join(tempDir('ste-backup-'), 'ste.tar.gz');
    const service = await startService({ DATA_DIR: source });
    const id = (await service.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "backed up", config: { samplesPerOrder: 1 }) { id } }')).createExperiment.id;
    await service.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE });
    await service.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });
    for (;;) {
      const { experiment } = await service.gql<{ experiment: { loop: { status: string } } }>('query ($id: ID!) { experiment(id: $id) { loop { status } } }', { id });
      if (experiment.loop.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const busy = await run('backup', file, source);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(new RegExp(`^self-taught-evaluator: the data folder ${source} is in use by process ${service.pid} \\(main\\.ts\\): [^\\n]+\\n$`));
    expect(existsSync(file)).toBe(false);
    expect(await stopService(service)).toBe(0);

    const backup = await run('backup', file, source);
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    expect(backup.stdout).toMatch(new RegExp(`^backed up the embedded database in ${source} to ${file} \\(\\d+\\.\\d MB\\)\\n$`));

    const target = path.join(tempDir(), 'restored');
    const restore = await run('restore', file, target);
    expect(restore).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(path.join(target, LOCK_FILE))).toBe(false);

    const before = await contents(source);
    const after = await contents(target);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['public.experiments', 'public.judgments', 'public.iterations', 'pgboss.job']));
    expect(before['public.judgments']!.rows).toBeGreaterThan(0);
    expect(before['public.instructions']!.rows).toBe(12);
    expect(after).toEqual(before);
    // The embedded simulator's trained judge goes along with the database that names it.
    expect(readFileSync(path.join(target, 'simulator', 'state.json'), 'utf8')).toBe(readFileSync(path.join(source, 'simulator', 'state.json'), 'utf8'));

    const again = await run('restore', file, target);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`self-taught-evaluator: ${target} is not empty: restore into a new folder (set DATA_DIR), or move this one away first\n`);
    expect(await contents(target)).toEqual(before);
  }, 300_000);

  it('refuses a file that is not a backup, leaving no folder behind', async () => {
    const bad = path.join(tempDir('ste-backup-'), 'not-a-backup.tar.gz');
    writeFileSync(bad, 'hello');
    const target = path.join(tempDir(), 'never');
    const result = await run('restore', bad, target);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^self-taught-evaluator: cannot read the backup ${bad}: .+\\n$`));
    expect(existsSync(target)).toBe(false);
  });

  it('says how to use it when the file is missing, and refuses a PostgreSQL configuration', async () => {
    const usage = await run('backup', '', tempDir());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run backup -- FILE/);
    const postgres = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/backup-main.ts', 'backup', 'x.tgz'], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'postgres://127.0.0.1:1/none' },
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(postgres).toEqual({
      code: 1,
      stderr: "self-taught-evaluator: backup is for the embedded database in a folder (DATA_DIR); with DATABASE_URL use PostgreSQL's pg_dump and pg_restore\n",
    });
  });
});
