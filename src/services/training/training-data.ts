/**
 * Training data from an iteration's selected judgments, streamed page by page from the database,
 * in the formats trainers read:
 * - openai-sft: {"messages":[system?, user, assistant]}, the assistant turn is the judgment;
 * - openai-dpo: {"input":{"messages":[...]},"preferred_output":[...],"non_preferred_output":[...]};
 * - trl-sft:    {"messages":[...]} (TRL's conversational SFT format);
 * - trl-dpo:    {"prompt":[...],"chosen":[...],"rejected":[...]} (TRL's conversational preference format).
 * DPO lines pair the selected (correct) judgment with an incorrect or unparseable one of the same
 * pair and order; pair/orders without one are left out.
 */
import type { Db } from '../../db/database.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { judgePrompt } from '../../domain/prompts.js';

export const TRAINING_FORMATS = ['openai-sft', 'openai-dpo', 'trl-sft', 'trl-dpo'] as const;
export type TrainingFormat = (typeof TRAINING_FORMATS)[number];

const PAGE = 1_000;

export async function* trainingLines(db: Db, iterationId: number, config: ExperimentConfig, format: TrainingFormat): AsyncGenerator<string> {
  const dpo = format.endsWith('-dpo');
  let after: { hash: string; order: string } | null = null;
  for (;;) {
    const rows = await judgmentsRepo.selectedRows(db, iterationId, after, PAGE);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    after = { hash: last.hash, order: last.order };
    const losers = dpo ? await judgmentsRepo.rejectedJudgments(db, iterationId, [...new Set(rows.map((r) => r.pairId))]) : null;
    for (const row of rows) {
      const [a, b] = row.order === 'CHOSEN_FIRST' ? [row.chosen, row.rejected] : [row.rejected, row.chosen];
      const prompt = judgePrompt(config.judgeTemplate, row.question, a, b);
      const good = { role: 'assistant' as const, content: row.reasoning };
      if (!dpo) {
        yield JSON.stringify({ messages: [...prompt, good] });
        continue;
      }
      const loser = losers!.get(`${row.pairId}:${row.order}`);
      if (loser === undefined) continue;
      const bad = { role: 'assistant' as const, content: loser };
      yield format === 'openai-dpo'
        ? JSON.stringify({ input: { messages: prompt }, preferred_output: [good], non_preferred_output: [bad] })
        : JSON.stringify({ prompt, chosen: [good], rejected: [bad] });
    }
  }
}
