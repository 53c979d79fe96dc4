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
import * as stagesRepo from '../../db/stages-repo.js';
import type { EvaluationRow, StageRow } from '../../db/schema.js';
import type { LlmClient } from '../../llm/index.js';
import { itemOrders } from '../evaluation/options.js';
import type { EvaluationOptions } from '../evaluation/options.js';
import { computeResults } from '../evaluation/results.js';
import { itemKey, judgeSamples, parseItemKey } from './judge.js';
import { judgePrompt, verdictParser } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import type { BatchOutcome, StageHandler } from './runner.js';
import { attemptsOf, failureText, forEachItem, isAbort } from './runner.js';

export type EvaluateDeps = { db: Db; llm: LlmClient };

export const optionsOf = (evaluation: EvaluationRow) => evaluation.options as EvaluationOptions;

export function evaluateStageHandler(deps: EvaluateDeps): StageHandler {
  const { db, llm } = deps;
  const evaluationOf = async (stage: StageRow, reader: Db = db) => {
    const [evaluation] = await evaluationsRepo.getEvaluations(reader, [stage.evaluationId ?? 0]);
    if (!evaluation) throw new Error(`evaluation ${stage.evaluationId} of stage ${stage.id} is gone`);
    return evaluation;
  };
  return {
    kind: 'EVALUATE',
    async pendingKeys(stage) {
      const evaluation = await evaluationOf(stage);
      const options = optionsOf(evaluation);
      const items = await benchmarksRepo.planningItems(db, evaluation.benchmarkId, options.subsets);
      const stored = await evaluationsRepo.verdictItemKeys(db, evaluation.id, items.map((i) => i.id));
      const keys = items.flatMap((item) => itemOrders(options, item).map((order) => itemKey(item.id, order))).filter((k) => !stored.has(k));
      const failed = await stagesRepo.failureKeys(db, stage.id, keys);
      return keys.filter((k) => !failed.has(k));
    },
    async storedKeys(stage, keys) {
      const itemIds = [...new Set(keys.map((k) => parseItemKey(k).id))];
      return evaluationsRepo.verdictItemKeys(db, stage.evaluationId ?? 0, itemIds);
    },
    async process(stage, keys, control): Promise<BatchOutcome> {
      const evaluation = await evaluationOf(stage);
      const options = optionsOf(evaluation);
      const parse = verdictParser(options.judgeTemplate);
      const wanted = keys.map(parseItemKey);
      const items = new Map((await benchmarksRepo.getItems(db, [...new Set(wanted.map((w) => w.id))])).map((i) => [i.id, i]));
      const rows: NewVerdict[] = [];
      const failures: BatchOutcome['failures'] = [];
      const usage = { promptTokens: 0, completionTokens: 0 };
      const tags: Record<string, string> = { evaluation: String(evaluation.id), stage: 'EVALUATE' };
      if (evaluation.experimentId !== null) tags.experiment = String(evaluation.experimentId);
      await forEachItem(wanted, async ({ id, order }) => {
        const item = items.get(id);
        if (!item || !control.active()) return;
        const [a, b] = order === 'CHOSEN_FIRST' ? [item.chosen, item.rejected] : [item.rejected, item.chosen];
        try {
          const judged = await judgeSamples(llm, {
            model: evaluation.judgeModel,
            messages: judgePrompt(options.judgeTemplate, item.prompt, a, b),
            n: options.samples,
            temperature: options.temperature,
            top_p: options.topP,
            max_tokens: options.maxTokens,
            // Keyed by the item's content and position, not its id: reproducible in any database.
            seed: deriveSeed(options.seed, 'evaluate', item.position, item.promptHash, order),
            signal: control.signal,
            tags,
          }, parse);
          usage.promptTokens += judged.usage.promptTokens;
          usage.completionTokens += judged.usage.completionTokens;
          for (const sample of judged.samples) rows.push({ itemId: id, order, ...sample });
        } catch (error) {
          if (isAbort(error)) return;
          failures.push({ itemKey: itemKey(id, order), error: failureText(error), attempts: attemptsOf(error) });
        }
      });
      return {
        failures,
        usage,
        async write(tx) {
          const inserted = await evaluationsRepo.insertVerdicts(tx, evaluation.id, stage.id, rows);
          return new Set(inserted.map((r) => itemKey(r.itemId, r.order))).size;
        },
      };
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
