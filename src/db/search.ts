/**
 * Full-text search over instructions, pairs and judgments: PostgreSQL's to_tsvector and
 * plainto_tsquery with the `english` configuration (stemming, stop words; every word must match),
 * the same core functions on PostgreSQL and PGlite, so one behaviour on both. The expression on
 * instructions matches the GIN index of schema.ts (instructions_text_search_idx) word for word, so
 * that the planner can use it. Judgment reasoning has no such index while it is written (its upkeep
 * would double the database's work per stored judgment): once an iteration's JUDGE stage has ended,
 * the workers build a partial GIN index of that iteration's reasoning (`buildReasoningIndex`, on
 * PostgreSQL; services/read/reasoning-indexes.ts decides when). Without one, a search of the
 * reasoning computes to_tsvector for each of the iteration's judgments it reads, about 0.1 ms each.
 */
import { sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import { ACTIVE_STAGE_STATUSES } from '../domain/vocabulary.js';
import { queryRows } from './database.js';
import type { Db, SessionQuery } from './database.js';

/** The text search configuration of every search expression and index. */
export const SEARCH_CONFIG = 'english';

/** The indexed document of a column: to_tsvector('english', column). */
export function searchDocument(column: AnyColumn | SQL): SQL {
  return sql`to_tsvector('english', ${column})`;
}

/** `column` matches every word of `words` (after stemming; stop words dropped). */
export function matchesWords(column: AnyColumn | SQL, words: string): SQL {
  return sql`${searchDocument(column)} @@ plainto_tsquery('english', ${words})`;
}

/** How many search terms `words` leaves after stop words and punctuation are dropped (0: it can match nothing). */
export async function searchTermCount(db: Db, words: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, sql`select numnode(plainto_tsquery('english', ${words})) as n`);
  return Number(row?.n ?? 0);
}

/** Name of the partial full-text index of one iteration's judgment reasoning. */
export function reasoningIndexName(iterationId: number): string {
  if (!Number.isSafeInteger(iterationId) || iterationId <= 0) throw new Error(`not an iteration id: ${iterationId}`);
  return `judgments_reasoning_search_${iterationId}`;
}

const REASONING_INDEX = /^judgments_reasoning_search_\d+$/;

async function indexState(db: Db, name: string): Promise<'valid' | 'invalid' | 'missing'> {
  const [row] = await queryRows<{ valid: boolean }>(
    db,
    sql`select x.indisvalid as valid from pg_class c join pg_index x on x.indexrelid = c.oid where c.relname = ${name} and pg_table_is_visible(c.oid)`,
  );
  return row === undefined ? 'missing' : row.valid ? 'valid' : 'invalid';
}

/** Whether the iteration's reasoning index exists and is valid (built to the end). */
export async function hasReasoningIndex(db: Db, iterationId: number): Promise<boolean> {
  return (await indexState(db, reasoningIndexName(iterationId))) === 'valid';
}

/**
 * Iterations that should have a reasoning index and have no valid one, oldest first: at least
 * `minJudgments` judgments, a JUDGE stage, none of their JUDGE stages active, and the last one
 * ended at least `delaySeconds` ago.
 */
export async function iterationsWithoutReasoningIndex(db: Db, minJudgments: number, delaySeconds: number): Promise<number[]> {
  const active = sql.join(ACTIVE_STAGE_STATUSES.map((s) => sql`${s}`), sql`, `);
  const rows = await queryRows<{ id: string | number }>(
    db,
    sql`select i.id from iterations i
        where i.judgments_count >= ${minJudgments}
          and exists (select 1 from stages s where s.iteration_id = i.id and s.kind = 'JUDGE')
          and not exists (select 1 from stages s where s.iteration_id = i.id and s.kind = 'JUDGE'
                          and (s.status in (${active}) or s.finished_at > now() - make_interval(secs => ${delaySeconds})))
          and not exists (select 1 from pg_class c join pg_index x on x.indexrelid = c.oid
                          where c.relname = 'judgments_reasoning_search_' || i.id and x.indisvalid and pg_table_is_visible(c.oid))
        order by i.id`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Builds the iteration's reasoning index with CREATE INDEX CONCURRENTLY (judgments stay writable;
 * not in a transaction). One left invalid by a build that was interrupted is dropped first: the
 * caller holds a lock that every builder takes, so an invalid index is never one still being built.
 */
export async function buildReasoningIndex(db: Db, run: SessionQuery, iterationId: number): Promise<void> {
  const name = reasoningIndexName(iterationId);
  const state = await indexState(db, name);
  if (state === 'valid') return;
  if (state === 'invalid') await run(`drop index concurrently if exists ${name}`);
  // The expression is matchesWords's on judgments.reasoning, so that the planner can use the index.
  await run(`create index concurrently if not exists ${name} on judgments using gin (to_tsvector('${SEARCH_CONFIG}', reasoning)) where iteration_id = ${iterationId}`);
}

/** Drops reasoning indexes whose iteration is gone (its experiment was deleted); returns how many. */
export async function dropOrphanReasoningIndexes(db: Db, run: SessionQuery): Promise<number> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c
        where c.relkind = 'i' and c.relname like 'judgments\_reasoning\_search\_%' and pg_table_is_visible(c.oid)
          and not exists (select 1 from iterations i where 'judgments_reasoning_search_' || i.id = c.relname)`,
  );
  const names = rows.map((r) => r.name).filter((name) => REASONING_INDEX.test(name));
  for (const name of names) await run(`drop index concurrently if exists ${name}`);
  return names.length;
}
