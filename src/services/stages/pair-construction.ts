/**
 * One contrasting pair, in the paper's order: y_w first (the instruction alone, unless the
 * experiment sets `answerSystemPrompt`), then the y_l prompt, which shows x and y_w:
 * - MODIFIED_INSTRUCTION asks for x' and a good answer to x' that is not a good answer to x;
 * - WORSE_REWRITE (the paper's weaker ablation) asks for a deliberately worse rewrite of y_w.
 * Every outcome is a row: READY, or REJECTED with the reason and the raw output (an empty or cut-off
 * y_w, an output that breaks the tagged format, a pair that fails a filter). Each row records the
 * construction and prompt version that made it. Seeds are derived from the experiment seed and the
 * instruction's text hash, so the same inputs ask the same questions.
 */
import type { NewPair } from '../../db/pairs-repo.js';
import { pairFilterReason } from '../../domain/pair-filters.js';
import {
  answerPrompt,
  modifiedInstructionPrompt,
  PAIR_PROMPT_VERSIONS,
  parseModification,
  parseWorseRewrite,
  worseRewritePrompt,
} from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import type { ChatRequest, ChatPort } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { pairSettings } from '../experiments/pair-config.js';
import type { Usage } from './handler.js';

export type PairInstruction = { id: number; text: string; textHash: string };
type Common = Omit<ChatRequest, 'messages' | 'seed'>;

export async function constructPair(
  llm: ChatPort,
  config: ExperimentConfig,
  common: Common,
  where: { experimentId: number; generation: number },
  instruction: PairInstruction,
): Promise<{ usage: Usage; row: NewPair }> {
  const settings = pairSettings(config);
  const construction = settings.pairConstruction;
  const seedOf = (step: string) => deriveSeed(config.seed, step, where.generation, instruction.textHash);
  const answer = await llm.chat({ ...common, messages: answerPrompt(instruction.text, settings.answerSystemPrompt), seed: seedOf('answer') });
  const usage = { ...answer.usage };
  const chosen = answer.choices[0]?.text.trim() ?? '';
  const base = {
    experimentId: where.experimentId,
    instructionId: instruction.id,
    generation: where.generation,
    construction,
    promptVersion: PAIR_PROMPT_VERSIONS[construction],
  };
  const reject = (error: string, rawOutput: string | null) => ({
    usage,
    row: { ...base, status: 'REJECTED', chosen: chosen || null, error, rawOutput, ...tokens(usage) } satisfies NewPair,
  });
  if (!chosen) return reject('empty answer to the instruction', null);
  if (answer.choices[0]?.finishReason === 'length') return reject('the answer to the instruction was cut off (finish_reason length)', null);

  const modify = construction === 'MODIFIED_INSTRUCTION';
  const messages = modify ? modifiedInstructionPrompt(instruction.text, chosen) : worseRewritePrompt(instruction.text, chosen);
  const second = await llm.chat({ ...common, messages, seed: seedOf(modify ? 'modify' : 'worse-rewrite') });
  usage.promptTokens += second.usage.promptTokens;
  usage.completionTokens += second.usage.completionTokens;
  const raw = second.choices[0]?.text ?? '';
  const finish = second.choices[0]?.finishReason ?? null;
  const parsed: { ok: true; response: string; modifiedInstruction?: string } | { ok: false; reason: string } = modify
    ? parseModification(raw, instruction.text, finish)
    : parseWorseRewrite(raw, finish);
  if (!parsed.ok) return reject(parsed.reason, raw);
  const modifiedInstruction = parsed.modifiedInstruction ?? null;
  const filtered = pairFilterReason({ instruction: instruction.text, chosen, rejected: parsed.response, modifiedInstruction }, settings.pairFilters);
  if (filtered) return reject(filtered, raw);
  return {
    usage,
    row: { ...base, status: 'READY', chosen, modifiedInstruction, rejected: parsed.response, rawOutput: raw, error: null, ...tokens(usage) },
  };
}

const tokens = (usage: Usage) => ({ promptTokens: usage.promptTokens, completionTokens: usage.completionTokens });
