/**
 * TRAIN, behind a backend interface:
 * - OPENAI: upload the training file to any host of OpenAI's files + fine-tuning API, create the
 *   job, poll it (a durable queue job re-scheduled every few seconds), copy its events into the
 *   stage's message, and take `fine_tuned_model` as the next judge;
 * - EXTERNAL: the export is ready for TRL / axolotl / torchtune; the iteration waits in
 *   AWAITING_MODEL until registerJudgeModel names the served model.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { IterationRow, StageRow } from '../../db/schema.js';
import type { LlmClient } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { trainingLines } from '../training/training-data.js';

export type TrainDeps = {
  db: Db;
  llm: LlmClient;
  config: (experimentId: number) => Promise<ExperimentConfig>;
  /** Schedules the next poll of a stage's fine-tuning job. */
  schedulePoll: (stageId: number, afterSeconds: number) => Promise<void>;
  /** Marks the stage finished (and notifies listeners). */
  finish: (stageId: number, status: 'SUCCEEDED' | 'FAILED', fields: { error?: string | null; message?: string | null; stats?: object }) => Promise<void>;
  pollSeconds: number;
};

/** The model an iteration fine-tunes: the seed's base model (paper) or the iteration's own judge. */
export function baseModelFor(config: ExperimentConfig, iteration: IterationRow): string {
  return config.training.from === 'SEED' ? config.training.baseModel : iteration.judgeModel;
}

export async function runTraining(deps: TrainDeps, stage: StageRow): Promise<void> {
  const { db, llm } = deps;
  const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
  if (!iteration) return;
  const config = await deps.config(stage.experimentId!);
  const existing = await trainingRepo.getTrainingJob(db, iteration.id);
  if (existing?.externalJobId || existing?.status === 'awaiting_model') {
    // A retried job after a crash: the fine-tuning job exists already, keep polling it.
    if (existing.externalJobId) await deps.schedulePoll(stage.id, 0);
    return;
  }
  const method = config.training.method === 'DPO' ? 'dpo' : 'supervised';
  const format = config.training.backend === 'OPENAI' ? (method === 'dpo' ? 'openai-dpo' : 'openai-sft') : method === 'dpo' ? 'trl-dpo' : 'trl-sft';
  const lines: string[] = [];
  for await (const line of trainingLines(db, iteration.id, config, format)) lines.push(line);
  const baseModel = baseModelFor(config, iteration);
  const common = { iterationId: iteration.id, backend: config.training.backend, method, baseModel, examples: lines.length };
  if (lines.length === 0) {
    await deps.finish(stage.id, 'FAILED', { error: 'no training examples: selection kept no judgment (see the SELECT stage stats)' });
    return;
  }
  if (config.training.backend === 'EXTERNAL') {
    await trainingRepo.upsertTrainingJob(db, { ...common, status: 'awaiting_model' });
    await experimentsRepo.updateIteration(db, iteration.id, { status: 'AWAITING_MODEL' });
    await stagesRepo.updateStageFields(db, stage.id, {
      message: `${lines.length} examples ready at /exports/iterations/${iteration.id}/${format}.jsonl; call registerJudgeModel with the served model`,
    });
    return;
  }
  const file = await llm.uploadFile(`ste-iteration-${iteration.id}.jsonl`, `${lines.join('\n')}\n`, 'fine-tune');
  const job = await llm.createFineTuningJob({
    model: baseModel,
    trainingFile: file.id,
    method,
    suffix: `ste-it${iteration.index}`,
    seed: config.seed,
    hyperparameters: mapHyperparameters(config.training.hyperparameters),
  });
  await trainingRepo.upsertTrainingJob(db, { ...common, fileId: file.id, externalJobId: job.id, status: job.status });
  await stagesRepo.updateStageFields(db, stage.id, { message: `fine-tuning job ${job.id} ${job.status}` });
  await deps.schedulePoll(stage.id, deps.pollSeconds);
}

export async function pollTraining(deps: TrainDeps, stage: StageRow): Promise<void> {
  const { db, llm } = deps;
  if (stage.status !== 'RUNNING' && stage.status !== 'QUEUED') {
    const job = await trainingRepo.getTrainingJob(db, stage.iterationId!);
    if (stage.status === 'CANCELLED' && job?.externalJobId && !['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      await llm.cancelFineTuningJob(job.externalJobId).catch(() => undefined);
    }
    return;
  }
  const record = await trainingRepo.getTrainingJob(db, stage.iterationId!);
  if (!record?.externalJobId) return;
  const job = await llm.retrieveFineTuningJob(record.externalJobId);
  const { events } = await llm.listFineTuningEvents(job.id);
  const lastEvent = events[0]?.message ?? record.lastEvent;
  await trainingRepo.updateTrainingJob(db, record.iterationId, { status: job.status, lastEvent });
  if (lastEvent !== record.lastEvent) await stagesRepo.updateStageFields(db, stage.id, { message: lastEvent });
  if (job.status === 'succeeded') {
    const model = job.fine_tuned_model;
    if (!model) {
      await deps.finish(stage.id, 'FAILED', { error: `fine-tuning job ${job.id} succeeded without a fine_tuned_model` });
      return;
    }
    await trainingRepo.updateTrainingJob(db, record.iterationId, { fineTunedModel: model });
    await experimentsRepo.updateIteration(db, record.iterationId, { trainedModel: model, status: 'SUCCEEDED' });
    await deps.finish(stage.id, 'SUCCEEDED', { message: `trained ${model}`, stats: { examples: record.examples, model } });
  } else if (job.status === 'failed' || job.status === 'cancelled') {
    const error = job.error?.message ? `fine-tuning job ${job.id} ${job.status}: ${job.error.message}` : `fine-tuning job ${job.id} ${job.status}`;
    await trainingRepo.updateTrainingJob(db, record.iterationId, { error });
    await deps.finish(stage.id, 'FAILED', { error });
  } else {
    await deps.schedulePoll(stage.id, deps.pollSeconds);
  }
}

function mapHyperparameters(h: Record<string, unknown> | null) {
  if (!h) return undefined;
  const pick = (key: string) => (typeof h[key] === 'number' || h[key] === 'auto' ? (h[key] as number | 'auto') : undefined);
  return { nEpochs: pick('n_epochs'), batchSize: pick('batch_size'), learningRateMultiplier: pick('learning_rate_multiplier'), beta: pick('beta') };
}
