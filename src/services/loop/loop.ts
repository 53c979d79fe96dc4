/**
 * runLoop: whole iterations, unattended. The loop's state lives on the experiment row, and
 * `advance` is idempotent: it looks at what exists and starts whatever comes next. It runs after
 * every finished stage (through a queue job) and from a periodic sweep, so a crash between two
 * stages only delays the next one.
 *
 * With `evaluateOn`, the seed judge is evaluated on those benchmarks before the first JUDGE, and
 * each trained judge after its TRAIN, before the next iteration starts (or the loop ends); a
 * failed evaluation stops the loop with its reason.
 */
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { StageKind } from '../../domain/vocabulary.js';
import type { ExperimentRow, IterationRow, StageRow } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import type { Queue } from '../../queue/queue.js';
import { badInput, conflict } from '../../domain/errors.js';
import type { EvaluationService } from '../evaluation/evaluations.js';
import type { PipelineService } from './pipeline.js';
import { validatedJudges } from '../evaluation/validation.js';
import { bestJudge, decideStop, scoreJudge } from './stopping.js';
import type { JudgeScore } from './stopping.js';
import type { ExperimentConfig } from '../experiments/config.js';

/** runLoop's stopping rule: stop after `patience` trained judges in a row without a validated gain (stopping.ts). */
export type LoopStop = { patience: number; reason: string | null };
export const MAX_PATIENCE = 10;

export const MAX_LOOP_ITERATIONS = 50;

/** The loop's queue job ('stage-control' queue): take the next step of an experiment's loop. */
export type ControlJob = { type: 'advance-loop'; experimentId: number };

export class LoopService {
  private readonly advancing = new Map<number, Promise<void>>();

  constructor(
    private readonly database: Database,
    private readonly queue: Queue,
    private readonly pipeline: PipelineService,
    private readonly logger: Logger,
    private readonly evaluations: EvaluationService,
  ) {}

  /**
   * Starts (or extends) the loop so that `iterations` more iterations run. Returns at once.
   * `evaluateOn` (benchmark ids) replaces the benchmarks the loop's judges are evaluated on;
   * left out, the experiment keeps the ones it has (none at first). `untilNoGain` (K) stops the loop
   * early after K trained judges in a row without a gain on those benchmarks (loop/stopping.ts).
   */
  async runLoop(experimentId: number, iterations: number, evaluateOn?: readonly number[] | null, untilNoGain?: number | null): Promise<ExperimentRow> {
    const experiment = await this.pipeline.experiment(experimentId);
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_LOOP_ITERATIONS) {
      throw badInput('iterations', `must be a whole number from 1 to ${MAX_LOOP_ITERATIONS}, got ${iterations}`);
    }
    if (experiment.loopStatus === 'RUNNING') throw conflict(`experiment ${experiment.id} already runs a loop (to iteration ${experiment.loopTarget})`, 'experimentId');
    const instructions = await experimentsRepo.listInstructions(this.database.db, experiment.id, 1);
    if (instructions.length === 0) throw badInput('experimentId', 'the experiment has no instructions: call importInstructions first');
    const benchmarkIds = evaluateOn == null ? undefined : await this.evaluations.benchmarkIds(evaluateOn, 'evaluateOn');
    if (untilNoGain != null) {
      if (!Number.isInteger(untilNoGain) || untilNoGain < 1 || untilNoGain > MAX_PATIENCE) throw badInput('untilNoGain', `must be a whole number of iterations from 1 to ${MAX_PATIENCE}, got ${untilNoGain}`);
      if ((benchmarkIds ?? (experiment.loopEvaluateOn as number[])).length === 0) throw badInput('untilNoGain', 'needs validation benchmarks: pass evaluateOn');
    }
    const latest = await experimentsRepo.latestIteration(this.database.db, experiment.id);
    const finished = latest ? (latest.status === 'SUCCEEDED' ? latest.index : latest.index - 1) : 0;
    const updated = await experimentsRepo.setLoop(this.database.db, experiment.id, {
      loopTarget: finished + iterations,
      loopStatus: 'RUNNING',
      loopError: null,
      ...(benchmarkIds ? { loopEvaluateOn: benchmarkIds } : {}),
      loopStop: untilNoGain == null ? null : { patience: untilNoGain, reason: null },
    });
    await this.requestAdvance(experiment.id);
    return updated!;
  }

  async requestAdvance(experimentId: number): Promise<void> {
    await this.queue.send('stage-control', [{ type: 'advance-loop', experimentId }]);
  }

  /** Called when any stage finishes. */
  async onStageFinished(stage: StageRow): Promise<void> {
    if (stage.experimentId === null) return; // an evaluation outside any experiment
    const experiment = await experimentsRepo.getExperiment(this.database.db, stage.experimentId);
    if (experiment?.loopStatus === 'RUNNING') await this.requestAdvance(experiment.id);
  }

  /** Advances every running loop (the periodic sweep). */
  async sweep(): Promise<void> {
    for (const id of await experimentsRepo.runningLoops(this.database.db)) await this.advance(id);
  }

  /** One step of the loop; concurrent calls for one experiment run one at a time, in any process. */
  async advance(experimentId: number): Promise<void> {
    const previous = this.advancing.get(experimentId) ?? Promise.resolve();
    // One step at a time per experiment: in this process (the chain) and across processes (the lock),
    // so two workers handling advance jobs never start the same stage twice.
    const next = previous.then(() => this.database.withLock(`loop:${experimentId}`, () => this.step(experimentId))).catch((error: unknown) => this.stop(experimentId, 'FAILED', errorText(error)));
    this.advancing.set(experimentId, next);
    await next;
    if (this.advancing.get(experimentId) === next) this.advancing.delete(experimentId);
  }

  private async step(experimentId: number): Promise<void> {
    const db = this.database.db;
    const experiment = await experimentsRepo.getExperiment(db, experimentId);
    if (!experiment || experiment.loopStatus !== 'RUNNING') return;
    const active = await stagesRepo.activeStages(db, experimentId);
    if (active.length > 0) return; // a stage is running; its end calls us again
    const config = this.pipeline.configOf(experiment);

    if (config.keepCategories.length > 0 && (await experimentsRepo.uncategorizedInstructionIds(db, experimentId)).length > 0) {
      const stage = await stagesRepo.latestStage(db, experimentId, 'CATEGORIZE');
      if (await this.stopOnFailure(experimentId, stage)) return;
      if (!stage) {
        await this.pipeline.categorizeInstructions(experimentId);
        return;
      }
    }

    const latest = await experimentsRepo.latestIteration(db, experimentId);
    if (!latest || latest.status === 'SUCCEEDED') {
      if (await this.evaluateLoopJudge(experiment, null)) return;
      if (latest && (await this.evaluateLoopJudge(experiment, latest))) return;
      if (latest && (await this.stopWithoutGain(experiment))) return;
      if ((latest?.index ?? 0) >= (experiment.loopTarget ?? 0)) {
        await this.stop(experimentId, 'SUCCEEDED', null);
        return;
      }
      const pairsStage = await stagesRepo.latestStage(db, experimentId, 'GENERATE_PAIRS');
      const generation = latest ? (config.regeneratePairs ? latest.pairGeneration + 1 : latest.pairGeneration) : 0;
      const needed = await pairsRepo.instructionsNeedingPairs(db, experimentId, generation, config.keepCategories);
      if (needed.length > 0) {
        if (pairsStage && Number((pairsStage.params as { generation?: number }).generation ?? 0) === generation && (await this.stopOnFailure(experimentId, pairsStage))) return;
        await this.pipeline.generatePairs(experimentId);
        return;
      }
      await this.pipeline.startIteration(experimentId);
      await this.requestAdvance(experimentId);
      return;
    }
    if (latest.status === 'FAILED' || latest.status === 'CANCELLED') {
      await this.stop(experimentId, latest.status, latest.error ?? `iteration ${latest.index} ${latest.status.toLowerCase()}`);
      return;
    }
    if (latest.status === 'AWAITING_MODEL') return; // registerJudgeModel finishes TRAIN, which calls us again

    const order: { kind: StageKind; start: () => Promise<unknown> }[] = [
      { kind: 'JUDGE', start: () => this.pipeline.judgePairs(latest.id) },
      { kind: 'SELECT', start: () => this.pipeline.selectJudgments(latest.id) },
      { kind: 'TRAIN', start: () => this.pipeline.trainJudge(latest.id) },
    ];
    for (const { kind, start } of order) {
      const stage = await stagesRepo.latestStage(db, experimentId, kind, latest.id);
      if (await this.stopOnFailure(experimentId, stage)) return;
      if (!stage) {
        // An iteration started by hand may come before the seed's evaluations.
        if (kind === 'JUDGE' && (await this.evaluateLoopJudge(experiment, null))) return;
        await start();
        return;
      }
    }
  }

  /**
   * Evaluates a judge of the loop (the seed when `iteration` is null, else the judge it trained) on
   * the benchmarks of evaluateOn where that is not done yet. True when the loop must wait for the
   * evaluations, or was stopped because one failed.
   */
  private async evaluateLoopJudge(experiment: ExperimentRow, iteration: IterationRow | null): Promise<boolean> {
    const benchmarkIds = experiment.loopEvaluateOn as number[];
    if (benchmarkIds.length === 0) return false;
    const state = await this.evaluations.ensureLoopEvaluations(experiment, iteration, benchmarkIds);
    if (state === 'done') return false;
    if (state !== 'waiting') await this.stop(experiment.id, 'FAILED', state.failed);
    return true;
  }

  /** Ends the loop (SUCCEEDED, with the reason) when its stopping rule says the judges stopped improving. */
  private async stopWithoutGain(experiment: ExperimentRow): Promise<boolean> {
    const rule = experiment.loopStop as LoopStop | null;
    if (!rule) return false;
    const judges = await validatedJudges(this.database.db, experiment, experiment.loopEvaluateOn as number[]);
    const decision = decideStop(judges, rule.patience, (experiment.config as ExperimentConfig).seed);
    if (!decision.stop) return false;
    await experimentsRepo.setLoop(this.database.db, experiment.id, { loopStatus: 'SUCCEEDED', loopError: null, loopStop: { ...rule, reason: decision.reason } });
    this.logger.info({ experimentId: experiment.id, reason: decision.reason }, 'loop stopped early');
    return true;
  }

  /**
   * The best judge of the experiment on its validation benchmarks (runLoop's evaluateOn) with the
   * scores of every judge evaluated there; null without validation benchmarks.
   */
  async bestJudge(experimentId: number): Promise<{ best: JudgeScore | null; judges: JudgeScore[] } | null> {
    const experiment = await this.pipeline.experiment(experimentId);
    const benchmarkIds = experiment.loopEvaluateOn as number[];
    if (benchmarkIds.length === 0) return null;
    const judges = (await validatedJudges(this.database.db, experiment, benchmarkIds)).map(scoreJudge);
    return { best: bestJudge(judges), judges };
  }

  /** Stops the loop when a stage it depends on failed or was cancelled. */
  private async stopOnFailure(experimentId: number, stage: StageRow | undefined): Promise<boolean> {
    if (!stage || (stage.status !== 'FAILED' && stage.status !== 'CANCELLED')) return false;
    await this.stop(experimentId, stage.status, `${stage.kind} stage ${stage.id} ${stage.status.toLowerCase()}: ${stage.error ?? 'no reason given'}`);
    return true;
  }

  private async stop(experimentId: number, status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', error: string | null): Promise<void> {
    await experimentsRepo.setLoop(this.database.db, experimentId, { loopStatus: status, loopError: error });
    if (error) this.logger.warn({ experimentId, status, error }, 'loop stopped');
    else this.logger.info({ experimentId }, 'loop finished');
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
