/**
 * An experiment's configuration: defaults (the paper's where it gives one) and validation of what
 * a user sends. A bad value is a BAD_USER_INPUT naming the field; nothing is stored.
 */
import { badInput } from './errors.js';
import { DEFAULT_JUDGE_TEMPLATE, TemplateError, validateJudgeTemplate } from './prompts.js';
import type { JudgeTemplate } from './prompts.js';

export type TrainingBackend = 'OPENAI' | 'EXTERNAL';
export type TrainingMethod = 'SUPERVISED' | 'DPO';

export type ExperimentConfig = {
  generatorModel: string;
  judgeModel: string;
  samplesPerOrder: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  generationMaxTokens: number;
  seed: number;
  judgeTemplate: JudgeTemplate;
  categories: string[];
  keepCategories: string[];
  selection: { balance: boolean; minCorrectShare: number };
  training: {
    backend: TrainingBackend;
    method: TrainingMethod;
    from: 'SEED' | 'PREVIOUS';
    baseModel: string;
    hyperparameters: Record<string, unknown> | null;
  };
  regeneratePairs: boolean;
  tokenBudget: number | null;
};

export type ExperimentConfigInput = {
  [K in keyof ExperimentConfig]?: K extends 'selection' | 'training'
    ? Partial<ExperimentConfig[K]> | null
    : ExperimentConfig[K] | null;
};

/** Models used when the caller names none: the simulator's, when no endpoint is configured. */
export type ModelDefaults = { generatorModel: string; judgeModel: string };

export const DEFAULT_CATEGORIES = ['reasoning', 'coding', 'math', 'writing', 'knowledge', 'roleplay', 'extraction', 'other'];

export const SAMPLES_PER_ORDER_RANGE = { min: 1, max: 64 } as const;

export function resolveExperimentConfig(input: ExperimentConfigInput | null | undefined, defaults: ModelDefaults): ExperimentConfig {
  const i = input ?? {};
  const judgeModel = model('config.judgeModel', i.judgeModel ?? defaults.judgeModel);
  const categories = stringList('config.categories', i.categories ?? DEFAULT_CATEGORIES, 1);
  const keepCategories = stringList('config.keepCategories', i.keepCategories ?? [], 0);
  for (const keep of keepCategories) {
    if (!categories.includes(keep)) throw badInput('config.keepCategories', `"${keep}" is not one of config.categories (${categories.join(', ')})`);
  }
  const judgeTemplate = i.judgeTemplate ?? DEFAULT_JUDGE_TEMPLATE;
  checkTemplateSizes(judgeTemplate);
  try {
    validateJudgeTemplate(judgeTemplate);
  } catch (error) {
    if (error instanceof TemplateError) throw badInput(`config.judgeTemplate.${error.field}`, error.message.replace(/^\w+ /, ''));
    throw error;
  }
  const training = i.training ?? {};
  const hyperparameters = training.hyperparameters ?? null;
  if (hyperparameters !== null && (typeof hyperparameters !== 'object' || Array.isArray(hyperparameters))) {
    throw badInput('config.training.hyperparameters', 'must be a JSON object, for example {"n_epochs": 2}');
  }
  if (hyperparameters !== null && JSON.stringify(hyperparameters).length > MAX_HYPERPARAMETERS_LENGTH) {
    throw badInput('config.training.hyperparameters', `must be at most ${MAX_HYPERPARAMETERS_LENGTH} characters of JSON`);
  }
  return {
    generatorModel: model('config.generatorModel', i.generatorModel ?? defaults.generatorModel),
    judgeModel,
    samplesPerOrder: integer('config.samplesPerOrder', i.samplesPerOrder ?? 8, SAMPLES_PER_ORDER_RANGE.min, SAMPLES_PER_ORDER_RANGE.max),
    temperature: number('config.temperature', i.temperature ?? 0.7, 0, 2),
    topP: number('config.topP', i.topP ?? 0.9, 0, 1, true),
    maxTokens: integer('config.maxTokens', i.maxTokens ?? 4096, 1, 32_768),
    generationMaxTokens: integer('config.generationMaxTokens', i.generationMaxTokens ?? 2048, 1, 32_768),
    seed: integer('config.seed', i.seed ?? 1, 0, 2 ** 31 - 1),
    judgeTemplate: {
      system: judgeTemplate.system,
      user: judgeTemplate.user,
      verdictA: judgeTemplate.verdictA,
      verdictB: judgeTemplate.verdictB,
      verdictTie: judgeTemplate.verdictTie ?? null,
    },
    categories,
    keepCategories,
    selection: {
      balance: i.selection?.balance ?? true,
      minCorrectShare: number('config.selection.minCorrectShare', i.selection?.minCorrectShare ?? 0, 0, 1),
    },
    training: {
      backend: training.backend ?? 'OPENAI',
      method: training.method ?? 'SUPERVISED',
      from: training.from ?? 'SEED',
      baseModel: model('config.training.baseModel', training.baseModel ?? judgeModel),
      hyperparameters,
    },
    regeneratePairs: i.regeneratePairs ?? false,
    tokenBudget: i.tokenBudget == null ? null : number('config.tokenBudget', i.tokenBudget, 1, Number.MAX_SAFE_INTEGER),
  };
}

function model(field: string, value: string): string {
  const name = value.trim();
  if (!name) {
    throw badInput(field, 'is required: no default model is configured for this endpoint (set GENERATOR_MODEL and JUDGE_MODEL, or pass the model names)');
  }
  if (!name || name.length > 256) throw badInput(field, 'must be a model name of 1 to 256 characters');
  return name;
}

function integer(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

function number(field: string, value: number, min: number, max: number, exclusiveMin = false): number {
  const low = exclusiveMin ? value <= min : value < min;
  if (!Number.isFinite(value) || low || value > max) {
    throw badInput(field, `must be a number ${exclusiveMin ? 'above' : 'from'} ${min} ${exclusiveMin ? 'and at most' : 'to'} ${max}, got ${value}`);
  }
  return value;
}

/** Size caps of what the judge prompt and its patterns may hold. */
export const TEMPLATE_LIMITS = { text: 20_000, pattern: 500 } as const;
const MAX_HYPERPARAMETERS_LENGTH = 10_000;
const MAX_CATEGORIES = 100;

function checkTemplateSizes(t: { system: string; user: string; verdictA: string; verdictB: string; verdictTie?: string | null }): void {
  for (const key of ['system', 'user'] as const) {
    if (t[key].length > TEMPLATE_LIMITS.text) throw badInput(`config.judgeTemplate.${key}`, `must be at most ${TEMPLATE_LIMITS.text} characters`);
  }
  for (const key of ['verdictA', 'verdictB', 'verdictTie'] as const) {
    const pattern = t[key];
    if (!pattern) continue;
    if (pattern.length > TEMPLATE_LIMITS.pattern) throw badInput(`config.judgeTemplate.${key}`, `must be at most ${TEMPLATE_LIMITS.pattern} characters`);
    // Patterns run on every judge output in the service's one thread: a repeated group that itself
    // repeats, like (a+)+, can backtrack for minutes on one long output and stall everyone.
    if (nestedQuantifier(pattern)) throw badInput(`config.judgeTemplate.${key}`, 'must not repeat a group that itself contains a repetition, like (a+)+ (it can take exponential time)');
  }
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

function stringList(field: string, values: string[], minLength: number): string[] {
  const cleaned = values.map((v) => v.trim());
  if (cleaned.length < minLength) throw badInput(field, `needs at least ${minLength} entry`);
  if (cleaned.length > MAX_CATEGORIES) throw badInput(field, `must have at most ${MAX_CATEGORIES} entries`);
  if (cleaned.some((v) => !v || v.length > 64)) throw badInput(field, 'entries must be 1 to 64 characters');
  if (new Set(cleaned).size !== cleaned.length) throw badInput(field, 'entries must be unique');
  return cleaned;
}
