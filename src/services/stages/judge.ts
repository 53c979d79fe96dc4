/**
 * JUDGE: the iteration's judge M_t judges every ready pair in both orders, N samples per order,
 * asked for in one request (`n`). Every sample is stored with its full text, verdict, correctness
 * and token usage; an unreadable verdict is UNPARSEABLE, never guessed.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments-repo.js';
import type { JudgmentOrder, NewJudgment } from '../../db/judgments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { IterationRow, StageRow } from '../../db/schema.js';
import type { ChatRequest, ChatResult, LlmClient } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { judgePrompt, verdictParser } from '../../domain/prompts.js';
import type { Verdict, VerdictParser } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import type { BatchOutcome, StageHandler } from './runner.js';
import { attemptsOf, failureText, forEachItem, isAbort } from './runner.js';

export const ORDERS: readonly JudgmentOrder[] = ['CHOSEN_FIRST', 'CHOSEN_SECOND'];

/** The verdict that names y_w in a given order. */
export const correctVerdict = (order: JudgmentOrder): Verdict => (order === 'CHOSEN_FIRST' ? 'A' : 'B');

export const itemKey = (pairId: number, order: string) => `${pairId}:${order}`;

export function parseItemKey(key: string): { id: number; order: JudgmentOrder } {
  const [id, order] = key.split(':');
  return { id: Number(id), order: order as JudgmentOrder };
}

/** Splits a request's usage over its samples, the remainder on sample 0, so sums stay exact. */
export function splitUsage(total: number, parts: number, index: number): number {
  const share = Math.floor(total / parts);
  return index === 0 ? total - share * (parts - 1) : share;
}

export type JudgedSample = {
  sample: number;
  reasoning: string;
  verdict: Verdict;
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
};

/**
 * One judge request for n samples (JUDGE and EVALUATE): each sample's full text, its verdict read by
 * `parse` (never guessed) and its share of the request's tokens. Rejects as `llm.chat` does.
 */
export async function judgeSamples(llm: LlmClient, request: ChatRequest, parse: VerdictParser): Promise<{ samples: JudgedSample[]; usage: ChatResult['usage'] }> {
  const result = await llm.chat(request);
  const n = result.choices.length;
  return {
    usage: result.usage,
    samples: result.choices.map((choice, sample) => ({
      sample,
      reasoning: choice.text,
      verdict: parse(choice.text),
      finishReason: choice.finishReason,
      promptTokens: splitUsage(result.usage.promptTokens, n, sample),
      completionTokens: splitUsage(result.usage.completionTokens, n, sample),
    })),
  };
}

export type JudgeDeps = { db: Db; llm: LlmClient; config: (experimentId: number) => Promise<ExperimentConfig> };

export function judgeStageHandler(deps: JudgeDeps): StageHandler {
  const { db, llm } = deps;
  const iterationOf = async (stage: StageRow) => {
    const iteration = await experimentsRepo.getIteration(db, stage.iterationId!);
    if (!iteration) throw new Error(`iteration ${stage.iterationId} of stage ${stage.id} is gone`);
    return iteration;
  };
  // What a batch needs of its iteration never changes once the iteration exists (status and
  // counters do, and are not read here): read once per iteration, not once per batch.
  const fixed = new Map<number, Promise<Pick<IterationRow, 'id' | 'index' | 'judgeModel'>>>();
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
    async pendingKeys(stage) {
      const iteration = await iterationOf(stage);
      const pairIds = await pairsRepo.readyPairIds(db, stage.experimentId!, iteration.pairGeneration);
      const judged = await judgmentsRepo.judgedItemKeys(db, iteration.id, pairIds);
      const keys = pairIds.flatMap((id) => ORDERS.map((o) => itemKey(id, o))).filter((k) => !judged.has(k));
      const failed = await stagesRepo.failureKeys(db, stage.id, keys);
      return keys.filter((k) => !failed.has(k));
    },
    async storedKeys(stage, keys) {
      const pairIds = [...new Set(keys.map((k) => parseItemKey(k).id))];
      return judgmentsRepo.judgedItemKeys(db, stage.iterationId!, pairIds);
    },
    async process(stage, keys, control): Promise<BatchOutcome> {
      const iteration = await fixedOf(stage);
      const config = await deps.config(stage.experimentId!);
      const parse = verdictParser(config.judgeTemplate);
      const items = keys.map(parseItemKey);
      const pairs = new Map((await pairsRepo.pairsForJudging(db, [...new Set(items.map((i) => i.id))])).map((p) => [p.id, p]));
      const rows: NewJudgment[] = [];
      const failures: BatchOutcome['failures'] = [];
      const usage = { promptTokens: 0, completionTokens: 0 };
      const tags = { experiment: String(stage.experimentId), iteration: String(iteration.id), stage: 'JUDGE' };
      await forEachItem(items, async ({ id, order }) => {
        const pair = pairs.get(id);
        if (!pair || !control.active()) return;
        const [a, b] = order === 'CHOSEN_FIRST' ? [pair.chosen, pair.rejected] : [pair.rejected, pair.chosen];
        try {
          const judged = await judgeSamples(llm, {
            model: iteration.judgeModel,
            messages: judgePrompt(config.judgeTemplate, pair.question, a, b),
            n: config.samplesPerOrder,
            temperature: config.temperature,
            top_p: config.topP,
            max_tokens: config.maxTokens,
            seed: deriveSeed(config.seed, 'judge', iteration.index, pair.textHash, order),
            signal: control.signal,
            tags,
          }, parse);
          usage.promptTokens += judged.usage.promptTokens;
          usage.completionTokens += judged.usage.completionTokens;
          for (const sample of judged.samples) {
            rows.push({ pairId: id, order, ...sample, correct: sample.verdict === correctVerdict(order), model: iteration.judgeModel });
          }
        } catch (error) {
          if (isAbort(error)) return;
          failures.push({ itemKey: itemKey(id, order), error: failureText(error), attempts: attemptsOf(error) });
        }
      });
      return {
        failures,
        usage,
        async write(tx) {
          const inserted = await judgmentsRepo.insertJudgments(tx, iteration.id, rows);
          return new Set(inserted.map((r) => itemKey(r.pairId, r.order))).size;
        },
      };
    },
  };
}
