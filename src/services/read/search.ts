/**
 * The rules of a text search argument (JudgmentFilter.search, Experiment.pairs/instructions
 * `search`): words, matched with PostgreSQL full-text search (db/search.ts), all of them. Blank,
 * longer than MAX_SEARCH_LENGTH, or nothing but stop words and punctuation is refused, naming the
 * field, instead of quietly matching everything or nothing.
 */
import type { Db } from '../../db/database.js';
import { searchTermCount } from '../../db/search.js';
import { badInput } from '../../domain/errors.js';

export const MAX_SEARCH_LENGTH = 200;

/** The search words to use, or undefined when none were given (null or absent). */
export async function searchWords(db: Db, field: string, value: string | null | undefined): Promise<string | undefined> {
  if (value == null) return undefined;
  const words = value.trim();
  if (words === '') throw badInput(field, 'is blank: give at least one word, or leave it out');
  if (words.length > MAX_SEARCH_LENGTH) throw badInput(field, `is ${words.length} characters long; at most ${MAX_SEARCH_LENGTH}`);
  if ((await searchTermCount(db, words)) === 0) throw badInput(field, `"${words}" has no searchable word (only stop words such as "the" or punctuation)`);
  return words;
}
