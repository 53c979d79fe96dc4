/**
 * TRAIN: one item per iteration ("model"), run by the experiment's training backend
 * (training/backend.ts) inside a queue job that holds its lease for as long as training takes. The
 * item runs the iteration's training stages in order (`training.stages`; [SUPERVISED, DPO] is the
 * released recipe), each on its own data (SFT: the selected judgments; DPO: correct vs incorrect
 * judgments) from the previous stage's model, each with its own training_jobs row: a stage whose
 * row holds its model is not trained again, and a stage started earlier is resumed by its backend.
 * The item is stored when the last stage's model is the iteration's trained model. A backend that
 * waits on someone outside (EXTERNAL) leaves the item open; registerJudgeModel either completes it
 * with `trainedModelOutcome` (last stage) or stores that stage's model and queues the item again.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { IterationRow, StageRow } from '../../db/schema.js';
import { LlmError } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { trainingStagesOf } from '../experiments/config.js';
import { baseModelFor, trainingFormatFor } from '../training/backend.js';
import type { TrainingBackend, TrainingRun } from '../training/backend.js';
import { trainingLines } from '../training/training-data.js';
import { attemptsOf, failureText, isAbort } from './batch.js';
import type { BatchOutcome, StageHandler } from './handler.js';

export const TRAIN_ITEM = 'model';

const NO_USAGE = { promptTokens: 0, completionTokens: 0 };
const NOTHING: BatchOutcome = { failures: [], usage: NO_USAGE, write: async () => 0 };

export type TrainDeps = {
  db: Db;
  config: (experimentId: number) => Promise<ExperimentConfig>;
  backends: Record<ExperimentConfig['training']['backend'], TrainingBackend>;
};

/**
 * Writes what the last training stage gives: the iteration's trained model (M_t+1), in the stage's
 * commit. `stageIndex`: the training stage whose job produced it.
 */
export function trainedModelOutcome(stage: StageRow, model: string, examples: number | null, stageIndex: number): BatchOutcome {
  return {
    failures: [],
    usage: NO_USAGE,
    async write(tx) {
      await experimentsRepo.updateIteration(tx, stage.iterationId!, { trainedModel: model, status: 'SUCCEEDED' });
      await trainingRepo.updateTrainingJob(tx, { iterationId: stage.iterationId!, stageIndex }, { status: 'succeeded', fineTunedModel: model });
      await stagesRepo.updateStageFields(tx, stage.id, { message: `trained ${model}`, stats: { examples, model } });
      return 1;
    },
  };
}

export function trainStageHandler(deps: TrainDeps): StageHandler {
  const { db } = deps;
  const runOf = (stage: StageRow, iteration: IterationRow, config: ExperimentConfig, stageIndex: number, baseModel: string): TrainingRun => {
    const stages = trainingStagesOf(config);
    const method = stages[stageIndex]!;
    const format = trainingFormatFor(config, method);
    const prefix = stages.length > 1 ? `${method} (training stage ${stageIndex + 1} of ${stages.length}): ` : '';
    return {
      db,
      stage,
      iteration,
      config,
      stageIndex,
      stageCount: stages.length,
      job: { iterationId: iteration.id, stageIndex },
      baseModel,
      method: method === 'DPO' ? 'dpo' : 'supervised',
      format,
      lines: () => trainingLines(db, iteration.id, config, format),
      report: async (message) => void (await stagesRepo.updateStageFields(db, stage.id, { message: `${prefix}${message}` })),
    };
  };
  return {
    kind: 'TRAIN',
    async pendingKeys(stage) {
      const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
      if (!iteration || iteration.trainedModel) return [];
      // An external trainer's model is registered from outside: nothing for a worker to do.
      const job = await trainingRepo.currentTrainingJob(db, iteration.id);
      return job?.status === 'awaiting_model' ? [] : [TRAIN_ITEM];
    },
    async storedKeys(stage) {
      const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
      return new Set(iteration?.trainedModel ? [TRAIN_ITEM] : []);
    },
    async process(stage, _keys, control) {
      const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
      if (!iteration) return NOTHING;
      const config = await deps.config(stage.experimentId!);
      const backend = deps.backends[config.training.backend];
      const stages = trainingStagesOf(config);
      let baseModel = baseModelFor(config, iteration);
      for (let stageIndex = 0; stageIndex < stages.length; stageIndex += 1) {
        const last = stageIndex === stages.length - 1;
        const done = await trainingRepo.getTrainingJob(db, { iterationId: iteration.id, stageIndex });
        // An earlier stage already trained (by an earlier attempt of this item): its model is the next one's base.
        if (!last && done?.status === 'succeeded' && done.fineTunedModel) {
          baseModel = done.fineTunedModel;
          continue;
        }
        const run = runOf(stage, iteration, config, stageIndex, baseModel);
        try {
          const result = await backend.train(run, control);
          if ('waiting' in result) return { ...NOTHING, waiting: true };
          if (last) return trainedModelOutcome(stage, result.model, result.examples, stageIndex);
          await trainingRepo.updateTrainingJob(db, run.job, { status: 'succeeded', fineTunedModel: result.model });
          baseModel = result.model;
        } catch (error) {
          if (isAbort(error)) {
            const now = await stagesRepo.getStage(db, stage.id);
            if (now?.status === 'CANCELLED') await backend.cancel?.(run);
            return NOTHING;
          }
          if (error instanceof LlmError && error.kind === 'transient') throw error; // the queue retries the job
          const where = stages.length > 1 ? ` (training stage ${stageIndex + 1} of ${stages.length}, ${stages[stageIndex]})` : '';
          return { ...NOTHING, failures: [{ itemKey: TRAIN_ITEM, error: `training failed${where}: ${failureText(error)}`, attempts: attemptsOf(error) }] };
        }
      }
      return NOTHING;
    },
  };
}
