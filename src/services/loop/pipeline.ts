/**
 * The stage commands of the loop, in the order the method runs them. Each checks that the
 * previous stage is done (CONFLICT otherwise), starts the stage through the StageRunner and returns
 * the Stage at once; the work runs in the background in the stage's handler (services/stages).
 * Calling a command whose stage already succeeded returns that stage unchanged. Ids are numbers:
 * the resolvers parse the API's ids.
 */
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { ExperimentRow, IterationRow, StageRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../domain/errors.js';
import { canResumeStage, isActiveStage } from '../../domain/vocabulary.js';
import type { StageKind } from '../../domain/vocabulary.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { budgetMessage, budgetReached } from '../stages/budget.js';
import type { StageRunner } from '../stages/runner.js';
import { trainedModelOutcome } from '../stages/train.js';

export class PipelineService {
  constructor(
    private readonly database: Database,
    private readonly runner: StageRunner,
  ) {}

  private get db() {
    return this.database.db;
  }

  async experiment(id: number, field = 'experimentId'): Promise<ExperimentRow> {
    const experiment = await experimentsRepo.getExperiment(this.db, id);
    if (!experiment) throw notFound(field, 'experiment', id);
    return experiment;
  }

  async iteration(id: number, field = 'iterationId'): Promise<IterationRow> {
    const iteration = await experimentsRepo.getIteration(this.db, id);
    if (!iteration) throw notFound(field, 'iteration', id);
    return iteration;
  }

  async stage(id: number, field = 'stageId'): Promise<StageRow> {
    const stage = await stagesRepo.getStage(this.db, id);
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

  async categorizeInstructions(experimentId: number): Promise<StageRow> {
    const experiment = await this.experiment(experimentId);
    return this.startOnce(experiment.id, 'CATEGORIZE', null, {});
  }

  async generatePairs(experimentId: number): Promise<StageRow> {
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

  async startIteration(experimentId: number): Promise<IterationRow> {
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

  async judgePairs(iterationId: number): Promise<StageRow> {
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

  async selectJudgments(iterationId: number): Promise<StageRow> {
    const iteration = await this.iteration(iterationId);
    await this.requireSucceeded(iteration, 'JUDGE', 'judgePairs');
    return this.startOnce(iteration.experimentId, 'SELECT', iteration.id, {});
  }

  async trainJudge(iterationId: number): Promise<StageRow> {
    const iteration = await this.iteration(iterationId);
    const select = await this.requireSucceeded(iteration, 'SELECT', 'selectJudgments');
    if (Number((select.stats as { kept?: number }).kept ?? 0) === 0) {
      throw conflict('selection kept no judgment: there is nothing to train on (see the SELECT stage stats)', 'iterationId');
    }
    return this.startOnce(iteration.experimentId, 'TRAIN', iteration.id, {});
  }

  /** Names the model an external trainer produced for an iteration waiting in AWAITING_MODEL; completes its TRAIN stage. */
  async registerJudgeModel(iterationId: number, model: string): Promise<IterationRow> {
    const iteration = await this.iteration(iterationId);
    const name = model.trim();
    if (!name || name.length > 256) throw badInput('model', 'must be a model name of 1 to 256 characters');
    if (iteration.status !== 'AWAITING_MODEL') {
      throw conflict(`iteration ${iteration.id} is ${iteration.status}, not AWAITING_MODEL: only an external training backend waits for a model`, 'iterationId');
    }
    const stage = await stagesRepo.latestStage(this.db, iteration.experimentId, 'TRAIN', iteration.id);
    if (!stage || !isActiveStage(stage.status)) throw conflict(`iteration ${iteration.id} has no running TRAIN stage to complete`, 'iterationId');
    const examples = (await trainingRepo.getTrainingJob(this.db, iteration.id))?.examples ?? null;
    await this.runner.completeOutside(stage.id, trainedModelOutcome(stage, name, examples));
    return (await experimentsRepo.getIteration(this.db, iteration.id))!;
  }

  async cancelStage(stageId: number): Promise<StageRow> {
    const stage = await this.stage(stageId);
    if (!isActiveStage(stage.status)) {
      throw conflict(`stage ${stage.id} is ${stage.status}: only a QUEUED, RUNNING or PAUSED stage can be cancelled`, 'stageId');
    }
    await this.runner.cancel(stage.id);
    return (await stagesRepo.getStage(this.db, stage.id))!;
  }

  async resumeStage(stageId: number): Promise<StageRow> {
    const stage = await this.stage(stageId);
    if (!canResumeStage(stage.status, stage.failed)) {
      throw conflict(`stage ${stage.id} is ${stage.status}: only FAILED, CANCELLED, PAUSED, or SUCCEEDED stages with failed items can be resumed`, 'stageId');
    }
    if (stage.status === 'PAUSED') {
      const control = await this.runner.budgetControl(stage.id);
      if (control && budgetReached(control)) throw conflict(`stage ${stage.id} is ${budgetMessage(control)}`, 'stageId');
    }
    if (stage.iterationId) await experimentsRepo.updateIteration(this.db, stage.iterationId, { status: 'RUNNING', error: null });
    return this.runner.resume(stage);
  }

  /**
   * Sets (or with null removes) an experiment's token budget. Its stages paused by the budget
   * resume when it is no longer reached (their failed items stay failed); a budget lowered below
   * what is used pauses running stages within about a second.
   */
  async setTokenBudget(experimentId: number, tokenBudget: number | null): Promise<ExperimentRow> {
    const experiment = await this.experiment(experimentId);
    if (tokenBudget !== null && (!Number.isSafeInteger(tokenBudget) || tokenBudget < 1)) {
      throw badInput('tokenBudget', `must be a whole number of tokens from 1 to ${Number.MAX_SAFE_INTEGER}, or null for no budget; got ${tokenBudget}`);
    }
    const updated = await experimentsRepo.setTokenBudget(this.db, experiment.id, tokenBudget);
    for (const stage of await stagesRepo.stagesWithStatus(this.db, experiment.id, 'PAUSED')) {
      const control = await this.runner.budgetControl(stage.id);
      if (!control || budgetReached(control)) continue;
      await this.runner.resume(stage, { from: ['PAUSED'], keepFailures: true });
    }
    return updated ?? experiment;
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
  private async startOnce(experimentId: number, kind: StageKind, iterationId: number | null, params: object): Promise<StageRow> {
    const latest = await stagesRepo.latestStage(this.db, experimentId, kind, iterationId);
    if (latest && latest.status !== 'FAILED' && latest.status !== 'CANCELLED') return latest;
    if (latest) {
      throw conflict(`${kind} stage ${latest.id} is ${latest.status}: call resumeStage(${latest.id}) to continue it`, 'stageId');
    }
    return this.runner.start({ experimentId, iterationId, kind, params });
  }
}
