/**
 * What JUDGE and EVALUATE share: one judge request for n samples of one (item, order), each
 * sample's full text, its verdict read by the template's parser (never guessed) and its share of
 * the request's tokens.
 */
import { judgePrompt } from '../../domain/prompts.js';
import type { JudgeTemplate, VerdictParser } from '../../domain/prompts.js';
import { answersInOrder } from '../../domain/vocabulary.js';
import type { JudgmentOrder, Verdict } from '../../domain/vocabulary.js';
import type { ChatRequest, ChatResult, ChatPort } from '../../llm/index.js';

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

/** One judge request for n samples. Rejects as `llm.chat` does. */
export async function judgeSamples(llm: ChatPort, request: ChatRequest, parse: VerdictParser): Promise<{ samples: JudgedSample[]; usage: ChatResult['usage'] }> {
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

/** The judge prompt of a pair (question, y_w, y_l) in one order. */
export const judgePromptInOrder = (template: JudgeTemplate, order: JudgmentOrder, question: string, chosen: string, rejected: string) =>
  judgePrompt(template, question, ...answersInOrder(order, chosen, rejected));

/** Who judges, how it samples, and what it reads verdicts with: fixed for a batch. */
export type Judge = {
  model: string;
  template: JudgeTemplate;
  parse: VerdictParser;
  sampling: { n: number; temperature: number; topP: number; maxTokens: number };
  tags: Record<string, string>;
};

/** One (pair or item, order) to judge, with its request's seed. */
export type JudgeTask = { order: JudgmentOrder; question: string; chosen: string; rejected: string; seed: number; signal: AbortSignal };

/** One (pair or item, order): its judge request for n samples. */
export function judgeInOrder(llm: ChatPort, judge: Judge, task: JudgeTask) {
  const { n, temperature, topP, maxTokens } = judge.sampling;
  return judgeSamples(llm, {
    model: judge.model,
    messages: judgePromptInOrder(judge.template, task.order, task.question, task.chosen, task.rejected),
    n,
    temperature,
    top_p: topP,
    max_tokens: maxTokens,
    seed: task.seed,
    signal: task.signal,
    tags: judge.tags,
  }, judge.parse);
}
