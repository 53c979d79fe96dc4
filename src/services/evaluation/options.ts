/**
 * Options of an evaluation: defaults, validation (a bad value is a BAD_USER_INPUT naming the
 * field, before anything is stored) and the orders each benchmark item is judged in. Pure.
 */
import { badInput } from '../../domain/errors.js';
import type { JudgmentOrder } from '../../domain/vocabulary.js';
import { integer, number, resolveJudgeTemplate } from '../experiments/validate.js';
import type { JudgeTemplate } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';

/**
 * - BOTH: every item with the better answer first and second (the honest report of position bias);
 * - RANDOM_SEEDED: one order per item drawn from the seed (RewardBench's protocol, reproducible);
 * - AS_GIVEN: the better answer first.
 */
export type EvaluationOrder = 'BOTH' | 'RANDOM_SEEDED' | 'AS_GIVEN';
export const EVALUATION_ORDERS: readonly EvaluationOrder[] = ['BOTH', 'RANDOM_SEEDED', 'AS_GIVEN'];

export type EvaluationOptions = {
  /** Default BOTH. */
  order: EvaluationOrder;
  /** Samples per item and order, k; majority vote when above 1. Default 1. */
  samples: number;
  /** Default 0 (greedy); must be above 0 when samples > 1. */
  temperature: number;
  /** Default 1. */
  topP: number;
  /** Default 2048. */
  maxTokens: number;
  /** Seeds the random order, the sampling seeds and the bootstrap intervals. Default 1. */
  seed: number;
  /** Default: the experiment's template (for its judges), else the MT-Bench pairwise judge. */
  judgeTemplate: JudgeTemplate;
  /** Only these subsets; null for all. */
  subsets: string[] | null;
};

export type EvaluateOptionsInput = {
  [K in keyof EvaluationOptions]?: EvaluationOptions[K] | null;
};

export const EVALUATION_SAMPLES_RANGE = { min: 1, max: 64 } as const;

/**
 * Resolves the options of a new evaluation. `subsetNames` are the benchmark's subsets.
 * Throws a BAD_USER_INPUT naming the field (`options.samples`, `options.judgeTemplate.verdictA`, ...).
 */
export function resolveEvaluateOptions(
  input: EvaluateOptionsInput | null | undefined,
  defaults: { judgeTemplate: JudgeTemplate; subsetNames: readonly string[] },
): EvaluationOptions {
  const i = input ?? {};
  const order = i.order ?? 'BOTH';
  if (!EVALUATION_ORDERS.includes(order)) throw badInput('options.order', `must be one of ${EVALUATION_ORDERS.join(', ')}, got ${String(order)}`);
  const samples = integer('options.samples', i.samples ?? 1, EVALUATION_SAMPLES_RANGE.min, EVALUATION_SAMPLES_RANGE.max);
  const temperature = number('options.temperature', i.temperature ?? 0, 0, 2);
  if (samples > 1 && temperature === 0) {
    throw badInput('options.temperature', `must be above 0 when options.samples is ${samples}: greedy samples would all be the same`);
  }
  const topP = number('options.topP', i.topP ?? 1, 0, 1);
  if (topP === 0) throw badInput('options.topP', 'must be above 0');
  const judgeTemplate = resolveJudgeTemplate('options.judgeTemplate', i.judgeTemplate ?? defaults.judgeTemplate);
  return {
    order,
    samples,
    temperature,
    topP,
    maxTokens: integer('options.maxTokens', i.maxTokens ?? 2048, 1, 32_768),
    seed: integer('options.seed', i.seed ?? 1, 0, 2 ** 31 - 1),
    judgeTemplate,
    subsets: resolveSubsets(i.subsets ?? null, defaults.subsetNames),
  };
}

function resolveSubsets(subsets: string[] | null, available: readonly string[]): string[] | null {
  if (subsets === null) return null;
  const cleaned = [...new Set(subsets.map((s) => s.trim()))];
  if (cleaned.length === 0) throw badInput('options.subsets', 'must name at least one subset, or be left out for all');
  const unknown = cleaned.filter((s) => !available.includes(s));
  if (unknown.length > 0) {
    throw badInput('options.subsets', `${unknown.map((s) => `"${s}"`).join(', ')} not in the benchmark, whose subsets are ${available.join(', ')}`);
  }
  return cleaned.sort();
}

/**
 * The orders an item is judged in. RANDOM_SEEDED keys the draw by the seed and the item's position
 * and prompt hash (not its database id), so the same file and seed give the same orders anywhere.
 */
export function itemOrders(options: Pick<EvaluationOptions, 'order' | 'seed'>, item: { position: number; promptHash: string }): JudgmentOrder[] {
  if (options.order === 'BOTH') return ['CHOSEN_FIRST', 'CHOSEN_SECOND'];
  if (options.order === 'AS_GIVEN') return ['CHOSEN_FIRST'];
  return deriveSeed(options.seed, 'evaluation-order', item.position, item.promptHash) % 2 === 0 ? ['CHOSEN_FIRST'] : ['CHOSEN_SECOND'];
}
