/**
 * Validators shared by every input the services accept (experiment config, evaluation options).
 * Each throws a BAD_USER_INPUT naming the field; nothing has been stored when they throw.
 */
import { badInput } from '../../domain/errors.js';
import { TemplateError, validateJudgeTemplate } from '../../domain/prompts.js';
import type { JudgeTemplate } from '../../domain/prompts.js';
import { scaledDecimal } from '../../config/prices.js';

export function integer(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

export function number(field: string, value: number, min: number, max: number, exclusiveMin = false): number {
  const low = exclusiveMin ? value <= min : value < min;
  if (!Number.isFinite(value) || low || value > max) {
    throw badInput(field, `must be a number ${exclusiveMin ? 'above' : 'from'} ${min} ${exclusiveMin ? 'and at most' : 'to'} ${max}, got ${value}`);
  }
  return value;
}

/** An amount of USD above 0 with at most 6 decimals (a money budget), up to a billion. */
export function usdAmount(field: string, value: number): number {
  const micro = scaledDecimal(value, 6);
  if (typeof value !== 'number' || micro === undefined || micro <= 0n || value > 1_000_000_000) {
    throw badInput(field, `must be an amount of USD above 0 and at most 1000000000 with at most 6 decimals (example: 25.5), or null for no budget; got ${value}`);
  }
  return value;
}

/** Size caps of what the judge prompt and its patterns may hold. */
export const TEMPLATE_LIMITS = { text: 20_000, pattern: 500 } as const;

/**
 * Checks a judge template (sizes, placeholders, patterns that compile for linear-time matching)
 * and returns a clean copy. `field` is where it came from, e.g. `config.judgeTemplate`.
 */
export function resolveJudgeTemplate(field: string, t: JudgeTemplate): JudgeTemplate {
  for (const key of ['system', 'user'] as const) {
    if (t[key].length > TEMPLATE_LIMITS.text) throw badInput(`${field}.${key}`, `must be at most ${TEMPLATE_LIMITS.text} characters`);
  }
  for (const key of ['verdictA', 'verdictB', 'verdictTie'] as const) {
    const pattern = t[key];
    if (!pattern) continue;
    if (pattern.length > TEMPLATE_LIMITS.pattern) throw badInput(`${field}.${key}`, `must be at most ${TEMPLATE_LIMITS.pattern} characters`);
  }
  // Patterns run on every judge output in the service's one thread, so they are compiled for
  // linear-time matching; one that cannot be (backreferences, lookaround, an automaton past its
  // limits) is refused here as a field error, before anything is stored.
  try {
    validateJudgeTemplate(t);
  } catch (error) {
    if (error instanceof TemplateError) throw badInput(`${field}.${error.field}`, error.message.replace(/^\w+ /, ''), { cause: error });
    throw error;
  }
  return { system: t.system, user: t.user, verdictA: t.verdictA, verdictB: t.verdictB, verdictTie: t.verdictTie ?? null };
}
