/** Training rows: the selected judgments with their pair texts (DPO rows are in dpo.ts). */
import { sql } from 'drizzle-orm';
import type { JudgmentOrder } from '../../domain/vocabulary.js';
import type { Db } from '../database.js';
import { queryRows } from '../database.js';

export type TrainingRow = { id: number; pairId: number; order: JudgmentOrder; question: string; chosen: string; rejected: string; reasoning: string; verdict: string };

/**
 * Selected judgments with their pair texts, page by page. Ordered by instruction text hash and
 * order (one selected judgment each), not by id: the training file is the same whatever order the
 * judgments were written in, so the same seed and data train the same model.
 */
export async function selectedRows(db: Db, iterationId: number, after: { hash: string; order: string } | null, limit: number): Promise<(TrainingRow & { hash: string })[]> {
  // The page's keys are chosen on narrow columns first (hash, order, ids), then only those rows'
  // texts are read: sorting the iteration's selected judgments with their reasoning and the pair's
  // answers for every page made a 40,000-line export take tens of seconds.
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    with page as (
      select j.id, i.text_hash, j."order"
      from judgments j
      join pairs p on p.id = j.pair_id
      join instructions i on i.id = p.instruction_id
      where j.iteration_id = ${iterationId} and j.selected
        and (${after === null}::boolean or (i.text_hash, j."order") > (${after?.hash ?? ''}::text, ${after?.order ?? ''}::text))
      order by i.text_hash, j."order"
      limit ${limit}
    )
    select j.id, j.pair_id, j."order", i.text as question, i.text_hash, p.chosen, p.rejected, j.reasoning, j.verdict
    from page
    join judgments j on j.id = page.id
    join pairs p on p.id = j.pair_id
    join instructions i on i.id = p.instruction_id
    order by page.text_hash, page."order"`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    hash: String(r.text_hash),
    pairId: Number(r.pair_id),
    order: r.order as JudgmentOrder,
    question: String(r.question),
    chosen: String(r.chosen ?? ''),
    rejected: String(r.rejected ?? ''),
    reasoning: String(r.reasoning),
    verdict: String(r.verdict),
  }));
}
