/**
 * Starts the real service for a test: HTTP + WebSocket on a free port, the built-in simulator
 * over HTTP, and a fresh database: in-memory PGlite (TEST_DB=pglite) or a new database on the
 * PostgreSQL server of DATABASE_URL (TEST_DB=postgres). Everything is stopped by `stop()`.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App, AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';

export const TEST_DB = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const SERVER_URL = process.env.DATABASE_URL;
/** True when this project run has no database to test against (postgres project without DATABASE_URL). */
export const NO_DATABASE = TEST_DB === 'postgres' && !SERVER_URL;

export type TestDatabase = { config: Config['database']; url: string | null; drop(): Promise<void> };

/**
 * A fresh database for one test file, with every migration applied and no rows: a copy of the
 * run's migrated database (template-databases.ts), or an empty one in a project without it.
 * `empty`: a database no migration has touched, for tests of the migrations themselves.
 */
export async function freshDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (TEST_DB === 'pglite') {
    const dump = options.empty ? '' : inject('pgliteDump');
    return { config: { kind: 'pglite', dataDir: 'memory://', ...(dump ? { loadDataDir: dump } : {}) }, url: null, drop: async () => {} };
  }
  const name = `ste_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const template = options.empty ? '' : inject('postgresTemplate');
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(SERVER_URL!);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString(), poolSize: 10 },
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type TestApp = App & { url: string; gql: Gql; stop(): Promise<void> };
export type Gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;

/** `logger`: where the app logs (default: nowhere). */
export async function startTestApp(env: Record<string, string> = {}, overrides: AppOverrides = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', SIM_FINE_TUNE_MS: '50', JOB_EXPIRE_SECONDS: '30', ...env }, []);
  config.database = database.config;
  const app = await createApp(config, options.logger ?? createLogger('silent'), { sweepSeconds: 1, trainPollSeconds: 0.2, ...overrides });
  const url = app.url!;
  const gql: Gql = async (query, variables) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as never;
  };
  return {
    ...app,
    url,
    gql,
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A stage read with the fields `fields` (`stage(id)`), and a wait until it reaches `status`
 * (60 s at most). `app` is read at each call, so it may be started later (in beforeAll).
 */
export function stageReader<S extends { status: string }>(app: () => TestApp, fields: string) {
  const stage = async (id: string) => dataOf(await app().gql<{ stage: S }>(`query ($id: ID!) { stage(id: $id) { ${fields} } }`, { id })).stage;
  const waitFor = (id: string, status: string) =>
    eventually(async () => {
      const s = await stage(id);
      return s.status === status ? s : undefined;
    }, 60_000);
  return { stage, waitFor };
}

/** Data of a GraphQL response, failing the test on any error. */
export function dataOf<T>(response: { data?: T; errors?: unknown[] }): T {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data!;
}
