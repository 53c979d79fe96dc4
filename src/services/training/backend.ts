/**
 * The interface every training backend implements, so that TRAIN (stages/train.ts) knows no
 * provider: a backend is given one training stage of an iteration (`training.stages`: SUPERVISED
 * then DPO in the released recipe) and either returns the trained model's name, or says that the
 * model will be registered from outside (`waiting`). A backend resumes an earlier attempt of the
 * same stage (its job id is kept on the stage's training_jobs row, keyed by iteration and stage
 * index), so a worker that dies mid-training costs no second job. It throws a TrainingError for a run that
 * cannot succeed (the stage fails with its message), an LlmError of kind 'transient' for a failure
 * the queue should retry, and an AbortError when `control.signal` fires.
 */
import type { Db } from '../../db/database.js';
import type { IterationRow, StageRow } from '../../db/schema.js';
import type { TrainingJobKey } from '../../db/training-repo.js';
import type { ExperimentConfig, TrainingMethod } from '../experiments/config.js';
import type { BatchControl } from '../stages/handler.js';
import type { TrainingFormat } from './training-data.js';

export type TrainingRun = {
  db: Db;
  stage: StageRow;
  iteration: IterationRow;
  config: ExperimentConfig;
  /** Which training stage this is: 0 for the first of `training.stages`. */
  stageIndex: number;
  /** How many training stages the iteration runs. */
  stageCount: number;
  /** The stage's training_jobs row. */
  job: TrainingJobKey;
  /** The model fine-tuned: for the first stage the seed's base model (paper) or the iteration's own judge; then the previous stage's model. */
  baseModel: string;
  method: 'supervised' | 'dpo';
  /** The export format the backend trains on. */
  format: TrainingFormat;
  /** The training file's lines, streamed from the database in a fixed order. */
  lines(): AsyncGenerator<string>;
  /** Shows progress on the stage (its `message`). */
  report(message: string): Promise<void>;
};

export type TrainingResult = { model: string; examples: number } | { waiting: true };

export interface TrainingBackend {
  train(run: TrainingRun, control: BatchControl): Promise<TrainingResult>;
  /** Stops the provider's job of a cancelled run, if it has one. Best effort. */
  cancel?(run: Pick<TrainingRun, 'db' | 'job' | 'config'>): Promise<void>;
}

/** A training run that cannot succeed as configured (no examples, a failed provider job). Not retried. */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

/** The model an iteration's first training stage fine-tunes: the seed's base model (paper) or the iteration's own judge. */
export function baseModelFor(config: ExperimentConfig, iteration: IterationRow): string {
  return config.training.from === 'SEED' ? config.training.baseModel : iteration.judgeModel;
}

/** The export format a backend trains a stage of this method on: OpenAI's for an OpenAI-style host, TRL's for the others. */
export function trainingFormatFor(config: ExperimentConfig, method: TrainingMethod): TrainingFormat {
  const dpo = method === 'DPO';
  if (config.training.backend === 'OPENAI') return dpo ? 'openai-dpo' : 'openai-sft';
  return dpo ? 'trl-dpo' : 'trl-sft';
}

/** Resolves after `ms`, or rejects with an AbortError when `signal` fires first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      const error = new Error('aborted');
      error.name = 'AbortError';
      reject(error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    if (signal.aborted) aborted();
    else signal.addEventListener('abort', aborted, { once: true });
  });
}
