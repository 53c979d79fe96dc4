/** The judgments export: every judgment with its pair texts, keyset on seq. */
import { sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { queryRows } from '../database.js';

/** Every judgment of an iteration with its pair texts, page by page (keyset on seq), for exports. */
export async function exportRows(db: Db, iterationId: number, afterSeq: number, limit: number) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select j.id, j.seq, j.pair_id, j."order", j.sample, j.reasoning, j.verdict, j.correct, j.selected, j.model,
           j.finish_reason, j.prompt_tokens, j.completion_tokens, j.created_at,
           i.id as instruction_id, i.text as question, p.chosen, p.rejected, p.modified_instruction
    from judgments j
    join pairs p on p.id = j.pair_id
    join instructions i on i.id = p.instruction_id
    where j.iteration_id = ${iterationId} and j.seq > ${afterSeq}
    order by j.seq
    limit ${limit}`,
  );
  return rows;
}
