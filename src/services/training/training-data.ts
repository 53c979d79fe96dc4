/**
 * Training data from an iteration's selected judgments, streamed page by page from the database,
 * in the formats trainers read:
 * - openai-sft: {"messages":[system?, user, assistant]}, the assistant turn is the judgment;
 * - openai-dpo: {"input":{"messages":[...]},"preferred_output":[...],"non_preferred_output":[...]};
 * - trl-sft:    {"messages":[...]} (TRL's conversational SFT format);
 * - trl-dpo:    {"prompt":[...],"chosen":[...],"rejected":[...]} (TRL's conversational preference format).
 * DPO lines follow the released recipe (db/judgments/dpo.ts): over all the iteration's judgments,
 * items (pair, order) with a correct judgment and a negative (wrong, tie or unparseable), balanced
 * A-wins / B-wins among those, each giving up to `training.dpo.numPairs` distinct (correct,
 * negative) combinations. The loss weights the trainer should use (beta, NLL scale) are not in
 * the lines: `dpoSettings` gives them, exported as `dpo-config.jsonl` beside the data.
 */
import type { Db } from '../../db/database.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { dpoOptionsOf } from '../experiments/config.js';
import { judgePrompt } from '../../domain/prompts.js';

export const TRAINING_FORMATS = ['openai-sft', 'openai-dpo', 'trl-sft', 'trl-dpo'] as const;
export type TrainingFormat = (typeof TRAINING_FORMATS)[number];

const PAGE = 1_000;

export async function* trainingLines(db: Db, iterationId: number, config: ExperimentConfig, format: TrainingFormat): AsyncGenerator<string> {
  if (format.endsWith('-dpo')) {
    yield* dpoLines(db, iterationId, config, format);
    return;
  }
  let after: { hash: string; order: string } | null = null;
  for (;;) {
    const rows = await judgmentsRepo.selectedRows(db, iterationId, after, PAGE);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    after = { hash: last.hash, order: last.order };
    for (const row of rows) {
      const prompt = judgePrompt(config.judgeTemplate, row.question, ...answersOf(row));
      yield JSON.stringify({ messages: [...prompt, { role: 'assistant' as const, content: row.reasoning }] });
    }
  }
}

/** Items a page: each gives at most numPairs (<= 64) lines. */
const DPO_ITEMS_PAGE = 200;

async function* dpoLines(db: Db, iterationId: number, config: ExperimentConfig, format: TrainingFormat): AsyncGenerator<string> {
  const iteration = await experimentsRepo.getIteration(db, iterationId);
  if (!iteration) return;
  const seeding = { seed: config.seed, iterationIndex: iteration.index };
  const { numPairs } = dpoOptionsOf(config);
  const plan = await judgmentsRepo.dpoPlan(db, iterationId, { ...seeding, balance: config.selection.balance });
  for (let i = 0; i < plan.items.length; i += DPO_ITEMS_PAGE) {
    const rows = await judgmentsRepo.dpoRows(db, iterationId, plan.items.slice(i, i + DPO_ITEMS_PAGE), { ...seeding, numPairs });
    for (const row of rows) {
      const prompt = judgePrompt(config.judgeTemplate, row.question, ...answersOf(row));
      const good = [{ role: 'assistant' as const, content: row.positive }];
      const bad = [{ role: 'assistant' as const, content: row.negative }];
      yield format === 'openai-dpo'
        ? JSON.stringify({ input: { messages: prompt }, preferred_output: good, non_preferred_output: bad })
        : JSON.stringify({ prompt, chosen: good, rejected: bad });
    }
  }
}

/** The answers in the order the judge saw them: the better one first for CHOSEN_FIRST. */
function answersOf(row: { order: string; chosen: string; rejected: string }): [string, string] {
  return row.order === 'CHOSEN_FIRST' ? [row.chosen, row.rejected] : [row.rejected, row.chosen];
}

/**
 * What a DPO trainer should be told beside the data (the released recipe: DPO plus an NLL term on
 * the chosen judgment, from the SFT checkpoint, which is also the reference model). One JSON line.
 */
export function dpoSettings(config: ExperimentConfig): Record<string, unknown> {
  const dpo = dpoOptionsOf(config);
  return {
    method: 'DPO',
    beta: dpo.beta,
    nll_scale: dpo.nllScale,
    num_pairs: dpo.numPairs,
    loss: 'dpo(beta) + nll_scale * nll(chosen)',
    reference_model: 'the model trained from (the SFT checkpoint in the released recipe)',
    balanced: config.selection.balance,
  };
}
