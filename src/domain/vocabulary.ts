/**
 * The words every room of the service shares, declared once: the orders a pair is judged in, the
 * verdicts a judge can give, the stage kinds of the loop and a stage's statuses with the moves
 * between them. Pure: no I/O. The database stores these strings, GraphQL shows them as enums of
 * the same names, and the simulator reads the same prompt contract (prompts.ts).
 */

/** Position of y_w in a judge prompt: shown as answer A (first) or as answer B (second). */
export type JudgmentOrder = 'CHOSEN_FIRST' | 'CHOSEN_SECOND';

/** Both orders, in the order they are judged and exported. */
export const ORDERS: readonly JudgmentOrder[] = ['CHOSEN_FIRST', 'CHOSEN_SECOND'];

/** What a judge said: A or B better, an explicit tie, or nothing readable (never guessed). */
export type Verdict = 'A' | 'B' | 'TIE' | 'UNPARSEABLE';

/** The verdict that names y_w in a given order. */
export const correctVerdict = (order: JudgmentOrder): Verdict => (order === 'CHOSEN_FIRST' ? 'A' : 'B');

/**
 * The rule for training negatives and for scoring, written once: a judgment is wrong for its pair
 * when it is not the correct verdict. TIE and UNPARSEABLE are wrong for training (DPO negatives);
 * scoring gives them half a point (see evaluation/metrics.ts).
 */
export const isIncorrectVerdict = (order: JudgmentOrder, verdict: Verdict): boolean => verdict !== correctVerdict(order);

/** The answers of a pair in the positions of an order: [answer A, answer B]. */
export function answersInOrder<T>(order: JudgmentOrder, chosen: T, rejected: T): [T, T] {
  return order === 'CHOSEN_FIRST' ? [chosen, rejected] : [rejected, chosen];
}

/** The key of one (pair or benchmark item, order) work item: "id:ORDER". */
export const orderItemKey = (id: number, order: JudgmentOrder | string) => `${id}:${order}`;

export function parseOrderItemKey(key: string): { id: number; order: JudgmentOrder } {
  const [id, order] = key.split(':');
  return { id: Number(id), order: order as JudgmentOrder };
}

/** The stages of the loop, in the order the method runs them (EVALUATE scores a judge on a benchmark). */
export const STAGE_KINDS = ['CATEGORIZE', 'GENERATE_PAIRS', 'JUDGE', 'SELECT', 'TRAIN', 'EVALUATE'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export type StageStatus = 'QUEUED' | 'RUNNING' | 'PAUSED' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A stage in one of these may still send requests: cancel stops it, and no second one of its kind starts. */
export const ACTIVE_STAGE_STATUSES: readonly StageStatus[] = ['QUEUED', 'RUNNING', 'PAUSED'];

/** Statuses resumeStage reopens (SUCCEEDED only when it has failed items; PAUSED only when the budget allows). */
export const RESUMABLE_STAGE_STATUSES: readonly StageStatus[] = ['FAILED', 'CANCELLED', 'SUCCEEDED', 'PAUSED'];

/**
 * The legal moves of a stage's status. Writers check the source status in SQL (`from`), so a
 * move is made once however many workers race for it.
 */
export const STAGE_TRANSITIONS: Readonly<Record<StageStatus, readonly StageStatus[]>> = {
  QUEUED: ['RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED'],
  RUNNING: ['PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'QUEUED'],
  PAUSED: ['QUEUED', 'RUNNING', 'CANCELLED', 'FAILED'],
  SUCCEEDED: ['QUEUED'],
  FAILED: ['QUEUED'],
  CANCELLED: ['QUEUED'],
};

export const isActiveStage = (status: string): boolean => (ACTIVE_STAGE_STATUSES as readonly string[]).includes(status);

/** True when a stage in `status` may be resumed; `failed`: its failed-item count. */
export const canResumeStage = (status: string, failed: number): boolean =>
  status === 'FAILED' || status === 'CANCELLED' || status === 'PAUSED' || (status === 'SUCCEEDED' && failed > 0);

/** How a stage's model calls are made: one request at a time (ONLINE) or through the Batch API (BATCH: cheaper, hours instead of minutes). */
export const EXECUTIONS = ['ONLINE', 'BATCH'] as const;
export type Execution = (typeof EXECUTIONS)[number];
/** What a BATCH stage does with the requests of failed or expired lines: send them in its next batch, or online. */
export const BATCH_RETRIES = ['NEXT_BATCH', 'ONLINE'] as const;
export type BatchRetry = (typeof BATCH_RETRIES)[number];
