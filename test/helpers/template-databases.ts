/**
 * vitest globalSetup of the projects that start databases: one migrated database per run, that
 * every test database is a copy of, instead of one initdb and one migration per test file.
 *
 * - PGlite: a migrated in-memory database dumped once (`dumpDataDir`, an uncompressed tar in a
 *   temporary folder); each test database is a new in-memory PGlite started from it
 *   (`loadDataDir`). PGlite's initdb is most of the cost of opening a database: on this 2-core
 *   machine 4.5 CPU-s against 1.7 CPU-s for loading the dump (the migrations take 0.3 CPU-s).
 * - PostgreSQL (DATABASE_URL set): a migrated database `ste_tpl_<pid>` on that server; each test
 *   database is `CREATE DATABASE ... TEMPLATE` it.
 *
 * The service still runs its migrations on every database it opens (they find nothing to do),
 * and the migrations themselves run here through drizzle's migrator on both, as the service runs
 * them; test/unit/pglite-thread.test.ts and pglite-memory.test.ts still open empty databases.
 * The teardown deletes both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the dump of a migrated PGlite database ('' in projects without one). */
    pgliteDump: string;
    /** Name of the migrated template database on DATABASE_URL's server ('' when there is none). */
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: (() => Promise<void>)[] = [];
  const db = project.config.env?.TEST_DB;
  try {
    project.provide('pgliteDump', db === 'pglite' ? await pgliteDump(teardowns) : '');
    project.provide('postgresTemplate', db !== 'pglite' && process.env.DATABASE_URL ? await postgresTemplate(process.env.DATABASE_URL, teardowns) : '');
  } catch (error) {
    for (const t of teardowns.reverse()) await t();
    throw error;
  }
  return async () => {
    for (const t of teardowns.reverse()) await t();
  };
}

async function pgliteDump(teardowns: (() => Promise<void>)[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-pglite-template-'));
  teardowns.push(async () => rmSync(dir, { recursive: true, force: true }));
  const client = await PGlite.create('memory://');
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    const file = path.join(dir, 'migrated.tar');
    writeFileSync(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
    return file;
  } finally {
    await client.close();
  }
}

async function postgresTemplate(serverUrl: string, teardowns: (() => Promise<void>)[]): Promise<string> {
  const name = `ste_tpl_${process.pid}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  teardowns.push(() => admin(`drop database if exists ${name} with (force)`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // The service's own migration path; closing it leaves no connection, as TEMPLATE requires.
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
  await database.close();
  return name;
}
