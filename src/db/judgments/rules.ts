/**
 * The counting rules of judgments, written once as SQL for every statement that counts them (the
 * insert's counters, the recount, the training negatives). A judgment is correct when its verdict
 * names y_w; "incorrect" counts the wrong label only (A or B), "unparseable" the answers with no
 * readable verdict, and a training negative is anything that is not correct: wrong, tie or
 * unparseable (the released DPO recipe's "incorrect or unparseable").
 */
import { sql } from 'drizzle-orm';

export const COUNT_CORRECT = sql.raw('count(*) filter (where correct)');
export const COUNT_INCORRECT = sql.raw("count(*) filter (where not correct and verdict in ('A', 'B'))");
export const COUNT_UNPARSEABLE = sql.raw("count(*) filter (where verdict = 'UNPARSEABLE')");
export const COUNT_TIES = sql.raw("count(*) filter (where verdict = 'TIE')");
/** A judgment DPO may use as the rejected side. */
export const IS_NEGATIVE = sql.raw('not correct');
