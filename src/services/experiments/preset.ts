/**
 * Presets: named sets of defaults for an experiment's config. A field the caller sends still wins
 * over the preset's value; the preset's name is stored with the config.
 *
 * PAPER: the values of the Self-Taught Evaluators paper (arXiv 2408.02666): N = 15 judgments per
 * order, temperature 0.7, top_p 0.9, at most 4,096 tokens, the seed model fine-tuned at every
 * iteration, and only the instructions a categoriser puts in `reasoning` (the paper kept 20,582
 * reasoning instructions of WildChat), asked in the paper's style (a list of task types, a final
 * "Category:" line) with room for a reasoning model to think.
 */
import { badInput } from '../../domain/errors.js';
import type { CategorizeStyle } from '../../domain/prompts.js';
import { integer } from './validate.js';

export type Preset = 'PAPER';
export const PRESETS: readonly Preset[] = ['PAPER'];

/** Task types in the style of the paper's categorisation step; `reasoning` is the one it kept. */
export const PAPER_CATEGORIES = [
  'reasoning',
  'coding',
  'math',
  'advice',
  'brainstorming',
  'classification',
  'closed-qa',
  'open-qa',
  'creative-writing',
  'extraction',
  'rewriting',
  'summarization',
  'roleplay',
  'other',
];

export type PresetFields = {
  preset: Preset | null;
  categorizeStyle: CategorizeStyle;
  /** Completion cap of a categoriser answer. Default 1024, room for a reasoning model's thinking. */
  categorizeMaxTokens: number;
};

export type PresetInput = { preset?: Preset | null; categorizeStyle?: CategorizeStyle | null; categorizeMaxTokens?: number | null };

type Shaped = { samplesPerOrder?: number | null; temperature?: number | null; topP?: number | null; maxTokens?: number | null; categories?: string[] | null; keepCategories?: string[] | null; training?: { from?: 'SEED' | 'PREVIOUS' } | null } & PresetInput;

/** The input with the preset's values filled in where the caller left a field out. */
export function applyPreset<T extends Shaped>(input: T): T {
  const preset = input.preset ?? null;
  if (preset === null) return input;
  if (!PRESETS.includes(preset)) throw badInput('config.preset', `must be one of ${PRESETS.join(', ')}, got ${JSON.stringify(preset)}`);
  return {
    ...input,
    samplesPerOrder: input.samplesPerOrder ?? 15,
    temperature: input.temperature ?? 0.7,
    topP: input.topP ?? 0.9,
    maxTokens: input.maxTokens ?? 4096,
    categories: input.categories ?? PAPER_CATEGORIES,
    keepCategories: input.keepCategories ?? ['reasoning'],
    training: { ...(input.training ?? {}), from: input.training?.from ?? 'SEED' },
    categorizeStyle: input.categorizeStyle ?? 'PAPER',
  };
}

export function resolvePresetFields(i: PresetInput): PresetFields {
  const style = i.categorizeStyle ?? 'ONE_LINE';
  if (style !== 'ONE_LINE' && style !== 'PAPER') throw badInput('config.categorizeStyle', `must be ONE_LINE or PAPER, got ${JSON.stringify(style)}`);
  return {
    preset: i.preset ?? null,
    categorizeStyle: style,
    categorizeMaxTokens: integer('config.categorizeMaxTokens', i.categorizeMaxTokens ?? 1024, 1, 32_768),
  };
}

/** The preset fields of a stored config, with defaults for fields it predates. */
export function presetFields(config: Partial<PresetFields>): PresetFields {
  return { preset: config.preset ?? null, categorizeStyle: config.categorizeStyle ?? 'ONE_LINE', categorizeMaxTokens: config.categorizeMaxTokens ?? 1024 };
}
