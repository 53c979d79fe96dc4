/**
 * Cost in money: a stage's usage lines (tokens per endpoint, model and execution, stage_usage)
 * times the server's price table (src/config/prices.ts). Exact: prices are pico-USD per token and
 * the batch discount millionths, so a cost is an integer of atto-USD (1e-18) and its text has no
 * rounding. A line whose model has no price makes the cost unknown (null), and says which model.
 */
import { decimalText, priceOf, scaledDecimal, type PriceTable } from '../../config/prices.js';
import type { UsageLine } from '../../db/stage-usage-repo.js';

/** Money as the API shows it: `amount` is the exact decimal text, `value` the same as a float. */
export type Money = { amount: string; value: number; currency: 'USD' };

/** A cost: `atto` null when some usage has no price (`unpriced` says which `endpoint/model`). */
export type Cost = { atto: bigint | null; unpriced: string[] };

/** The unpriced entry of tokens that no usage line records (stages run before costs were kept). */
export const UNRECORDED = 'tokens used before costs were recorded';

const ATTO_PER_PICO = 1_000_000n;
const MILLION = 1_000_000n;

export class Pricing {
  constructor(readonly table: PriceTable) {}

  /** Cost of usage lines, plus `unrecordedTokens` that have no line (they make the cost unknown). */
  cost(lines: readonly UsageLine[], unrecordedTokens = 0): Cost {
    let atto = 0n;
    const unpriced = new Set<string>();
    for (const line of lines) {
      if (line.promptTokens === 0 && line.completionTokens === 0) continue;
      const price = priceOf(this.table, line.endpoint, line.model);
      if (!price) {
        unpriced.add(`${line.endpoint}/${line.model}`);
        continue;
      }
      const pico = BigInt(line.promptTokens) * price.inputPico + BigInt(line.completionTokens) * price.outputPico;
      atto += line.execution === 'BATCH' ? pico * (MILLION - price.discountMicro) : pico * ATTO_PER_PICO;
    }
    if (unrecordedTokens > 0) unpriced.add(UNRECORDED);
    return { atto: unpriced.size > 0 ? null : atto, unpriced: [...unpriced].sort() };
  }
}

export function money(atto: bigint): Money {
  const amount = decimalText(atto, 18);
  return { amount, value: Number(amount), currency: 'USD' };
}

/** A budget in USD (a number with at most 6 decimals) as atto-USD; undefined when it is not one. */
export function budgetAtto(usd: unknown): bigint | undefined {
  const micro = scaledDecimal(usd, 6);
  return micro === undefined ? undefined : micro * 1_000_000_000_000n;
}

/** What the API shows of a cost: the money, or null with the models that have no price. */
export function costView(cost: Cost): { cost: Money | null; unpricedModels: string[] } {
  return { cost: cost.atto === null ? null : money(cost.atto), unpricedModels: cost.unpriced };
}
