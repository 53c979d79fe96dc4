/**
 * The stage commands of the loop, in the order the method runs them. Each checks that the
 * previous stage is done (BAD_USER_INPUT otherwise), starts the work in the background and returns
 * the Stage at once. Calling a command whose stage already succeeded returns that stage unchanged.
 */
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageKind } from '../../db/stages-repo.js';
import * as judgmentsRepo from '../../db/judgments-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { ExperimentRow, IterationRow, StageRow } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import type { Queue } from '../../queue/queue.js';
import { budgetMessage, budgetReached } from '../stages/budget.js';
import { badInput, conflict, notFound, parseId } from '../../domain/errors.js';
import type { ExperimentConfig } from '../experiments/config.js';
import type { StageRunner } from '../stages/runner.js';
import { pollTraining, runTraining } from '../stages/train.js';
import type { TrainDeps } from '../stages/train.js';

export type ControlJob =
  | { type: 'select'; stageId: number }
  | { type: 'train'; stageId: number }
  | { type: 'train-poll'; stageId: number }
  | { type: 'advance-loop'; experimentId: number };

export class PipelineService {
  constructor(
    private readonly database: Database,
    private readonly queue: Queue,
    private readonly runner: StageRunner,
    private readonly logger: Logger,
    private readonly trainDeps: Omit<TrainDeps, 'schedulePoll' | 'finish' | 'db'>,
  ) {}

  private get db() {
    return this.database.db;
  }

  async experiment(id: string | number, field = 'experimentId'): Promise<ExperimentRow> {
    const experiment = await experimentsRepo.getExperiment(this.db, parseId(field, id));
    if (!experiment) throw notFound(field, 'experiment', id);
    return experiment;
  }

  async iteration(id: string | number, field = 'iterationId'): Promise<IterationRow> {
    const iteration = await experimentsRepo.getIteration(this.db, parseId(field, id));
    if (!iteration) throw notFound(field, 'iteration', id);
    return iteration;
  }

  async stage(id: string | number, field = 'stageId'): Promise<StageRow> {
    const stage = await stagesRepo.getStage(this.db, parseId(field, id));
    if (!stage) throw notFound(field, 'stage', id);
    return stage;
  }

  configOf(experiment: ExperimentRow): ExperimentConfig {
    return experiment.config as ExperimentConfig;
  }

  /** The pair generation an experiment's next iteration judges. */
  private async currentGeneration(experiment: ExperimentRow): Promise<number> {
    const latest = await experimentsRepo.latestIteration(this.db, experiment.id);
    if (!latest) return 0;
    return this.configOf(experiment).regeneratePairs ? latest.pairGeneration + 1 : latest.pairGeneration;
  }

  async categorizeInstructions(experimentId: string): Promise<StageRow> {
    const experiment = await this.experiment(experimentId);
    return this.startOnce(experiment.id, 'CATEGORIZE', null, {});
  }

  async generatePairs(experimentId: string): Promise<StageRow> {
    const experiment = await this.experiment(experimentId);
    const generation = await this.currentGeneration(experiment);
    const running = (await stagesRepo.activeStages(this.db, experiment.id)).find((s) => s.kind === 'GENERATE_PAIRS');
    if (running) return running;
    const config = this.configOf(experiment);
    const needed = await pairsRepo.instructionsNeedingPairs(this.db, experiment.id, generation, config.keepCategories);
    const latest = await stagesRepo.latestStage(this.db, experiment.id, 'GENERATE_PAIRS');
    if (needed.length === 0) {
      if (latest) return latest;
      const usable = await experimentsRepo.listInstructions(this.db, experiment.id, 1);
      if (usable.length === 0) throw badInput('experimentId', 'the experiment has no instructions: call importInstructions first');
    }
    return this.runner.start({ experimentId: experiment.id, kind: 'GENERATE_PAIRS', params: { generation } });
  }

  async startIteration(experimentId: string): Promise<IterationRow> {
    const experiment = await this.experiment(experimentId);
    const config = this.configOf(experiment);
    const latest = await experimentsRepo.latestIteration(this.db, experiment.id);
    if (latest && latest.status !== 'SUCCEEDED') {
      throw conflict(`iteration ${latest.index} (id ${latest.id}) is ${latest.status}: the next iteration needs its trained judge`, 'experimentId');
    }
    const generation = await this.currentGeneration(experiment);
    const iteration = await experimentsRepo.insertIteration(this.db, {
      experimentId: experiment.id,
      index: (latest?.index ?? 0) + 1,
      judgeModel: latest?.trainedModel ?? config.judgeModel,
      pairGeneration: generation,
    });
    if (!iteration) throw conflict('another iteration was started at the same time', 'experimentId');
    return iteration;
  }

  async judgePairs(iterationId: string): Promise<StageRow> {
    const iteration = await this.iteration(iterationId);
    const ready = await pairsRepo.readyPairIds(this.db, iteration.experimentId, iteration.pairGeneration);
    if (ready.length === 0) throw conflict('no ready pairs to judge: run generatePairs first (and check its rejected pairs)', 'iterationId');
    const pairsStage = await stagesRepo.latestStage(this.db, iteration.experimentId, 'GENERATE_PAIRS');
    if (pairsStage && (pairsStage.status === 'RUNNING' || pairsStage.status === 'QUEUED')) {
      throw conflict(`GENERATE_PAIRS (stage ${pairsStage.id}) is still ${pairsStage.status}: judge once it has finished`, 'iterationId');
    }
    const stage = await this.startOnce(iteration.experimentId, 'JUDGE', iteration.id, {});
    await experimentsRepo.updateIteration(this.db, iteration.id, { status: 'RUNNING' });
    return stage;
  }

  async selectJudgments(iterationId: string): Promise<StageRow> {
    const iteration = await this.iteration(iterationId);
    await this.requireSucceeded(iteration, 'JUDGE', 'judgePairs');
    return this.startOnce(iteration.experimentId, 'SELECT', iteration.id, {}, 'select');
  }

  async trainJudge(iterationId: string): Promise<StageRow> {
    const iteration = await this.iteration(iterationId);
    const select = await this.requireSucceeded(iteration, 'SELECT', 'selectJudgments');
    if (Number((select.stats as { kept?: number }).kept ?? 0) === 0) {
      throw conflict('selection kept no judgment: there is nothing to train on (see the SELECT stage stats)', 'iterationId');
    }
    return this.startOnce(iteration.experimentId, 'TRAIN', iteration.id, {}, 'train');
  }

  async registerJudgeModel(iterationId: string, model: string): Promise<IterationRow> {
    const iteration = await this.iteration(iterationId);
    const name = model.trim();
    if (!name || name.length > 256) throw badInput('model', 'must be a model name of 1 to 256 characters');
    if (iteration.status !== 'AWAITING_MODEL') {
      throw conflict(`iteration ${iteration.id} is ${iteration.status}, not AWAITING_MODEL: only an external training backend waits for a model`, 'iterationId');
    }
    const stage = await stagesRepo.latestStage(this.db, iteration.experimentId, 'TRAIN', iteration.id);
    await this.database.db.transaction(async (tx) => {
      const t = tx as unknown as typeof this.db;
      await experimentsRepo.updateIteration(t, iteration.id, { trainedModel: name, status: 'SUCCEEDED' });
      await trainingRepo.updateTrainingJob(t, iteration.id, { status: 'succeeded', fineTunedModel: name });
    });
    if (stage) await this.finishStage(stage.id, 'SUCCEEDED', { message: `registered ${name}`, stats: { model: name } });
    return (await experimentsRepo.getIteration(this.db, iteration.id))!;
  }

  async cancelStage(stageId: string): Promise<StageRow> {
    const stage = await this.stage(stageId);
    if (!stagesRepo.ACTIVE_STAGE_STATUSES.includes(stage.status as never)) {
      throw conflict(`stage ${stage.id} is ${stage.status}: only a QUEUED, RUNNING or PAUSED stage can be cancelled`, 'stageId');
    }
    await this.runner.cancel(stage.id);
    return (await stagesRepo.getStage(this.db, stage.id))!;
  }

  async resumeStage(stageId: string): Promise<StageRow> {
    const stage = await this.stage(stageId);
    if (stage.status === 'PAUSED') {
      const control = await stagesRepo.stageControl(this.db, stage.id);
      if (control && budgetReached(control)) throw conflict(`stage ${stage.id} is ${budgetMessage(control)}`, 'stageId');
    } else if (stage.status !== 'FAILED' && stage.status !== 'CANCELLED' && !(stage.status === 'SUCCEEDED' && stage.failed > 0)) {
      throw conflict(`stage ${stage.id} is ${stage.status}: only FAILED, CANCELLED, PAUSED, or SUCCEEDED stages with failed items can be resumed`, 'stageId');
    }
    if (stage.iterationId) await experimentsRepo.updateIteration(this.db, stage.iterationId, { status: 'RUNNING', error: null });
    if (stage.kind === 'SELECT' || stage.kind === 'TRAIN') {
      const reopened = await stagesRepo.reopenStage(this.db, stage.id);
      if (reopened) await this.queue.send('stage-control', [{ type: stage.kind === 'SELECT' ? 'select' : 'train', stageId: stage.id }]);
      return reopened ?? stage;
    }
    return this.runner.resume(stage);
  }

  /**
   * Sets (or with null removes) an experiment's token budget. Its stages paused by the budget
   * resume when it is no longer reached (their failed items stay failed); a budget lowered below
   * what is used pauses running stages within about a second.
   */
  async setTokenBudget(experimentId: string, tokenBudget: number | null): Promise<ExperimentRow> {
    const experiment = await this.experiment(experimentId);
    if (tokenBudget !== null && (!Number.isFinite(tokenBudget) || tokenBudget < 1 || tokenBudget > Number.MAX_SAFE_INTEGER)) {
      throw badInput('tokenBudget', `must be a number of tokens from 1 to ${Number.MAX_SAFE_INTEGER}, or null for no budget; got ${tokenBudget}`);
    }
    const updated = await experimentsRepo.setTokenBudget(this.db, experiment.id, tokenBudget);
    for (const stage of await stagesRepo.stagesWithStatus(this.db, experiment.id, 'PAUSED')) {
      const control = await stagesRepo.stageControl(this.db, stage.id);
      if (!control || budgetReached(control)) continue;
      await this.runner.resume(stage, { from: ['PAUSED'], keepFailures: true });
    }
    return updated ?? experiment;
  }

  /** Handles a 'stage-control' queue job. */
  async runControl(job: ControlJob): Promise<void> {
    if (job.type === 'advance-loop') return; // handled by LoopService
    const stage = await stagesRepo.getStage(this.db, job.stageId);
    if (!stage) return;
    if (job.type === 'select') return this.runSelect(stage);
    const deps = this.trainDepsFor();
    try {
      if (job.type === 'train') {
        if (stage.status !== 'QUEUED' && stage.status !== 'RUNNING') return;
        await stagesRepo.markRunning(this.db, stage.id);
        await runTraining(deps, stage);
      } else {
        await pollTraining(deps, stage);
      }
    } catch (error) {
      const e = error as { kind?: string; message?: string };
      if (e.kind === 'transient') throw error; // the queue retries the job
      await this.finishStage(stage.id, 'FAILED', { error: `training failed: ${e.message ?? String(error)}` });
    }
  }

  private trainDepsFor(): TrainDeps {
    return {
      ...this.trainDeps,
      db: this.db,
      schedulePoll: async (stageId, afterSeconds) => {
        await this.queue.send('stage-control', [{ type: 'train-poll', stageId }], { startAfterSeconds: afterSeconds });
      },
      finish: (stageId, status, fields) => this.finishStage(stageId, status, fields),
    };
  }

  private async runSelect(stage: StageRow): Promise<void> {
    if (stage.status !== 'QUEUED' && stage.status !== 'RUNNING') return;
    const experiment = await this.experiment(stage.experimentId!);
    const { selection, seed } = this.configOf(experiment);
    const iteration = await this.iteration(stage.iterationId!);
    await stagesRepo.markRunning(this.db, stage.id);
    const stats = await this.db.transaction(async (tx) => {
      const t = tx as unknown as typeof this.db;
      const outcome = await judgmentsRepo.selectJudgments(t, iteration.id, { seed, iterationIndex: iteration.index, ...selection });
      await stagesRepo.updateStageFields(t, stage.id, { total: outcome.pairOrders });
      await stagesRepo.addProgress(t, stage.id, { done: outcome.pairOrders, failed: 0, promptTokens: 0, completionTokens: 0 });
      return outcome;
    });
    await this.finishStage(stage.id, 'SUCCEEDED', { stats }, false);
  }

  private async finishStage(
    stageId: number,
    status: 'SUCCEEDED' | 'FAILED',
    fields: { error?: string | null; message?: string | null; stats?: object },
    countsOneItem = true,
  ): Promise<void> {
    // One-item stages (SELECT, TRAIN): a success accounts for the item.
    if (status === 'SUCCEEDED' && countsOneItem) await stagesRepo.updateStageFields(this.db, stageId, { done: 1, total: 1 });
    const row = await stagesRepo.finishStage(this.db, stageId, status, fields);
    if (row) await this.runner.notifyFinished(row);
  }

  /**
   * Keeps an iteration's status in step with its stages (a StageRunner listener): a failed or
   * cancelled JUDGE, SELECT or TRAIN stage fails or cancels its iteration; resumeStage reopens it.
   */
  async onStageFinished(stage: StageRow): Promise<void> {
    if (!stage.iterationId || stage.kind === 'EVALUATE' || (stage.status !== 'FAILED' && stage.status !== 'CANCELLED')) return;
    await experimentsRepo.updateIteration(this.db, stage.iterationId, {
      status: stage.status,
      error: `${stage.kind} stage ${stage.id} ${stage.status.toLowerCase()}: ${stage.error ?? 'no reason given'}`,
    });
  }

  private async requireSucceeded(iteration: IterationRow, kind: StageKind, command: string): Promise<StageRow> {
    const stage = await stagesRepo.latestStage(this.db, iteration.experimentId, kind, iteration.id);
    if (!stage || stage.status !== 'SUCCEEDED') {
      throw conflict(
        `${kind} of iteration ${iteration.index} has ${stage ? `status ${stage.status}` : 'not run'}: call ${command} first and wait for it to succeed`,
        'iterationId',
      );
    }
    return stage;
  }

  /** Returns the stage of this kind that is active or succeeded, or starts a new one. */
  private async startOnce(experimentId: number, kind: StageKind, iterationId: number | null, params: object, control?: 'select' | 'train'): Promise<StageRow> {
    const latest = await stagesRepo.latestStage(this.db, experimentId, kind, iterationId);
    if (latest && latest.status !== 'FAILED' && latest.status !== 'CANCELLED') return latest;
    if (latest) {
      throw conflict(`${kind} stage ${latest.id} is ${latest.status}: call resumeStage(${latest.id}) to continue it`, 'stageId');
    }
    if (!control) return this.runner.start({ experimentId, iterationId, kind, params });
    const stage = await stagesRepo.insertStage(this.db, { experimentId, iterationId, kind, total: 1, params });
    await this.queue.send('stage-control', [{ type: control, stageId: stage.id }]);
    return stage;
  }
}
