/**
 * CATEGORIZE: the generator labels each instruction that has no category with one of the
 * experiment's categories. An answer naming none of them is recorded as a failed item with the
 * raw answer, never guessed.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import { categorizePrompt, parseCategory } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { presetFields } from '../experiments/preset.js';
import { collectBatch, emptyCollected } from './batch.js';
import { checkEndpoint, endpointRoles } from './endpoints.js';
import type { Endpoints } from './endpoints.js';
import type { StageHandler } from './handler.js';

export type CategorizeDeps = { db: Db; endpoints: Endpoints; config: (experimentId: number) => Promise<ExperimentConfig> };

export function categorizeStageHandler(deps: CategorizeDeps): StageHandler {
  const { db } = deps;
  return {
    kind: 'CATEGORIZE',
    async preflight(stage) {
      const config = await deps.config(stage.experimentId!);
      const name = endpointRoles(config).generator;
      return checkEndpoint(deps.endpoints(name), name, [config.generatorModel]);
    },
    async pendingKeys(stage) {
      return (await experimentsRepo.uncategorizedInstructionIds(db, stage.experimentId!)).map(String);
    },
    async storedKeys(_stage, keys) {
      const rows = await experimentsRepo.getInstructions(db, keys.map(Number));
      return new Set(rows.filter((r) => r.category !== null).map((r) => String(r.id)));
    },
    async process(stage, keys, control) {
      const config = await deps.config(stage.experimentId!);
      const fields = presetFields(config);
      const endpoint = endpointRoles(config).generator;
      const llm = deps.endpoints(endpoint);
      const instructions = await experimentsRepo.getInstructions(db, keys.map(Number));
      const batch = await collectBatch(instructions, (i) => String(i.id), control, async (instruction, signal) => {
        const result = await llm.chat({
          model: config.generatorModel,
          messages: categorizePrompt(instruction.text, config.categories, fields.categorizeStyle),
          temperature: 0,
          max_tokens: fields.categorizeMaxTokens,
          seed: deriveSeed(config.seed, 'categorize', instruction.textHash),
          signal,
          tags: { experiment: String(stage.experimentId), stage: 'CATEGORIZE' },
        });
        const text = result.choices[0]?.text ?? '';
        // A cut-off answer may name a category on its way to another: a failed item, never a guess.
        if (result.choices[0]?.finishReason === 'length') {
          return { usage: result.usage, rejected: `the answer was cut off at categorizeMaxTokens (${fields.categorizeMaxTokens}): ${JSON.stringify(text.slice(0, 200))}` };
        }
        const category = parseCategory(text, config.categories);
        return category
          ? { usage: result.usage, rows: [{ id: instruction.id, category }] }
          : { usage: result.usage, rejected: `the answer names none of the categories: ${JSON.stringify(text.slice(0, 200))}` };
      }, emptyCollected<{ id: number; category: string }>({ endpoint, model: config.generatorModel, execution: 'ONLINE' }));
      return { failures: batch.failures, usage: batch.usage, fatal: batch.fatal, write: (tx) => experimentsRepo.setCategories(tx, batch.rows) };
    },
  };
}
