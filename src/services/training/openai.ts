/**
 * OPENAI: any host of OpenAI's files + fine-tuning API. Uploads the training file, creates the job,
 * polls it every `pollSeconds` while the TRAIN stage's queue job holds its lease (a worker that dies
 * hands the job to another, which polls the same provider job), copies its latest event into the
 * stage's message, and returns `fine_tuned_model`. Runs on the experiment's `trained` endpoint, the
 * one that then serves the trained judges. Passes the hyper-parameters OPENAI_HYPERPARAMETERS names.
 * Each training stage of an iteration is its own job (a DPO stage after SFT fine-tunes the SFT job's
 * model, on the DPO file, with method dpo and beta); the API has no NLL term, so `nllScale` is not sent.
 */
import * as trainingRepo from '../../db/training-repo.js';
import type { Endpoints } from '../stages/endpoints.js';
import { endpointRoles } from '../stages/endpoints.js';
import { sleep, TrainingError } from './backend.js';
import type { TrainingBackend, TrainingResult } from './backend.js';
import { dpoOptionsOf } from '../experiments/config.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export function openAiBackend(endpoints: Endpoints, pollSeconds: number): TrainingBackend {
  return {
    async train(run, control): Promise<TrainingResult> {
      const { db, iteration } = run;
      const llm = endpoints(endpointRoles(run.config).trained);
      let record = await trainingRepo.getTrainingJob(db, run.job);
      if (!record?.externalJobId) {
        const lines: string[] = [];
        for await (const line of run.lines()) lines.push(line);
        if (lines.length === 0) throw new TrainingError('no training examples: selection kept no judgment (see the SELECT stage stats)');
        const stagePart = run.stageIndex === 0 ? '' : `-stage-${run.stageIndex + 1}`;
        const file = await llm.uploadFile(`ste-iteration-${iteration.id}${stagePart}.jsonl`, `${lines.join('\n')}\n`, 'fine-tune');
        const job = await llm.createFineTuningJob({
          model: run.baseModel,
          trainingFile: file.id,
          method: run.method,
          suffix: `ste-it${iteration.index}${run.stageIndex === 0 ? '' : `-s${run.stageIndex + 1}`}`,
          seed: run.config.seed,
          hyperparameters: mapHyperparameters(run.config.training.hyperparameters, run.method === 'dpo' ? dpoOptionsOf(run.config).beta : undefined),
        });
        record = await trainingRepo.upsertTrainingJob(db, {
          ...run.job,
          backend: 'OPENAI',
          method: run.method,
          baseModel: run.baseModel,
          examples: lines.length,
          fileId: file.id,
          externalJobId: job.id,
          status: job.status,
        });
        await run.report(`fine-tuning job ${job.id} ${job.status}`);
      }
      const jobId = record.externalJobId!;
      let lastEvent = record.lastEvent;
      for (;;) {
        const job = await llm.retrieveFineTuningJob(jobId);
        const { events } = await llm.listFineTuningEvents(jobId);
        const event = events[0]?.message ?? lastEvent;
        await trainingRepo.updateTrainingJob(db, run.job, { status: job.status, lastEvent: event });
        if (event && event !== lastEvent) await run.report(event);
        lastEvent = event;
        if (TERMINAL.has(job.status)) {
          if (job.status === 'succeeded' && job.fine_tuned_model) return { model: job.fine_tuned_model, examples: record.examples };
          const reason = job.status === 'succeeded' ? 'succeeded without a fine_tuned_model' : `${job.status}${job.error?.message ? `: ${job.error.message}` : ''}`;
          const error = `fine-tuning job ${job.id} ${reason}`;
          await trainingRepo.updateTrainingJob(db, run.job, { error });
          throw new TrainingError(error);
        }
        await sleep(pollSeconds * 1_000, control.signal);
      }
    },
    async cancel({ db, job: key, config }) {
      const llm = endpoints(endpointRoles(config).trained);
      const job = await trainingRepo.getTrainingJob(db, key);
      if (job?.externalJobId && !TERMINAL.has(job.status)) await llm.cancelFineTuningJob(job.externalJobId).catch(() => undefined);
    },
  };
}

/** The OpenAI fine-tuning hyper-parameters an experiment may set (others are not sent). */
/** The hyper-parameters as given; for DPO, beta from `training.dpo` unless they name one. */
function mapHyperparameters(given: Record<string, unknown> | null, dpoBeta: number | undefined) {
  const h = dpoBeta === undefined ? given : { beta: dpoBeta, ...(given ?? {}) };
  if (!h) return undefined;
  const pick = (key: string) => (typeof h[key] === 'number' || h[key] === 'auto' ? (h[key] as number | 'auto') : undefined);
  return { nEpochs: pick('n_epochs'), batchSize: pick('batch_size'), learningRateMultiplier: pick('learning_rate_multiplier'), beta: pick('beta') };
}
