/**
 * Full-text search over instructions, pairs and judgments: PostgreSQL's to_tsvector and
 * plainto_tsquery with the `english` configuration (stemming, stop words; every word must match),
 * the same core functions on PostgreSQL and PGlite, so one behaviour on both. The expression on
 * instructions matches the GIN index of schema.ts (instructions_text_search_idx) word for word, so
 * that the planner can use it. Judgment reasoning has no such index (its upkeep would double the
 * database's work per stored judgment): a search of the reasoning computes to_tsvector for each of
 * the iteration's judgments it reads, about 0.1 ms each.
 */
import { sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import { queryRows } from './database.js';
import type { Db } from './database.js';

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
