/**
 * GENERATE_PAIRS: for each usable instruction x, y_w = an answer to x, then the y_l prompt that
 * shows x and y_w (pair-construction.ts). Outputs that break the tagged format, pairs that fail a
 * filter, or empty (or truncated) answers are stored as REJECTED pairs with the reason and raw output.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import type { NewPair } from '../../db/pairs-repo.js';
import type { LlmClient } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { collectBatch } from './batch.js';
import type { StageHandler } from './handler.js';
import { constructPair } from './pair-construction.js';

export type PairsDeps = { db: Db; llm: LlmClient; config: (experimentId: number) => Promise<ExperimentConfig> };

const generationOf = (params: unknown) => Number((params as { generation?: number }).generation ?? 0);

export function generatePairsStageHandler(deps: PairsDeps): StageHandler {
  const { db, llm } = deps;
  return {
    kind: 'GENERATE_PAIRS',
    async pendingKeys(stage) {
      const config = await deps.config(stage.experimentId!);
      const ids = await pairsRepo.instructionsNeedingPairs(db, stage.experimentId!, generationOf(stage.params), config.keepCategories);
      return ids.map(String);
    },
    async storedKeys(stage, keys) {
      const done = await pairsRepo.instructionsWithPairs(db, keys.map(Number), generationOf(stage.params));
      return new Set([...done].map(String));
    },
    async process(stage, keys, control) {
      const config = await deps.config(stage.experimentId!);
      const generation = generationOf(stage.params);
      const instructions = await experimentsRepo.getInstructions(db, keys.map(Number));
      const tags = { experiment: String(stage.experimentId), stage: 'GENERATE_PAIRS' };
      const common = {
        model: config.generatorModel,
        temperature: config.temperature,
        top_p: config.topP,
        max_tokens: config.generationMaxTokens,
        signal: control.signal,
        tags,
      };
      const where = { experimentId: stage.experimentId!, generation };
      const batch = await collectBatch<(typeof instructions)[number], NewPair>(instructions, (i) => String(i.id), control, async (instruction) => {
        const { usage, row } = await constructPair(llm, config, common, where, instruction);
        return { usage, rows: [row] };
      });
      return {
        failures: batch.failures,
        usage: batch.usage,
        async write(tx) {
          // Instruction order, not completion order: pair ids then do not depend on response timing.
          const rows = [...batch.rows].sort((a, b) => a.instructionId - b.instructionId);
          return (await pairsRepo.insertPairs(tx, rows)).length;
        },
      };
    },
    async finalize(tx, stage) {
      return { pairs: await pairsRepo.pairStatusCounts(tx, stage.experimentId!, generationOf(stage.params)) };
    },
  };
}
