/**
 * JUDGE: the iteration's judge M_t judges every ready pair in both orders, N samples per order,
 * asked for in one request (`n`). Every sample is stored with its full text, verdict, correctness
 * and token usage; an unreadable verdict is UNPARSEABLE, never guessed.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import type { NewJudgment } from '../../db/judgments/index.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import type { IterationRow, StageRow } from '../../db/schema.js';
import { verdictParser } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import { correctVerdict, ORDERS, orderItemKey, parseOrderItemKey } from '../../domain/vocabulary.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { checkEndpoint, judgeEndpoint } from './endpoints.js';
import { checkBatchEndpoint, runItems, stageExecution } from './execution.js';
import type { Endpoints } from './endpoints.js';
import type { StageHandler } from './handler.js';
import { sampleExtraNegatives } from './extra-negatives.js';
import { judgeInOrder } from './judging.js';
import type { Judge } from './judging.js';

export type JudgeDeps = { db: Db; endpoints: Endpoints; config: (experimentId: number) => Promise<ExperimentConfig> };

type FixedIteration = Pick<IterationRow, 'id' | 'index' | 'judgeModel'>;

export function judgeStageHandler(deps: JudgeDeps): StageHandler {
  const { db } = deps;
  const iterationOf = async (stage: StageRow) => {
    const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
    if (!iteration) throw new Error(`iteration ${stage.iterationId} of stage ${stage.id} is gone`);
    return iteration;
  };
  // What a batch needs of its iteration never changes once the iteration exists (status and
  // counters do, and are not read here): read once per iteration, not once per batch.
  const fixed = new Map<number, Promise<FixedIteration>>();
  const fixedOf = (stage: StageRow) => {
    const key = stage.iterationId!;
    let found = fixed.get(key);
    if (!found) {
      if (fixed.size >= 64) fixed.clear();
      const reading = iterationOf(stage).then(({ id, index, judgeModel }) => ({ id, index, judgeModel }));
      reading.catch(() => fixed.get(key) === reading && fixed.delete(key));
      fixed.set(key, reading);
      found = reading;
    }
    return found;
  };
  return {
    kind: 'JUDGE',
    async preflight(stage) {
      const [iteration, config] = await Promise.all([fixedOf(stage), deps.config(stage.experimentId!)]);
      const name = judgeEndpoint(config, iteration.judgeModel);
      const refusal = await checkEndpoint(deps.endpoints(name), name, [iteration.judgeModel]);
      if (refusal !== undefined || stageExecution(stage, config).execution === 'ONLINE') return refusal;
      return checkBatchEndpoint(deps.endpoints(name), name);
    },
    async executionOf(stage) {
      return stageExecution(stage, await deps.config(stage.experimentId!)).execution;
    },
    async pendingKeys(stage) {
      const iteration = await iterationOf(stage);
      const pairIds = await pairsRepo.readyPairIds(db, stage.experimentId!, iteration.pairGeneration);
      const judged = await judgmentsRepo.judgedItemKeys(db, iteration.id, pairIds);
      return pairIds.flatMap((id) => ORDERS.map((o) => orderItemKey(id, o))).filter((k) => !judged.has(k));
    },
    async storedKeys(stage, keys) {
      const pairIds = [...new Set(keys.map((k) => parseOrderItemKey(k).id))];
      return judgmentsRepo.judgedItemKeys(db, stage.iterationId!, pairIds);
    },
    async process(stage, keys, control) {
      const iteration = await fixedOf(stage);
      const config = await deps.config(stage.experimentId!);
      const judge: Judge = {
        model: iteration.judgeModel,
        template: config.judgeTemplate,
        parse: verdictParser(config.judgeTemplate),
        sampling: { n: config.samplesPerOrder, temperature: config.temperature, topP: config.topP, maxTokens: config.maxTokens },
        tags: { experiment: String(stage.experimentId), iteration: String(iteration.id), stage: 'JUDGE' },
      };
      const endpoint = judgeEndpoint(config, iteration.judgeModel);
      const items = keys.map(parseOrderItemKey);
      const pairs = new Map((await pairsRepo.pairsForJudging(db, [...new Set(items.map((i) => i.id))])).map((p) => [p.id, p]));
      return runItems<(typeof items)[number], NewJudgment>({
        stage,
        ...stageExecution(stage, config),
        llm: deps.endpoints(endpoint),
        endpoint,
        model: iteration.judgeModel,
        control,
        items,
        keyOf: (i) => orderItemKey(i.id, i.order),
        async work({ id, order }, signal, llm) {
          const pair = pairs.get(id);
          if (!pair) return undefined;
          const task = { order, question: pair.question, chosen: pair.chosen, rejected: pair.rejected, seed: deriveSeed(config.seed, 'judge', iteration.index, pair.textHash, order), signal };
          const judged = await judgeInOrder(llm, judge, task);
          const extra = await sampleExtraNegatives(llm, config, { order, textHash: pair.textHash, iterationIndex: iteration.index, samples: judged.samples }, judge, task);
          const samples = [...judged.samples, ...(extra?.samples ?? [])];
          const rows = samples.map((sample) => ({ pairId: id, order, ...sample, correct: sample.verdict === correctVerdict(order), model: iteration.judgeModel }));
          const usage = extra
            ? { promptTokens: judged.usage.promptTokens + extra.usage.promptTokens, completionTokens: judged.usage.completionTokens + extra.usage.completionTokens }
            : judged.usage;
          return { usage, rows };
        },
        outcome: (batch) => ({
          failures: batch.failures,
          fatal: batch.fatal,
          usage: batch.usage,
          async write(tx) {
            const inserted = await judgmentsRepo.insertJudgments(tx, iteration.id, batch.rows);
            return new Set(inserted.map((r) => orderItemKey(r.pairId, r.order))).size;
          },
        }),
      });
    },
  };
}
