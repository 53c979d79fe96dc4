/**
 * Validators shared by every input the services accept (experiment config, evaluation options).
 * Each throws a BAD_USER_INPUT naming the field; nothing has been stored when they throw.
 */
import { badInput } from '../../domain/errors.js';
import { TemplateError, validateJudgeTemplate } from '../../domain/prompts.js';
import type { JudgeTemplate } from '../../domain/prompts.js';

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

/** Size caps of what the judge prompt and its patterns may hold. */
export const TEMPLATE_LIMITS = { text: 20_000, pattern: 500 } as const;

/**
 * Checks a judge template (sizes, placeholders, patterns that compile and cannot backtrack
 * catastrophically) and returns a clean copy. `field` is where it came from, e.g. `config.judgeTemplate`.
 */
export function resolveJudgeTemplate(field: string, t: JudgeTemplate): JudgeTemplate {
  for (const key of ['system', 'user'] as const) {
    if (t[key].length > TEMPLATE_LIMITS.text) throw badInput(`${field}.${key}`, `must be at most ${TEMPLATE_LIMITS.text} characters`);
  }
  for (const key of ['verdictA', 'verdictB', 'verdictTie'] as const) {
    const pattern = t[key];
    if (!pattern) continue;
    if (pattern.length > TEMPLATE_LIMITS.pattern) throw badInput(`${field}.${key}`, `must be at most ${TEMPLATE_LIMITS.pattern} characters`);
    // Patterns run on every judge output in the service's one thread: a repeated group that itself
    // repeats, like (a+)+, can backtrack for minutes on one long output and stall everyone.
    if (nestedQuantifier(pattern)) throw badInput(`${field}.${key}`, 'must not repeat a group that itself contains a repetition, like (a+)+ (it can take exponential time)');
  }
  try {
    validateJudgeTemplate(t);
  } catch (error) {
    if (error instanceof TemplateError) throw badInput(`${field}.${error.field}`, error.message.replace(/^\w+ /, ''), { cause: error });
    throw error;
  }
  return { system: t.system, user: t.user, verdictA: t.verdictA, verdictB: t.verdictB, verdictTie: t.verdictTie ?? null };
}

/** True when a quantified group contains a quantifier: the usual shape of catastrophic backtracking. */
export function nestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = []; // per open group: contains a quantifier
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const quantifier = c === '*' || c === '+' || (c === '{' && /^\{\d*,?\d*\}/.test(pattern.slice(i)));
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const inner = groups.pop() ?? false;
      const next = pattern[i + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && /^\{\d*,?\d*\}/.test(pattern.slice(i + 1)));
      if (inner && repeated) return true;
      if ((inner || repeated) && groups.length > 0) groups[groups.length - 1] = true;
    } else if (quantifier && groups.length > 0) groups[groups.length - 1] = true;
  }
  return false;
}
