/**
 * CATEGORIZE: the generator labels each instruction that has no category with one of the
 * experiment's categories. An answer naming none of them is recorded as a failed item with the
 * raw answer, never guessed.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { LlmClient } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { categorizePrompt, parseCategory } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import type { BatchOutcome, StageHandler } from './runner.js';
import { attemptsOf, failureText, forEachItem, isAbort } from './runner.js';

export type CategorizeDeps = { db: Db; llm: LlmClient; config: (experimentId: number) => Promise<ExperimentConfig> };

export function categorizeStageHandler(deps: CategorizeDeps): StageHandler {
  const { db, llm } = deps;
  return {
    kind: 'CATEGORIZE',
    async pendingKeys(stage) {
      const keys = (await experimentsRepo.uncategorizedInstructionIds(db, stage.experimentId!)).map(String);
      const failed = await stagesRepo.failureKeys(db, stage.id, keys);
      return keys.filter((k) => !failed.has(k));
    },
    async storedKeys(_stage, keys) {
      const rows = await experimentsRepo.getInstructions(db, keys.map(Number));
      return new Set(rows.filter((r) => r.category !== null).map((r) => String(r.id)));
    },
    async process(stage, keys, control): Promise<BatchOutcome> {
      const config = await deps.config(stage.experimentId!);
      const instructions = await experimentsRepo.getInstructions(db, keys.map(Number));
      const labels: { id: number; category: string }[] = [];
      const failures: BatchOutcome['failures'] = [];
      const usage = { promptTokens: 0, completionTokens: 0 };
      await forEachItem(instructions, async (instruction) => {
        if (!control.active()) return;
        try {
          const result = await llm.chat({
            model: config.generatorModel,
            messages: categorizePrompt(instruction.text, config.categories),
            temperature: 0,
            max_tokens: 32,
            seed: deriveSeed(config.seed, 'categorize', instruction.textHash),
            signal: control.signal,
            tags: { experiment: String(stage.experimentId), stage: 'CATEGORIZE' },
          });
          usage.promptTokens += result.usage.promptTokens;
          usage.completionTokens += result.usage.completionTokens;
          const text = result.choices[0]?.text ?? '';
          const category = parseCategory(text, config.categories);
          if (category) labels.push({ id: instruction.id, category });
          else failures.push({ itemKey: String(instruction.id), error: `the answer names none of the categories: ${JSON.stringify(text.slice(0, 200))}`, attempts: 1 });
        } catch (error) {
          if (isAbort(error)) return;
          failures.push({ itemKey: String(instruction.id), error: failureText(error), attempts: attemptsOf(error) });
        }
      });
      return { failures, usage, write: (tx) => experimentsRepo.setCategories(tx, labels) };
    },
  };
}
