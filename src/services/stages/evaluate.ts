/**
 * EVALUATE: a judge scored on a labelled benchmark. Items are "itemId:order"; each is one request
 * for k samples (`n`), read with the evaluation's own verdict patterns (both labels or none is
 * UNPARSEABLE, never guessed) and stored with its full text. The stage's finishing transaction
 * computes the results from every stored verdict and stores them on the evaluation.
 */
import type { Db } from '../../db/database.js';
import * as benchmarksRepo from '../../db/benchmarks-repo.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import type { NewVerdict } from '../../db/evaluations-repo.js';
import type { EvaluationRow, StageRow } from '../../db/schema.js';
import { verdictParser } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import { orderItemKey, parseOrderItemKey } from '../../domain/vocabulary.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { DEFAULT_ENDPOINT } from '../experiments/names.js';
import { itemOrders } from '../evaluation/options.js';
import type { EvaluationOptions } from '../evaluation/options.js';
import { computeResults } from '../evaluation/results.js';
import { checkEndpoint, judgeEndpoint } from './endpoints.js';
import type { Endpoints } from './endpoints.js';
import { checkBatchEndpoint, runItems, stageExecution } from './execution.js';
import type { StageHandler } from './handler.js';
import { judgeInOrder } from './judging.js';
import type { Judge } from './judging.js';

export type EvaluateDeps = { db: Db; endpoints: Endpoints; config: (experimentId: number) => Promise<ExperimentConfig> };

export const optionsOf = (evaluation: EvaluationRow) => evaluation.options as EvaluationOptions;

export function evaluateStageHandler(deps: EvaluateDeps): StageHandler {
  const { db } = deps;
  /** An experiment's judges are called on its endpoints; an evaluation outside any experiment uses `default`. */
  const endpointOf = async (evaluation: EvaluationRow) =>
    evaluation.experimentId === null ? DEFAULT_ENDPOINT : judgeEndpoint(await deps.config(evaluation.experimentId), evaluation.judgeModel);
  const evaluationOf = async (stage: StageRow, reader: Db = db) => {
    const [evaluation] = await evaluationsRepo.getEvaluations(reader, [stage.evaluationId ?? 0]);
    if (!evaluation) throw new Error(`evaluation ${stage.evaluationId} of stage ${stage.id} is gone`);
    return evaluation;
  };
  /** An evaluation of an experiment's judge runs as the experiment does (or as its stage says); one outside any experiment, ONLINE unless its stage says. */
  const executionOf = async (stage: StageRow, evaluation: EvaluationRow) =>
    stageExecution(stage, evaluation.experimentId === null ? undefined : await deps.config(evaluation.experimentId));
  return {
    kind: 'EVALUATE',
    async preflight(stage) {
      const evaluation = await evaluationOf(stage);
      const name = await endpointOf(evaluation);
      const refusal = await checkEndpoint(deps.endpoints(name), name, [evaluation.judgeModel]);
      if (refusal !== undefined || (await executionOf(stage, evaluation)).execution === 'ONLINE') return refusal;
      return checkBatchEndpoint(deps.endpoints(name), name);
    },
    async executionOf(stage) {
      return (await executionOf(stage, await evaluationOf(stage))).execution;
    },
    async pendingKeys(stage) {
      const evaluation = await evaluationOf(stage);
      const options = optionsOf(evaluation);
      const items = await benchmarksRepo.planningItems(db, evaluation.benchmarkId, options.subsets);
      const stored = await evaluationsRepo.verdictItemKeys(db, evaluation.id, items.map((i) => i.id));
      return items.flatMap((item) => itemOrders(options, item).map((order) => orderItemKey(item.id, order))).filter((k) => !stored.has(k));
    },
    async storedKeys(stage, keys) {
      const itemIds = [...new Set(keys.map((k) => parseOrderItemKey(k).id))];
      return evaluationsRepo.verdictItemKeys(db, stage.evaluationId ?? 0, itemIds);
    },
    async process(stage, keys, control) {
      const evaluation = await evaluationOf(stage);
      const options = optionsOf(evaluation);
      const tags: Record<string, string> = { evaluation: String(evaluation.id), stage: 'EVALUATE' };
      if (evaluation.experimentId !== null) tags.experiment = String(evaluation.experimentId);
      const judge: Judge = {
        model: evaluation.judgeModel,
        template: options.judgeTemplate,
        parse: verdictParser(options.judgeTemplate),
        sampling: { n: options.samples, temperature: options.temperature, topP: options.topP, maxTokens: options.maxTokens },
        tags,
      };
      const endpoint = await endpointOf(evaluation);
      const wanted = keys.map(parseOrderItemKey);
      const items = new Map((await benchmarksRepo.getItems(db, [...new Set(wanted.map((w) => w.id))])).map((i) => [i.id, i]));
      return runItems<(typeof wanted)[number], NewVerdict>({
        stage,
        ...(await executionOf(stage, evaluation)),
        llm: deps.endpoints(endpoint),
        endpoint,
        model: evaluation.judgeModel,
        control,
        items: wanted,
        keyOf: (w) => orderItemKey(w.id, w.order),
        async work({ id, order }, signal, llm) {
          const item = items.get(id);
          if (!item) return undefined;
          // Keyed by the item's content and position, not its id: reproducible in any database.
          const seed = deriveSeed(options.seed, 'evaluate', item.position, item.promptHash, order);
          const judged = await judgeInOrder(llm, judge, { order, question: item.prompt, chosen: item.chosen, rejected: item.rejected, seed, signal });
          return { usage: judged.usage, rows: judged.samples.map((sample) => ({ itemId: id, order, ...sample })) };
        },
        outcome: (batch) => ({
          failures: batch.failures,
          fatal: batch.fatal,
          usage: batch.usage,
          async write(tx) {
            const inserted = await evaluationsRepo.insertVerdicts(tx, evaluation.id, stage.id, batch.rows);
            return new Set(inserted.map((r) => orderItemKey(r.itemId, r.order))).size;
          },
        }),
      });
    },
    async finalize(tx, stage) {
      const evaluation = await evaluationOf(stage, tx);
      const results = computeResults(await evaluationsRepo.verdictRows(tx, evaluation.id), optionsOf(evaluation).seed);
      await evaluationsRepo.updateEvaluation(tx, evaluation.id, { results });
      const { overall } = results;
      return { items: overall.items, verdicts: overall.verdicts, accuracy: overall.accuracy?.value ?? null, unparseableRate: overall.unparseableRate };
    },
  };
}
