/**
 * SELECT: rejection sampling over the iteration's judgments, as one item ("selection") whose write
 * is the selection statement itself (db/judgments/selection.ts): per pair and order keep one
 * correct judgment chosen by a seeded hash, drop pair/orders without one (or below the experiment's
 * minimum correct share), then balance A-wins and B-wins. The outcome's counts become the stage's
 * stats. Idempotent: a rerun clears the previous selection first.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { ExperimentConfig } from '../experiments/config.js';
import type { StageHandler } from './handler.js';

export const SELECT_ITEM = 'selection';

export type SelectDeps = { db: Db; config: (experimentId: number) => Promise<ExperimentConfig> };

export function selectStageHandler(deps: SelectDeps): StageHandler {
  const { db } = deps;
  // The stage's one item is stored when the stage has counted it without a failure.
  const stored = (stage: { done: number; failed: number }) => stage.done - stage.failed > 0;
  return {
    kind: 'SELECT',
    async pendingKeys(stage) {
      return stored(stage) ? [] : [SELECT_ITEM];
    },
    async storedKeys(stage) {
      return new Set(stored(stage) ? [SELECT_ITEM] : []);
    },
    async process(stage) {
      const { selection, seed } = await deps.config(stage.experimentId!);
      const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
      if (!iteration) return { failures: [], usage: { promptTokens: 0, completionTokens: 0 }, write: async () => 0 };
      return {
        failures: [],
        usage: { promptTokens: 0, completionTokens: 0 },
        async write(tx) {
          const outcome = await judgmentsRepo.selectJudgments(tx, iteration.id, { seed, iterationIndex: iteration.index, ...selection });
          await stagesRepo.updateStageFields(tx, stage.id, { stats: outcome });
          return 1;
        },
      };
    },
  };
}
