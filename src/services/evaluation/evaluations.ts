/**
 * Evaluations of judges on benchmarks: starting them (evaluateJudge, and for runLoop), their
 * results (stored when the EVALUATE stage finishes; computed from the verdicts so far while it
 * runs), the item-by-item diff of two evaluations, and the per-verdict JSONL export.
 */
import type { Database } from '../../db/database.js';
import * as benchmarksRepo from '../../db/benchmarks-repo.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import { isActiveStage } from '../../domain/vocabulary.js';
import { correctVerdict } from '../../domain/vocabulary.js';
import type { JudgmentOrder, Verdict } from '../../domain/vocabulary.js';
import type { BenchmarkRow, EvaluationRow, ExperimentRow, IterationRow, StageRow } from '../../db/schema.js';
import type { BenchmarkService } from '../imports/benchmarks.js';
import { badInput, notFound } from '../../domain/errors.js';
import { optionsOf } from '../stages/evaluate.js';
import { resolveEvaluateOptions } from './options.js';
import type { EvaluateOptionsInput } from './options.js';
import { computeResults, isOutdatedResults } from './results.js';
import type { EvaluationResults } from './results.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { diffEvaluations, verdictScore } from './metrics.js';
import { DEFAULT_JUDGE_TEMPLATE } from '../../domain/prompts.js';
import type { JudgeTemplate } from '../../domain/prompts.js';
import type { StageRunner } from '../stages/runner.js';
import { humanAgreement } from './agreement.js';
import { diffItemsPage, evaluationItems } from './items.js';
import type { DiffFilter, DiffItem, ItemFilter, PageArgs } from './items.js';
import type { HumanAgreement } from './agreement.js';
import type { MtBenchLabels } from '../imports/mtbench-human.js';

export type EvaluateJudgeInput = {
  benchmarkId: number;
  /** The judge this iteration trained (M_{t+1}). */
  iterationId?: number | null;
  /** This experiment's seed judge (M_1). */
  experimentId?: number | null;
  /** Any model name, outside any experiment. */
  model?: string | null;
  options?: EvaluateOptionsInput | null;
};

export type { ItemChangeCode } from './items.js';
import type { ItemChangeCode } from './items.js';
const CHANGE_CODES = { fixed: 'FIXED', broken: 'BROKEN', stillWrong: 'STILL_WRONG', stillRight: 'STILL_RIGHT' } as const;

type Judge = { experimentId: number | null; iterationId: number | null; judgeModel: string; template: JudgeTemplate };

export class EvaluationService {
  private readonly resultsMemo = new WeakMap<EvaluationRow, Promise<{ results: EvaluationResults; partial: boolean }>>();

  constructor(
    private readonly database: Database,
    private readonly runner: StageRunner,
    private readonly benchmarks: BenchmarkService,
  ) {}

  private get db() {
    return this.database.db;
  }

  async evaluation(id: number, field = 'evaluationId'): Promise<EvaluationRow> {
    const [row] = await evaluationsRepo.getEvaluations(this.db, [id]);
    if (!row) throw notFound(field, 'evaluation', id);
    return row;
  }

  async find(id: number): Promise<EvaluationRow | undefined> {
    return (await evaluationsRepo.getEvaluations(this.db, [id]))[0];
  }

  /** Validates everything, then stores the evaluation and queues its EVALUATE stage. Returns at once. */
  async evaluateJudge(input: EvaluateJudgeInput): Promise<EvaluationRow> {
    const benchmark = await this.benchmarks.benchmark(input.benchmarkId, 'benchmarkId');
    return this.start(benchmark, await this.judgeOf(input), input.options);
  }

  private async judgeOf(input: EvaluateJudgeInput): Promise<Judge> {
    const given = (['iterationId', 'experimentId', 'model'] as const).filter((k) => input[k] != null && input[k] !== '');
    if (given.length !== 1) {
      throw badInput(given[1] ?? 'model', 'name exactly one judge: iterationId (the judge it trained), experimentId (its seed judge) or model (any model name)');
    }
    if (input.iterationId) {
      const iteration = await experimentsRepo.getIteration(this.db, input.iterationId);
      if (!iteration) throw notFound('iterationId', 'iteration', input.iterationId);
      if (!iteration.trainedModel) {
        throw badInput('iterationId', `iteration ${iteration.id} has no trained judge yet (status ${iteration.status}): evaluate it once TRAIN has succeeded`);
      }
      const experiment = (await experimentsRepo.getExperiment(this.db, iteration.experimentId))!;
      return this.loopJudge(experiment, iteration);
    }
    if (input.experimentId) {
      const experiment = await experimentsRepo.getExperiment(this.db, input.experimentId);
      if (!experiment) throw notFound('experimentId', 'experiment', input.experimentId);
      return this.loopJudge(experiment, null);
    }
    const model = (input.model ?? '').trim();
    if (!model || model.length > 256) throw badInput('model', 'must be a model name of 1 to 256 characters');
    return { experimentId: null, iterationId: null, judgeModel: model, template: DEFAULT_JUDGE_TEMPLATE };
  }

  /** The seed judge (iteration null) or an iteration's trained judge, with the experiment's template. */
  private loopJudge(experiment: ExperimentRow, iteration: IterationRow | null): Judge {
    const config = experiment.config as ExperimentConfig;
    const judgeModel = iteration ? iteration.trainedModel! : config.judgeModel;
    return { experimentId: experiment.id, iterationId: iteration?.id ?? null, judgeModel, template: config.judgeTemplate };
  }

  private async start(benchmark: BenchmarkRow, judge: Judge, input: EvaluateOptionsInput | null | undefined): Promise<EvaluationRow> {
    const subsetNames = (await benchmarksRepo.subsetSizes(this.db, [benchmark.id])).map((s) => s.name);
    const options = resolveEvaluateOptions(input, { judgeTemplate: judge.template, subsetNames });
    const evaluation = await evaluationsRepo.insertEvaluation(this.db, {
      benchmarkId: benchmark.id,
      experimentId: judge.experimentId,
      iterationId: judge.iterationId,
      judgeModel: judge.judgeModel,
      options,
    });
    try {
      await this.runner.start({ experimentId: judge.experimentId, evaluationId: evaluation.id, kind: 'EVALUATE' });
    } catch (error) {
      await evaluationsRepo.updateEvaluation(this.db, evaluation.id, { status: 'FAILED', error: `could not start: ${(error as Error).message}` });
      throw error;
    }
    return (await evaluationsRepo.getEvaluations(this.db, [evaluation.id]))[0]!;
  }

  /** Keeps the evaluation's status and error in step with its stage (a stage-finished listener). */
  async onStageFinished(stage: StageRow): Promise<void> {
    if (stage.kind !== 'EVALUATE' || stage.evaluationId === null) return;
    await evaluationsRepo.updateEvaluation(this.db, stage.evaluationId, { status: stage.status, error: stage.error });
  }

  /**
   * The results: the stored ones once the stage has finished (`partial` false), otherwise computed
   * from the verdicts stored so far. Computed at most once per row object (one GraphQL request).
   */
  results(evaluation: EvaluationRow, stage: StageRow | undefined): Promise<{ results: EvaluationResults; partial: boolean }> {
    let memo = this.resultsMemo.get(evaluation);
    if (!memo) {
      memo = this.computeResults(evaluation, stage);
      this.resultsMemo.set(evaluation, memo);
    }
    return memo;
  }

  private async computeResults(evaluation: EvaluationRow, stage: StageRow | undefined) {
    const finished = stage !== undefined && !isActiveStage(stage.status);
    if (finished && evaluation.results && !isOutdatedResults(evaluation.results)) return { results: evaluation.results as EvaluationResults, partial: false };
    if (finished) {
      // The row may have been read just before the finishing transaction committed: read it again.
      const [fresh] = await evaluationsRepo.getEvaluations(this.db, [evaluation.id]);
      if (fresh?.results && !isOutdatedResults(fresh.results)) return { results: fresh.results as EvaluationResults, partial: false };
      // Stored by an older version without the labelled section scores: the same verdicts give them.
      if (fresh?.results) return { results: computeResults(await evaluationsRepo.verdictRows(this.db, evaluation.id), optionsOf(evaluation).seed), partial: false };
    }
    const rows = await evaluationsRepo.verdictRows(this.db, evaluation.id);
    return { results: computeResults(rows, optionsOf(evaluation).seed), partial: true };
  }

  /**
   * Item by item, how b's verdicts differ from a's (two evaluations of one benchmark): counts of
   * fixed / broken / still wrong / still right items, the items that are not still right, and the
   * change in accuracy with a paired bootstrap interval (seeded by a's seed).
   */
  async diff(aId: number, bId: number) {
    const a = await this.evaluation(aId, 'a');
    const b = await this.evaluation(bId, 'b');
    if (a.benchmarkId !== b.benchmarkId) {
      throw badInput('b', `evaluation ${b.id} is on benchmark ${b.benchmarkId} but evaluation ${a.id} on benchmark ${a.benchmarkId}: compare evaluations of one benchmark`);
    }
    const d = diffEvaluations(await evaluationsRepo.verdictRows(this.db, a.id), await evaluationsRepo.verdictRows(this.db, b.id), { seed: optionsOf(a).seed });
    const shown = d.items.filter((i) => i.change !== 'stillRight');
    const items = new Map((await benchmarksRepo.getItems(this.db, shown.map((i) => Number(i.itemId)))).map((r) => [r.id, r]));
    const { change } = d;
    const allItems: DiffItem[] = d.items.map((i) => ({ itemId: Number(i.itemId), subset: i.subset, change: CHANGE_CODES[i.change], a: i.a, b: i.b }));
    return {
      allItems,
      a,
      b,
      fixed: d.counts.fixed,
      broken: d.counts.broken,
      stillWrong: d.counts.stillWrong,
      stillRight: d.counts.stillRight,
      onlyInA: d.counts.onlyInA,
      onlyInB: d.counts.onlyInB,
      accuracyA: d.accuracyA,
      accuracyB: d.accuracyB,
      accuracyChange: change.value === null || change.ci === null ? null : { value: change.value, low: change.ci.low, high: change.ci.high },
      items: shown.map((i) => ({ item: items.get(Number(i.itemId))!, change: CHANGE_CODES[i.change] as ItemChangeCode, a: i.a, b: i.b })),
    };
  }

  /** A page of a diff's items, every change (STILL_RIGHT too) unless `changes` names some; one subset when given. */
  diffPage(diff: { allItems: DiffItem[] }, filter: DiffFilter, args: PageArgs) {
    return diffItemsPage(this.db, diff.allItems, filter, args);
  }

  /**
   * A page of an evaluation's items with both orders' verdicts, every sample's reasoning and the
   * item's texts; `against` (an evaluation of the same benchmark) gives each item its change.
   */
  async items(evaluation: EvaluationRow, filter: ItemFilter & { against?: number | null }, args: PageArgs) {
    let againstId: number | null = null;
    if (filter.against != null) {
      const against = await this.evaluation(filter.against, 'filter.against');
      if (against.benchmarkId !== evaluation.benchmarkId) {
        throw badInput('filter.against', `evaluation ${against.id} is on benchmark ${against.benchmarkId}, not ${evaluation.benchmarkId}`);
      }
      againstId = against.id;
    }
    return evaluationItems(this.db, evaluation.id, againstId, filter, args);
  }

  /**
   * Agreement with the human votes of an MT-Bench human-judgment benchmark (see agreement.ts),
   * over the verdicts stored so far; null for a benchmark of another format.
   */
  async humanAgreement(evaluation: EvaluationRow): Promise<HumanAgreement | null> {
    const benchmark = await this.benchmarks.benchmark(evaluation.benchmarkId);
    if (benchmark.format !== 'mtbench_human') return null;
    const items = (await benchmarksRepo.labelledItems(this.db, benchmark.id)).map((i) => ({ id: i.id, labels: i.labels as MtBenchLabels }));
    return humanAgreement(items, await evaluationsRepo.verdictRows(this.db, evaluation.id));
  }

  /** Validates the request before anything is sent, then returns the lines of GET /exports/evaluations/{id}/{format}.jsonl. */
  async exportLines(evaluationId: number, format: string): Promise<AsyncGenerator<string>> {
    if (format !== 'verdicts') throw badInput('format', `unknown export format "${format}": use verdicts`);
    return this.verdictLines(await this.evaluation(evaluationId));
  }

  private async *verdictLines(evaluation: EvaluationRow): AsyncGenerator<string> {
    const PAGE = 1_000;
    let after: evaluationsRepo.ExportCursor | null = null;
    for (;;) {
      const rows = await evaluationsRepo.exportVerdicts(this.db, evaluation.id, after, PAGE);
      for (const r of rows) {
        const order = r.order as JudgmentOrder;
        const verdict = r.verdict as Verdict;
        after = { position: Number(r.position), order, sample: Number(r.sample) };
        yield JSON.stringify({
          evaluation_id: String(evaluation.id),
          item_id: String(r.item_id),
          position: Number(r.position),
          subset: r.subset,
          source_id: r.source_id,
          order,
          sample: Number(r.sample),
          model: evaluation.judgeModel,
          verdict,
          correct: verdict === correctVerdict(order),
          score: verdictScore(order, verdict),
          prompt: r.prompt,
          chosen: r.chosen,
          rejected: r.rejected,
          reasoning: r.reasoning,
          finish_reason: r.finish_reason,
          prompt_tokens: Number(r.prompt_tokens),
          completion_tokens: Number(r.completion_tokens),
          created_at: r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at,
        });
      }
      if (rows.length < PAGE) return;
    }
  }

  /** runLoop's evaluateOn: benchmark ids that exist, repeats dropped (BAD_USER_INPUT naming `field` otherwise). */
  async benchmarkIds(ids: readonly number[], field: string): Promise<number[]> {
    const out: number[] = [];
    for (const id of ids) {
      const benchmark = await this.benchmarks.benchmark(id, field);
      if (!out.includes(benchmark.id)) out.push(benchmark.id);
    }
    return out;
  }

  /**
   * For runLoop: evaluates a judge of the experiment (the seed when `iteration` is null, else the
   * judge it trained) with the default options on each benchmark where it has no evaluation yet.
   * `waiting` while one is queued or running; `failed` with the reason when the newest evaluation
   * on some benchmark failed or was cancelled.
   */
  async ensureLoopEvaluations(experiment: ExperimentRow, iteration: IterationRow | null, benchmarkIds: readonly number[]): Promise<'done' | 'waiting' | { failed: string }> {
    let waiting = false;
    const judge = this.loopJudge(experiment, iteration);
    for (const benchmarkId of benchmarkIds) {
      const latest = await evaluationsRepo.latestLoopEvaluation(this.db, experiment.id, judge.iterationId, benchmarkId);
      const what = `the evaluation of ${judge.judgeModel} on benchmark ${benchmarkId}`;
      if (!latest) {
        const [benchmark] = await benchmarksRepo.getBenchmarks(this.db, [benchmarkId]);
        if (!benchmark) return { failed: `benchmark ${benchmarkId} of evaluateOn is gone` };
        await this.start(benchmark, judge, null);
        waiting = true;
        continue;
      }
      const stage = (await evaluationsRepo.stagesOfEvaluations(this.db, [latest.id])).at(-1);
      if (!stage) return { failed: `${what} (evaluation ${latest.id}) did not start: ${latest.error ?? 'no stage'}` };
      if (isActiveStage(stage.status)) waiting = true;
      else if (stage.status !== 'SUCCEEDED') {
        return { failed: `${what} (evaluation ${latest.id}, EVALUATE stage ${stage.id}) ${stage.status.toLowerCase()}: ${stage.error ?? 'no reason given'}` };
      }
    }
    return waiting ? 'waiting' : 'done';
  }
}
