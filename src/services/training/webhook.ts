/**
 * WEBHOOK: the job goes to a trainer named in the server's configuration file, as a signed POST
 * (signing.ts) with an `Idempotency-Key` (the same on every resend of one job), the training
 * file's download URL (token-scoped, short-lived) and the token to report the model with. The TRAIN
 * stage's queue job then holds its lease and waits until the report is stored (completeTraining or
 * a signed callback: webhook-reports.ts) or the trainer's `timeoutSeconds` pass. A worker that dies
 * hands the wait to the next one, which sends nothing again unless the first never got the job out.
 *
 * The job body: {id, iterationId, experimentId, iteration, stage, stages, method (sft|dpo), baseModel,
 * format, examples, hyperparameters, dpo (DPO stages: the loss settings, beta and nll_scale),
 * trainingFile: {url, expiresAt}, report: {token, mutation, callbackUrl}, deadline}. Each training
 * stage of an iteration is one job with its own key and token (`stage` 0 for the first; a DPO stage
 * after SFT has the SFT model as baseModel). Hyper-parameters: the keys the trainer lists in the file.
 */
import * as trainingRepo from '../../db/training-repo.js';
import type { TrainerSpec, WebhookTrainer } from '../../config/index.js';
import { sleep, TrainingError } from './backend.js';
import type { TrainingBackend, TrainingResult, TrainingRun } from './backend.js';
import { newToken, sign } from './signing.js';
import { dpoSettings, trainingLines } from './training-data.js';

export type WebhookDeps = { trainers: readonly TrainerSpec[]; pollSeconds: number };

const SEND_TRIES = 4;

export function webhookBackend(deps: WebhookDeps): TrainingBackend {
  return {
    async train(run, control): Promise<TrainingResult> {
      const trainer = deps.trainers.find((t): t is WebhookTrainer => t.type === 'WEBHOOK' && t.name === run.config.training.trainer);
      if (!trainer) throw new TrainingError(`no WEBHOOK trainer named "${run.config.training.trainer ?? ''}" in the server's configuration file`);
      let job = await trainingRepo.getTrainingJob(run.db, run.job);
      // Sent again only when no send is known to have gone out (or a resumed stage's job had failed).
      if (!job || !job.externalJobId || job.status === 'submitting' || job.status === 'failed') {
        job = await submit(run, trainer, job?.status === 'submitting' ? job.externalJobId : null, control.signal);
      }
      for (;;) {
        if (job.status === 'reported' && job.fineTunedModel) return { model: job.fineTunedModel, examples: job.examples };
        if (job.deadlineAt && job.deadlineAt.getTime() < Date.now()) {
          const error = `trainer ${trainer.name} did not report a model within its ${trainer.timeoutSeconds} s (timeoutSeconds)`;
          await trainingRepo.updateTrainingJob(run.db, run.job, { status: 'failed', error });
          throw new TrainingError(error);
        }
        await sleep(deps.pollSeconds * 1_000, control.signal);
        job = (await trainingRepo.getTrainingJob(run.db, run.job))!;
      }
    },
  };
}

async function submit(run: TrainingRun, trainer: WebhookTrainer, previousKey: string | null, signal: AbortSignal) {
  const { db, iteration } = run;
  let examples = 0;
  for await (const _line of trainingLines(db, iteration.id, run.config, run.format)) examples += 1;
  if (examples === 0) throw new TrainingError('no training examples: selection kept no judgment (see the SELECT stage stats)');
  // A resend after a worker died keeps the key (the trainer sees one job); the token is new (only its hash was kept).
  const key = previousKey ?? `ste-iteration-${iteration.id}${run.stageIndex === 0 ? '' : `-stage-${run.stageIndex + 1}`}-${newToken().token.slice(0, 16)}`;
  const { token, hash } = newToken();
  const now = Date.now();
  const tokenExpiresAt = new Date(now + trainer.tokenSeconds * 1_000);
  const deadlineAt = new Date(now + trainer.timeoutSeconds * 1_000);
  await trainingRepo.upsertTrainingJob(db, {
    ...run.job, backend: 'WEBHOOK', method: run.method, baseModel: run.baseModel, examples,
    externalJobId: key, status: 'submitting', callbackTokenHash: hash, tokenExpiresAt, deadlineAt,
  });
  const body = JSON.stringify({
    id: key,
    iterationId: String(iteration.id),
    experimentId: String(iteration.experimentId),
    iteration: iteration.index,
    stage: run.stageIndex,
    stages: run.stageCount,
    method: run.method === 'dpo' ? 'dpo' : 'sft',
    baseModel: run.baseModel,
    format: run.format,
    examples,
    hyperparameters: run.config.training.hyperparameters ?? {},
    ...(run.method === 'dpo' ? { dpo: dpoSettings(run.config) } : {}),
    trainingFile: { url: `${trainer.serviceUrl}/training-files/${iteration.id}/${run.format}.jsonl?token=${token}`, expiresAt: tokenExpiresAt.toISOString() },
    report: { token, mutation: 'completeTraining(iterationId, model, token)', callbackUrl: `${trainer.serviceUrl}/callbacks/training/${iteration.id}` },
    deadline: deadlineAt.toISOString(),
  });
  await post(trainer, key, body, signal);
  await trainingRepo.updateTrainingJob(db, run.job, { status: 'submitted' });
  await run.report(`job ${key} sent to trainer ${trainer.name}; waiting for its report until ${deadlineAt.toISOString()}`);
  return (await trainingRepo.getTrainingJob(db, run.job))!;
}

/** POSTs the signed job, retrying connection errors and 5xx with backoff; any other answer fails the stage. */
async function post(trainer: WebhookTrainer, key: string, body: string, signal: AbortSignal): Promise<void> {
  let last = '';
  for (let attempt = 1; attempt <= SEND_TRIES; attempt += 1) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(trainer.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ste-timestamp': timestamp, 'x-ste-signature': sign(trainer.secret, timestamp, body), 'idempotency-key': key },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
        redirect: 'error',
      });
      const text = (await response.text()).slice(0, 500);
      if (response.ok) return;
      last = `HTTP ${response.status}: ${text}`;
      if (response.status < 500 && response.status !== 408 && response.status !== 429) throw new TrainingError(`trainer ${trainer.name} refused the job: ${last}`);
    } catch (error) {
      if (error instanceof TrainingError || signal.aborted) throw error;
      last = (error as Error).message;
    }
    if (attempt < SEND_TRIES) await sleep(500 * 2 ** attempt * Math.random(), signal);
  }
  throw new TrainingError(`trainer ${trainer.name} could not be reached after ${SEND_TRIES} tries: ${last}`);
}
