/**
 * GENERATE_PAIRS: for each usable instruction x, y_w = an answer to x, then the y_l prompt that
 * shows x and y_w (pair-construction.ts). Outputs that break the tagged format, pairs that fail a
 * filter, or empty (or truncated) answers are stored as REJECTED pairs with the reason and raw output.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import type { NewPair } from '../../db/pairs-repo.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { checkEndpoint, endpointRoles } from './endpoints.js';
import type { Endpoints } from './endpoints.js';
import { checkBatchEndpoint, runItems, stageExecution } from './execution.js';
import type { StageHandler } from './handler.js';
import { constructPair } from './pair-construction.js';

export type PairsDeps = { db: Db; endpoints: Endpoints; config: (experimentId: number) => Promise<ExperimentConfig> };

const generationOf = (params: unknown) => Number((params as { generation?: number }).generation ?? 0);

export function generatePairsStageHandler(deps: PairsDeps): StageHandler {
  const { db } = deps;
  return {
    kind: 'GENERATE_PAIRS',
    async preflight(stage) {
      const config = await deps.config(stage.experimentId!);
      const name = endpointRoles(config).generator;
      const refusal = await checkEndpoint(deps.endpoints(name), name, [config.generatorModel]);
      if (refusal !== undefined || stageExecution(stage, config).execution === 'ONLINE') return refusal;
      return checkBatchEndpoint(deps.endpoints(name), name);
    },
    async executionOf(stage) {
      return stageExecution(stage, await deps.config(stage.experimentId!)).execution;
    },
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
      const endpoint = endpointRoles(config).generator;
      const instructions = await experimentsRepo.getInstructions(db, keys.map(Number));
      const tags = { experiment: String(stage.experimentId), stage: 'GENERATE_PAIRS' };
      const common = {
        model: config.generatorModel,
        temperature: config.temperature,
        top_p: config.topP,
        max_tokens: config.generationMaxTokens,
        tags,
      };
      const where = { experimentId: stage.experimentId!, generation };
      return runItems<(typeof instructions)[number], NewPair>({
        stage,
        ...stageExecution(stage, config),
        llm: deps.endpoints(endpoint),
        endpoint,
        model: config.generatorModel,
        control,
        items: instructions,
        keyOf: (i) => String(i.id),
        async work(instruction, signal, llm) {
          const { usage, row } = await constructPair(llm, config, { ...common, signal }, where, instruction);
          return { usage, rows: [row] };
        },
        outcome: (batch) => ({
          failures: batch.failures,
          fatal: batch.fatal,
          usage: batch.usage,
          async write(tx) {
            // Instruction order, not completion order: pair ids then do not depend on response timing.
            const rows = [...batch.rows].sort((a, b) => a.instructionId - b.instructionId);
            return (await pairsRepo.insertPairs(tx, rows)).length;
          },
        }),
      });
    },
    async finalize(tx, stage) {
      return { pairs: await pairsRepo.pairStatusCounts(tx, stage.experimentId!, generationOf(stage.params)) };
    },
  };
}
