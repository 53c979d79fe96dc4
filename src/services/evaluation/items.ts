/**
 * An evaluation's items, paged for the API (Evaluation.items, EvaluationDiff.itemPage): each item
 * with its texts, the verdict of each order (the majority when k > 1) with every sample and its
 * reasoning, and, against another evaluation of the same benchmark, how it changed. Items are
 * ordered by id; the cursor is the last item id.
 */
import type { Db } from '../../db/database.js';
import * as benchmarksRepo from '../../db/benchmarks-repo.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import type { BenchmarkItemRow } from '../../db/schema.js';
import { badInput } from '../../domain/errors.js';
import type { JudgmentOrder, Verdict } from '../../domain/vocabulary.js';
import { itemRight, itemScore, summarizeItems, verdictScore } from './metrics.js';
import type { ItemSummary } from './metrics.js';
import type { ItemOutcome } from './metrics.js';
import { decodeCursor, encodeCursor, pageSize } from '../read/queries.js';
import type { Page } from '../read/queries.js';

export type ItemChangeCode = 'FIXED' | 'BROKEN' | 'STILL_WRONG' | 'STILL_RIGHT';
const CHANGES: readonly ItemChangeCode[] = ['FIXED', 'BROKEN', 'STILL_WRONG', 'STILL_RIGHT'];

export type OrderVerdicts = { verdict: Verdict; score: number; samples: { sample: number; verdict: Verdict; reasoning: string }[] };
export type EvaluationItemView = {
  item: BenchmarkItemRow;
  score: number;
  right: boolean;
  change: ItemChangeCode | null;
  chosenFirst: OrderVerdicts | null;
  chosenSecond: OrderVerdicts | null;
};
export type ItemFilter = { subset?: string | null; right?: boolean | null; change?: ItemChangeCode | null; itemId?: number | null };
export type PageArgs = { first?: number | null; after?: string | null };

/** How an item changed from `before` to `now` (right = correct in every order judged). */
export function changeOf(before: ItemSummary, now: ItemSummary): ItemChangeCode {
  const [a, b] = [itemRight(before), itemRight(now)];
  return a ? (b ? 'STILL_RIGHT' : 'BROKEN') : b ? 'FIXED' : 'STILL_WRONG';
}

/**
 * A page of an evaluation's items. `against` (the earlier evaluation) gives each item its change;
 * filtering by change needs it (BAD_USER_INPUT otherwise), and then items not judged in `against`
 * are left out.
 */
export async function evaluationItems(db: Db, evaluationId: number, againstId: number | null, filter: ItemFilter, args: PageArgs): Promise<Page<EvaluationItemView> & { totalCount: number }> {
  if (filter.change && againstId === null) throw badInput('filter.change', 'needs filter.against: the evaluation the change is measured from');
  if (filter.change && !CHANGES.includes(filter.change)) throw badInput('filter.change', `must be one of ${CHANGES.join(', ')}`);
  const limit = pageSize(args.first);
  const after = decodeCursor('after', args.after);
  const items = summarizeItems(await evaluationsRepo.verdictRows(db, evaluationId));
  const before = againstId === null ? null : new Map(summarizeItems(await evaluationsRepo.verdictRows(db, againstId)).map((i) => [i.itemId, i]));
  const withChange = items.map((i) => ({ summary: i, change: before?.has(i.itemId) ? changeOf(before.get(i.itemId)!, i) : null }));
  const matching = withChange.filter(
    ({ summary, change }) =>
      (filter.subset == null || summary.subset === filter.subset) &&
      (filter.itemId == null || Number(summary.itemId) === filter.itemId) &&
      (filter.right == null || itemRight(summary) === filter.right) &&
      (filter.change == null || change === filter.change),
  );
  const rest = after === undefined ? matching : matching.filter((m) => Number(m.summary.itemId) > after);
  const shown = rest.slice(0, limit);
  const ids = shown.map((m) => Number(m.summary.itemId));
  const [texts, details] = await Promise.all([benchmarksRepo.getItems(db, ids), evaluationsRepo.verdictDetails(db, evaluationId, ids)]);
  const byId = new Map(texts.map((t) => [t.id, t]));
  const rows = shown.map(({ summary, change }) => {
    const id = Number(summary.itemId);
    const order = (o: JudgmentOrder, s: ItemSummary['first']): OrderVerdicts | null =>
      s && {
        verdict: s.verdict,
        score: verdictScore(o, s.verdict),
        samples: details.filter((d) => d.itemId === id && d.order === o).map((d) => ({ sample: d.sample, verdict: d.verdict, reasoning: d.reasoning })),
      };
    return {
      item: byId.get(id)!,
      score: itemScore(summary),
      right: itemRight(summary),
      change,
      chosenFirst: order('CHOSEN_FIRST', summary.first),
      chosenSecond: order('CHOSEN_SECOND', summary.second),
    };
  });
  return { rows, hasNextPage: rest.length > limit, cursorOf: (row) => encodeCursor(row.item.id), totalCount: matching.length };
}

export type DiffItem = { itemId: number; subset: string; change: ItemChangeCode; a: ItemOutcome; b: ItemOutcome };
export type DiffFilter = { changes?: readonly ItemChangeCode[] | null; subset?: string | null };

/** A page of a diff's items (every change unless `changes` names some; one subset when given), with their texts. */
export async function diffItemsPage(db: Db, all: readonly DiffItem[], filter: DiffFilter, args: PageArgs) {
  const limit = pageSize(args.first);
  const after = decodeCursor('after', args.after);
  const wanted = filter.changes && filter.changes.length > 0 ? new Set(filter.changes) : null;
  const matching = all.filter((i) => (wanted === null || wanted.has(i.change)) && (filter.subset == null || i.subset === filter.subset));
  const rest = after === undefined ? matching : matching.filter((i) => i.itemId > after);
  const shown = rest.slice(0, limit);
  const texts = new Map((await benchmarksRepo.getItems(db, shown.map((i) => i.itemId))).map((t) => [t.id, t]));
  const rows = shown.map((i) => ({ item: texts.get(i.itemId)!, change: i.change, a: i.a, b: i.b }));
  return { rows, hasNextPage: rest.length > limit, cursorOf: (row: (typeof rows)[number]) => encodeCursor(row.item.id), totalCount: matching.length };
}
