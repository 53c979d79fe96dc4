/**
 * An experiment's configuration: defaults (the paper's where it gives one) and validation of what
 * a user sends. A bad value is a BAD_USER_INPUT naming the field; nothing is stored.
 */
import { badInput } from '../../domain/errors.js';
import { DEFAULT_JUDGE_TEMPLATE } from '../../domain/prompts.js';
import { BATCH_RETRIES, EXECUTIONS } from '../../domain/vocabulary.js';
import type { BatchRetry, Execution } from '../../domain/vocabulary.js';
import type { JudgeTemplate } from '../../domain/prompts.js';
import { integer, number, resolveJudgeTemplate, usdAmount } from './validate.js';
import { resolvePairSettings } from './pair-config.js';
import type { PairSettings, PairSettingsInput } from './pair-config.js';
import { applyPreset, resolvePresetFields } from './preset.js';
import type { PresetFields, PresetInput } from './preset.js';
import { checkHyperparameters, NO_CONFIGURED_NAMES, resolveEndpointRoles, resolveTrainer } from './names.js';
import type { ConfiguredNames, EndpointRoles } from './names.js';

export { TEMPLATE_LIMITS } from './validate.js';

export type TrainingBackend = 'OPENAI' | 'EXTERNAL' | 'COMMAND' | 'WEBHOOK';
export type TrainingMethod = 'SUPERVISED' | 'DPO';

/** DPO data and loss settings (the released recipe: beta 0.1, NLL scale 1.5; numPairs 1 as its script's default). */
export type DpoOptions = {
  /** Distinct (correct, negative) combinations per item (pair and order). Default 1, 1 to 64. */
  numPairs: number;
  /** DPO beta the trainer should use. Default 0.1, above 0 and at most 10. */
  beta: number;
  /** Weight of the NLL term on the chosen judgment. Default 1.5, 0 to 100 (0: plain DPO). */
  nllScale: number;
  /**
   * When a pair and order has a correct judgment but no negative, JUDGE draws `samples` more at
   * `temperature` and keeps the ones that are not correct (stages/extra-negatives.ts). Default null: off.
   */
  extraNegatives: { samples: number; temperature: number } | null;
};

export const DEFAULT_DPO: DpoOptions = { numPairs: 1, beta: 0.1, nllScale: 1.5, extraNegatives: null };

/** The DPO options of a stored config; configs stored before they existed get the defaults. */
export function dpoOptionsOf(config: ExperimentConfig): DpoOptions {
  return { ...DEFAULT_DPO, ...(config.training.dpo ?? {}) };
}

export const TRAINING_METHODS: readonly TrainingMethod[] = ['SUPERVISED', 'DPO'];

/**
 * The training stages an iteration runs, in order, each from the previous one's model; the last
 * one's model is the iteration's trained judge. Configs stored before stages existed: `[method]`.
 */
export function trainingStagesOf(config: ExperimentConfig): TrainingMethod[] {
  return config.training.stages ?? [config.training.method];
}

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
    /** The last training stage's method (the one the trained judge comes out of). */
    method: TrainingMethod;
    /** Training stages in order ([SUPERVISED, DPO]: the released recipe). Absent in older rows: read it with `trainingStagesOf`. */
    stages?: TrainingMethod[];
    from: 'SEED' | 'PREVIOUS';
    baseModel: string;
    hyperparameters: Record<string, unknown> | null;
    /** Absent in configs stored before it existed: read it with `dpoOptionsOf`. */
    dpo?: DpoOptions;
    /** COMMAND, WEBHOOK: the trainer of the server's configuration file that runs (null for the other backends). Absent in older rows. */
    trainer?: string | null;
  };
  regeneratePairs: boolean;
  tokenBudget: number | null;
  /** Budget in USD over every stage, priced with the server's price table; null or absent (older rows): none. */
  moneyBudget?: number | null;
  /** The named endpoint of each role (absent in rows older than named endpoints: `default` for every role). */
  endpoints?: EndpointRoles;
  /** How GENERATE_PAIRS, JUDGE and EVALUATE call their endpoint: ONLINE or BATCH (the Batch API). Absent in older rows: ONLINE. */
  execution?: Execution;
  /** BATCH: where the requests of failed or expired lines go: NEXT_BATCH or ONLINE. Absent in older rows: NEXT_BATCH. */
  batchRetry?: BatchRetry;
} & PairSettings &
  PresetFields;

export type ExperimentConfigInput = {
  [K in Exclude<keyof ExperimentConfig, keyof PairSettings | keyof PresetFields>]?: K extends 'selection' | 'training' | 'endpoints'
    ? Partial<ExperimentConfig[K]> | null
    : ExperimentConfig[K] | null;
} & PairSettingsInput &
  PresetInput;

/** Models used when the caller names none: the simulator's, when no endpoint is configured. */
export type ModelDefaults = { generatorModel: string; judgeModel: string; configured?: ConfiguredNames };

export const DEFAULT_CATEGORIES = ['reasoning', 'coding', 'math', 'writing', 'knowledge', 'roleplay', 'extraction', 'other'];

export const SAMPLES_PER_ORDER_RANGE = { min: 1, max: 64 } as const;

export function resolveExperimentConfig(input: ExperimentConfigInput | null | undefined, defaults: ModelDefaults): ExperimentConfig {
  const i = applyPreset(input ?? {});
  const judgeModel = model('config.judgeModel', i.judgeModel ?? defaults.judgeModel);
  const categories = stringList('config.categories', i.categories ?? DEFAULT_CATEGORIES, 1);
  const keepCategories = stringList('config.keepCategories', i.keepCategories ?? [], 0);
  for (const keep of keepCategories) {
    if (!categories.includes(keep)) throw badInput('config.keepCategories', `"${keep}" is not one of config.categories (${categories.join(', ')})`);
  }
  const judgeTemplate = resolveJudgeTemplate('config.judgeTemplate', i.judgeTemplate ?? DEFAULT_JUDGE_TEMPLATE);
  const training = i.training ?? {};
  const hyperparameters = training.hyperparameters ?? null;
  if (hyperparameters !== null && (typeof hyperparameters !== 'object' || Array.isArray(hyperparameters))) {
    throw badInput('config.training.hyperparameters', 'must be a JSON object, for example {"n_epochs": 2}');
  }
  if (hyperparameters !== null && JSON.stringify(hyperparameters).length > MAX_HYPERPARAMETERS_LENGTH) {
    throw badInput('config.training.hyperparameters', `must be at most ${MAX_HYPERPARAMETERS_LENGTH} characters of JSON`);
  }
  const names = defaults.configured ?? NO_CONFIGURED_NAMES;
  const backend = training.backend ?? 'OPENAI';
  const trainer = resolveTrainer(backend, training.trainer, names);
  checkHyperparameters(backend, trainer, hyperparameters, names);
  const stages = resolveStages(training.stages ?? null, training.method ?? null);
  return {
    generatorModel: model('config.generatorModel', i.generatorModel ?? defaults.generatorModel),
    judgeModel,
    samplesPerOrder: integer('config.samplesPerOrder', i.samplesPerOrder ?? 8, SAMPLES_PER_ORDER_RANGE.min, SAMPLES_PER_ORDER_RANGE.max),
    temperature: number('config.temperature', i.temperature ?? 0.7, 0, 2),
    topP: number('config.topP', i.topP ?? 0.9, 0, 1, true),
    maxTokens: integer('config.maxTokens', i.maxTokens ?? 4096, 1, 32_768),
    generationMaxTokens: integer('config.generationMaxTokens', i.generationMaxTokens ?? 2048, 1, 32_768),
    seed: integer('config.seed', i.seed ?? 1, 0, 2 ** 31 - 1),
    judgeTemplate,
    categories,
    keepCategories,
    selection: {
      balance: i.selection?.balance ?? true,
      minCorrectShare: number('config.selection.minCorrectShare', i.selection?.minCorrectShare ?? 0, 0, 1),
    },
    training: {
      backend,
      method: stages[stages.length - 1]!,
      stages,
      from: training.from ?? 'SEED',
      baseModel: model('config.training.baseModel', training.baseModel ?? judgeModel),
      hyperparameters,
      dpo: resolveDpo(training.dpo ?? null),
      trainer,
    },
    regeneratePairs: i.regeneratePairs ?? false,
    tokenBudget: i.tokenBudget == null ? null : number('config.tokenBudget', i.tokenBudget, 1, Number.MAX_SAFE_INTEGER),
    moneyBudget: i.moneyBudget == null ? null : usdAmount('config.moneyBudget', i.moneyBudget),
    endpoints: resolveEndpointRoles(i.endpoints, names),
    execution: oneOf('config.execution', i.execution ?? 'ONLINE', EXECUTIONS),
    batchRetry: oneOf('config.batchRetry', i.batchRetry ?? 'NEXT_BATCH', BATCH_RETRIES),
    ...resolvePairSettings(i),
    ...resolvePresetFields(i),
  };
}

/**
 * `training.stages`: one or two distinct methods, SUPERVISED before DPO (each stage trains from the
 * previous stage's model, DPO's reference model being the SFT checkpoint): [SUPERVISED], [DPO] or
 * [SUPERVISED, DPO]. Left out: [method] (default SUPERVISED). `method`, when given too, must be
 * the last stage.
 */
function resolveStages(input: readonly string[] | null, method: TrainingMethod | null): TrainingMethod[] {
  const field = 'config.training.stages';
  if (input === null) return [method ?? 'SUPERVISED'];
  if (!Array.isArray(input) || input.length === 0) throw badInput(field, 'must name at least one stage: SUPERVISED, DPO or both, in that order');
  const unknown = input.find((s) => !(TRAINING_METHODS as readonly string[]).includes(s));
  if (unknown !== undefined) throw badInput(field, `${JSON.stringify(unknown)} is not a training stage: use SUPERVISED or DPO`);
  const stages = input as TrainingMethod[];
  const repeated = stages.find((s, i) => stages.indexOf(s) !== i);
  if (repeated) throw badInput(field, `${repeated} appears twice: each stage kind runs at most once per iteration`);
  if (stages.indexOf('DPO') !== -1 && stages.indexOf('SUPERVISED') > stages.indexOf('DPO')) {
    throw badInput(field, 'SUPERVISED must come before DPO: DPO trains from the SFT model (the released recipe is [SUPERVISED, DPO])');
  }
  const last = stages[stages.length - 1]!;
  if (method !== null && method !== last) throw badInput('config.training.method', `must be ${last}, the last of config.training.stages, or be left out`);
  return [...stages];
}

function resolveDpo(input: Partial<DpoOptions> | null): DpoOptions {
  const i = input ?? {};
  const beta = number('config.training.dpo.beta', i.beta ?? DEFAULT_DPO.beta, 0, 10);
  if (beta === 0) throw badInput('config.training.dpo.beta', 'must be above 0');
  return {
    numPairs: integer('config.training.dpo.numPairs', i.numPairs ?? DEFAULT_DPO.numPairs, 1, 64),
    beta,
    nllScale: number('config.training.dpo.nllScale', i.nllScale ?? DEFAULT_DPO.nllScale, 0, 100),
    extraNegatives: resolveExtraNegatives(i.extraNegatives ?? null),
  };
}

function resolveExtraNegatives(input: Partial<NonNullable<DpoOptions['extraNegatives']>> | null): DpoOptions['extraNegatives'] {
  if (input === null) return null;
  const field = 'config.training.dpo.extraNegatives';
  const temperature = number(`${field}.temperature`, input.temperature ?? 1, 0, 2);
  if (temperature === 0) throw badInput(`${field}.temperature`, 'must be above 0: greedy samples would repeat the ones already drawn');
  return { samples: integer(`${field}.samples`, input.samples ?? 4, 1, 64), temperature };
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw badInput(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function model(field: string, value: string): string {
  const name = value.trim();
  if (!name) {
    throw badInput(field, 'is required: no default model is configured for this endpoint (set GENERATOR_MODEL and JUDGE_MODEL, or pass the model names)');
  }
  if (!name || name.length > 256) throw badInput(field, 'must be a model name of 1 to 256 characters');
  return name;
}

const MAX_HYPERPARAMETERS_LENGTH = 10_000;
const MAX_CATEGORIES = 100;

function stringList(field: string, values: string[], minLength: number): string[] {
  const cleaned = values.map((v) => v.trim());
  if (cleaned.length < minLength) throw badInput(field, `needs at least ${minLength} entry`);
  if (cleaned.length > MAX_CATEGORIES) throw badInput(field, `must have at most ${MAX_CATEGORIES} entries`);
  if (cleaned.some((v) => !v || v.length > 64)) throw badInput(field, 'entries must be 1 to 64 characters');
  if (new Set(cleaned).size !== cleaned.length) throw badInput(field, 'entries must be unique');
  return cleaned;
}
