/**
 * The trainer's side of WEBHOOK (webhook.ts), answered by the API: the training file's download
 * (token-scoped, until the token expires) and the model's report, by the completeTraining mutation
 * (the token proves the caller got the job) or by a callback signed with the trainer's secret.
 * A report is stored only while its job waits for one, before its deadline, with the job's token:
 * a replayed, stale, unsigned or wrong-token report is refused and nothing is stored. The worker
 * holding the TRAIN stage sees the stored model and completes the stage.
 */
import type { WebhookTrainer, TrainerSpec } from '../../config/index.js';
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import type { IterationRow } from '../../db/schema.js';
import * as trainingRepo from '../../db/training-repo.js';
import { badInput, conflict, notFound, ServiceError } from '../../domain/errors.js';
import type { ExperimentConfig } from '../experiments/config.js';
import type { ExportService, OpenExport } from '../read/exports.js';
import { TRAINING_FORMATS } from './training-data.js';
import { tokenHash, verifySignature } from './signing.js';

export class TrainingReports {
  constructor(
    private readonly database: Database,
    private readonly trainers: readonly TrainerSpec[],
    private readonly exports: ExportService,
  ) {}

  /** The iteration's training file for the holder of its job's token, until the token expires. */
  async openTrainingFile(iterationId: number, format: string, token: string): Promise<OpenExport> {
    const job = await trainingRepo.trainingJobByToken(this.database.db, iterationId, tokenHash(token));
    if (!job || job.backend !== 'WEBHOOK' || !job.callbackTokenHash) {
      throw new ServiceError('FORBIDDEN', 'token: not a download token of this iteration', 'token');
    }
    if (!job.tokenExpiresAt || job.tokenExpiresAt.getTime() < Date.now()) throw new ServiceError('FORBIDDEN', 'token: expired', 'token');
    if (!(TRAINING_FORMATS as readonly string[]).includes(format)) throw badInput('format', `must be one of ${TRAINING_FORMATS.join(', ')}`);
    return this.exports.open(iterationId, format);
  }

  /** completeTraining: stores the model a webhook trainer reports, with the job's token. */
  async completeTraining(iterationId: number, model: string, token: string): Promise<IterationRow> {
    const iteration = await experimentsRepo.getIteration(this.database.db, iterationId);
    if (!iteration) throw notFound('iterationId', 'iteration', iterationId);
    const name = model.trim();
    if (!name || name.length > 256) throw badInput('model', 'must be a model name of 1 to 256 characters');
    // Each training stage's job has its own token: the token names the job (else the iteration's latest).
    const job = (await trainingRepo.trainingJobByToken(this.database.db, iterationId, tokenHash(token))) ?? (await trainingRepo.currentTrainingJob(this.database.db, iterationId));
    if (!job || job.backend !== 'WEBHOOK') throw conflict(`iteration ${iterationId} has no WEBHOOK training job`, 'iterationId');
    if (job.callbackTokenHash !== tokenHash(token)) throw new ServiceError('FORBIDDEN', 'token: not the token of this iteration\'s training job', 'token');
    if (job.status !== 'submitted') throw conflict(`the training job of iteration ${iterationId} is ${job.status}: it takes no report`, 'iterationId');
    if (job.deadlineAt && job.deadlineAt.getTime() < Date.now()) throw conflict(`the training job of iteration ${iterationId} passed its deadline`, 'iterationId');
    if (!(await trainingRepo.reportTrainedModel(this.database.db, iterationId, tokenHash(token), name))) {
      throw conflict(`the training job of iteration ${iterationId} took another report first`, 'iterationId');
    }
    return (await experimentsRepo.getIteration(this.database.db, iterationId))!;
  }

  /** A callback signed with the trainer's secret; its body is {"model": "...", "token": "..."}. */
  async signedReport(iterationId: number, body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<IterationRow> {
    const trainer = await this.trainerOf(iterationId);
    const refused = verifySignature(trainer.secret, timestamp, signature, body);
    if (refused) throw new ServiceError('UNAUTHENTICATED', refused);
    let report: { model?: unknown; token?: unknown };
    try {
      report = JSON.parse(body.toString('utf8')) as typeof report;
    } catch {
      throw badInput('body', 'must be JSON: {"model": "...", "token": "..."}');
    }
    if (typeof report?.model !== 'string' || typeof report.token !== 'string') throw badInput('body', 'must be JSON: {"model": "...", "token": "..."}');
    return this.completeTraining(iterationId, report.model, report.token);
  }

  private async trainerOf(iterationId: number): Promise<WebhookTrainer> {
    const iteration = await experimentsRepo.getIteration(this.database.db, iterationId);
    const experiment = iteration ? await experimentsRepo.getExperiment(this.database.db, iteration.experimentId) : undefined;
    const name = (experiment?.config as ExperimentConfig | undefined)?.training.trainer;
    const trainer = this.trainers.find((t): t is WebhookTrainer => t.type === 'WEBHOOK' && t.name === name);
    if (!trainer) throw notFound('iterationId', 'iteration trained by a WEBHOOK trainer', iterationId);
    return trainer;
  }
}
