/**
 * TRAIN: one item per iteration ("model"), run by the experiment's training backend
 * (training/backend.ts) inside a queue job that holds its lease for as long as training takes. The
 * item is stored when the iteration has its trained model. A backend that waits on someone outside
 * (EXTERNAL) leaves the item open; registerJudgeModel completes it with `trainedModelOutcome`.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { StageRow } from '../../db/schema.js';
import { LlmError } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { baseModelFor, trainingFormatFor } from '../training/backend.js';
import type { TrainingBackend, TrainingRun } from '../training/backend.js';
import { trainingLines } from '../training/training-data.js';
import { attemptsOf, failureText, isAbort } from './batch.js';
import type { BatchOutcome, StageHandler } from './handler.js';

export const TRAIN_ITEM = 'model';

const NO_USAGE = { promptTokens: 0, completionTokens: 0 };

export type TrainDeps = {
  db: Db;
  config: (experimentId: number) => Promise<ExperimentConfig>;
  backends: Record<ExperimentConfig['training']['backend'], TrainingBackend>;
};

/** Writes what a finished training run gives: the iteration's trained model (M_t+1), in the stage's commit. */
export function trainedModelOutcome(stage: StageRow, model: string, examples: number | null): BatchOutcome {
  return {
    failures: [],
    usage: NO_USAGE,
    async write(tx) {
      await experimentsRepo.updateIteration(tx, stage.iterationId!, { trainedModel: model, status: 'SUCCEEDED' });
      await trainingRepo.updateTrainingJob(tx, stage.iterationId!, { status: 'succeeded', fineTunedModel: model });
      await stagesRepo.updateStageFields(tx, stage.id, { message: `trained ${model}`, stats: { examples, model } });
      return 1;
    },
  };
}

export function trainStageHandler(deps: TrainDeps): StageHandler {
  const { db } = deps;
  const runOf = async (stage: StageRow): Promise<TrainingRun | undefined> => {
    const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
    if (!iteration) return undefined;
    const config = await deps.config(stage.experimentId!);
    const format = trainingFormatFor(config);
    return {
      db,
      stage,
      iteration,
      config,
      baseModel: baseModelFor(config, iteration),
      method: config.training.method === 'DPO' ? 'dpo' : 'supervised',
      format,
      lines: () => trainingLines(db, iteration.id, config, format),
      report: async (message) => void (await stagesRepo.updateStageFields(db, stage.id, { message })),
    };
  };
  return {
    kind: 'TRAIN',
    async pendingKeys(stage) {
      const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
      if (!iteration || iteration.trainedModel) return [];
      // An external trainer's model is registered from outside: nothing for a worker to do.
      const job = await trainingRepo.getTrainingJob(db, iteration.id);
      return job?.status === 'awaiting_model' ? [] : [TRAIN_ITEM];
    },
    async storedKeys(stage) {
      const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
      return new Set(iteration?.trainedModel ? [TRAIN_ITEM] : []);
    },
    async process(stage, _keys, control) {
      const run = await runOf(stage);
      if (!run) return { failures: [], usage: NO_USAGE, write: async () => 0 };
      const backend = deps.backends[run.config.training.backend];
      try {
        const result = await backend.train(run, control);
        if ('waiting' in result) return { failures: [], usage: NO_USAGE, write: async () => 0, waiting: true };
        return trainedModelOutcome(stage, result.model, result.examples);
      } catch (error) {
        if (isAbort(error)) {
          const now = await stagesRepo.getStage(db, stage.id);
          if (now?.status === 'CANCELLED') await backend.cancel?.(run);
          return { failures: [], usage: NO_USAGE, write: async () => 0 };
        }
        if (error instanceof LlmError && error.kind === 'transient') throw error; // the queue retries the job
        return { failures: [{ itemKey: TRAIN_ITEM, error: `training failed: ${failureText(error)}`, attempts: attemptsOf(error) }], usage: NO_USAGE, write: async () => 0 };
      }
    },
  };
}
