/**
 * How an experiment builds its contrasting pairs: the construction, an optional system prompt for
 * y_w, and the filters a parsed pair must pass. Validated at creation (BAD_USER_INPUT naming the
 * field); `pairSettings` fills the defaults for configs stored before these options existed.
 */
import { badInput } from '../../domain/errors.js';
import { DEFAULT_PAIR_FILTERS } from '../../domain/pair-filters.js';
import type { PairFilters } from '../../domain/pair-filters.js';
import { number } from './validate.js';

/**
 * MODIFIED_INSTRUCTION (default, the paper): y_l answers a modified instruction x' and is not a good
 * answer to x. WORSE_REWRITE: the paper's weaker ablation, y_l is a deliberately worse rewrite of y_w.
 */
export type PairConstruction = 'MODIFIED_INSTRUCTION' | 'WORSE_REWRITE';
export const PAIR_CONSTRUCTIONS: readonly PairConstruction[] = ['MODIFIED_INSTRUCTION', 'WORSE_REWRITE'];

export type PairSettings = {
  pairConstruction: PairConstruction;
  /** System prompt sent with the y_w request; null (default) sends the instruction alone. */
  answerSystemPrompt: string | null;
  pairFilters: PairFilters;
};

export type PairSettingsInput = {
  pairConstruction?: PairConstruction | null;
  answerSystemPrompt?: string | null;
  pairFilters?: Partial<PairFilters> | null;
};

const MAX_SYSTEM_PROMPT = 20_000;

export function resolvePairSettings(i: PairSettingsInput): PairSettings {
  const construction = i.pairConstruction ?? 'MODIFIED_INSTRUCTION';
  if (!PAIR_CONSTRUCTIONS.includes(construction)) {
    throw badInput('config.pairConstruction', `must be one of ${PAIR_CONSTRUCTIONS.join(', ')}, got ${JSON.stringify(construction)}`);
  }
  const system = i.answerSystemPrompt?.trim() ? i.answerSystemPrompt : null;
  if (system !== null && system.length > MAX_SYSTEM_PROMPT) throw badInput('config.answerSystemPrompt', `must be at most ${MAX_SYSTEM_PROMPT} characters`);
  const f = { ...DEFAULT_PAIR_FILTERS, ...stripNulls(i.pairFilters ?? {}) };
  const field = (key: keyof PairFilters) => `config.pairFilters.${key}`;
  const filters: PairFilters = {
    maxAnswerSimilarity: number(field('maxAnswerSimilarity'), f.maxAnswerSimilarity, 0, 1),
    minLengthRatio: number(field('minLengthRatio'), f.minLengthRatio, 0, 1_000),
    maxLengthRatio: number(field('maxLengthRatio'), f.maxLengthRatio, 0, 1_000, true),
    maxInstructionSimilarity: number(field('maxInstructionSimilarity'), f.maxInstructionSimilarity, 0, 1),
  };
  if (filters.minLengthRatio > filters.maxLengthRatio) {
    throw badInput(field('minLengthRatio'), `must not be above maxLengthRatio (${filters.maxLengthRatio}), got ${filters.minLengthRatio}`);
  }
  return { pairConstruction: construction, answerSystemPrompt: system, pairFilters: filters };
}

/** The pair settings of a stored config, with defaults for fields it predates. */
export function pairSettings(config: Partial<PairSettings>): PairSettings {
  return {
    pairConstruction: config.pairConstruction ?? 'MODIFIED_INSTRUCTION',
    answerSystemPrompt: config.answerSystemPrompt ?? null,
    pairFilters: { ...DEFAULT_PAIR_FILTERS, ...(config.pairFilters ?? {}) },
  };
}

function stripNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
