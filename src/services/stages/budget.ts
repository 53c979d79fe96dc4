/**
 * Budgets: an experiment may set `tokenBudget` (prompt + completion tokens over all its stages)
 * and `moneyBudget` (USD over all its stages, priced with the server's price table: cost.ts).
 * When either is reached, its running stages pause (PAUSED, with the reason in `message`); raising
 * or removing the budget (setTokenBudget, setMoneyBudget) resumes them. Usage is counted as
 * batches are written, so a budget can be overshot by the batches in flight when it is reached.
 * A money budget whose spending has no price (a model missing from the price table) cannot be
 * kept: the stages pause too, and the message names the models.
 */
import type { Db } from '../../db/database.js';
import * as stageUsageRepo from '../../db/stage-usage-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageControl } from '../../db/stages-repo.js';
import type { StageRow } from '../../db/schema.js';
import { budgetAtto, money, type Pricing } from './cost.js';

export const budgetReached = (c: Pick<StageControl, 'tokenBudget' | 'tokensUsed'>): boolean => c.tokenBudget !== null && c.tokensUsed >= c.tokenBudget;

export function budgetMessage(c: Pick<StageControl, 'tokenBudget' | 'tokensUsed'>): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  return `paused: the experiment's token budget of ${n(c.tokenBudget ?? 0)} is reached (${n(c.tokensUsed)} tokens used); raise it with setTokenBudget to resume`;
}

/**
 * Why the stage's experiment may spend no more (the PAUSED message), or undefined: the token
 * budget first, then the money budget (which reads the experiment's usage lines, only when set).
 */
export async function budgetStop(db: Db, pricing: Pricing, c: StageControl): Promise<string | undefined> {
  if (c.experimentId === null) return undefined;
  if (budgetReached(c)) return budgetMessage(c);
  if (c.moneyBudget === null) return undefined;
  const budget = budgetAtto(c.moneyBudget);
  if (budget === undefined) return `paused: the experiment's money budget ${JSON.stringify(c.moneyBudget)} is not an amount of USD; set it again with setMoneyBudget`;
  const { lines, unrecordedTokens } = await stageUsageRepo.usageOf(db, { experimentId: c.experimentId });
  const cost = pricing.cost(lines, unrecordedTokens);
  const limit = money(budget).amount;
  if (cost.atto === null) {
    return `paused: the experiment's money budget of ${limit} USD cannot be kept: no price for ${cost.unpriced.join(', ')} in the price table; add the price or remove the budget with setMoneyBudget`;
  }
  if (cost.atto < budget) return undefined;
  return `paused: the experiment's money budget of ${limit} USD is reached (${money(cost.atto).amount} USD spent); raise it with setMoneyBudget to resume`;
}

/** Pauses a stage that is QUEUED or RUNNING with `message`; returns the row if this call paused it. */
export function pauseForBudget(db: Db, stageId: number, message: string): Promise<StageRow | undefined> {
  return stagesRepo.finishStage(db, stageId, 'PAUSED', { message }, ['QUEUED', 'RUNNING']);
}
