/**
 * Budgets: an experiment may set `tokenBudget` (prompt + completion tokens over all its stages)
 * and `moneyBudget` (USD over all its stages, priced with the server's price table: cost.ts).
 * When either is reached, its running stages pause (PAUSED, with the reason in `message`); raising
 * or removing the budget (setTokenBudget, setMoneyBudget) resumes them. Usage is counted as
 * batches are written, so a budget can be overshot by the batches in flight when it is reached.
 * A money budget whose spending has no price (a model missing from the price table) cannot be
 * kept: the stages pause too, and the message names the models.
 *
 * Costly work never runs without a token budget: an experiment that sets none (so also runLoop's
 * stages) has the server's DEFAULT_TOKEN_BUDGET over all its stages, and a stage outside any
 * experiment (evaluateJudge with a bare `model`) has it for itself (`withDefault`).
 */
import type { Db } from '../../db/database.js';
import * as stageUsageRepo from '../../db/stage-usage-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageControl } from '../../db/stages-repo.js';
import type { StageRow } from '../../db/schema.js';
import { budgetAtto, money, type Pricing } from './cost.js';

/** A stage's budget and use, with where the budget comes from. */
export type BudgetControl = Pick<StageControl, 'tokenBudget' | 'tokensUsed'> & { source?: 'experiment' | 'default-experiment' | 'default-standalone' };

/**
 * The budget that applies to a stage: its experiment's, else `defaultBudget` (0: none), over the
 * experiment's stages or, outside any experiment, over the stage's own tokens.
 */
export function withDefault(c: StageControl, defaultBudget: number): StageControl & BudgetControl {
  if (c.tokenBudget !== null) return { ...c, source: 'experiment' };
  if (defaultBudget <= 0) return c;
  return c.experimentId === null
    ? { ...c, tokenBudget: defaultBudget, tokensUsed: c.stageTokens, source: 'default-standalone' }
    : { ...c, tokenBudget: defaultBudget, source: 'default-experiment' };
}

export const budgetReached = (c: BudgetControl): boolean => c.tokenBudget !== null && c.tokensUsed >= c.tokenBudget;

export function budgetMessage(c: BudgetControl): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const used = `(${n(c.tokensUsed)} tokens used)`;
  if (c.source === 'default-experiment') {
    return `paused: the server's default token budget of ${n(c.tokenBudget ?? 0)} for an experiment without tokenBudget (DEFAULT_TOKEN_BUDGET) is reached ${used}; give the experiment a budget with setTokenBudget to resume`;
  }
  if (c.source === 'default-standalone') {
    return `paused: the server's default token budget of ${n(c.tokenBudget ?? 0)} for an evaluation outside an experiment (DEFAULT_TOKEN_BUDGET) is reached ${used}; raise DEFAULT_TOKEN_BUDGET and resumeStage, or cancelStage`;
  }
  return `paused: the experiment's token budget of ${n(c.tokenBudget ?? 0)} is reached ${used}; raise it with setTokenBudget to resume`;
}

/**
 * Why the stage may spend no more (the PAUSED message), or undefined: the token budget that applies
 * (its experiment's or the server's default, `withDefault`) first, then the experiment's money
 * budget (which reads the experiment's usage lines, only when set).
 */
export async function budgetStop(db: Db, pricing: Pricing, c: StageControl, defaultTokenBudget: number): Promise<string | undefined> {
  const tokens = withDefault(c, defaultTokenBudget);
  if (budgetReached(tokens)) return budgetMessage(tokens);
  if (c.experimentId === null || c.moneyBudget === null) return undefined;
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
