/**
 * Chat completions: request validation, and the choices for each prompt kind. Sampling is
 * deterministic from (request seed, request hash, choice index); temperature 0 makes every
 * choice the greedy one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MODIFIED_INSTRUCTION_TAGS as TAGS, WORSE_RESPONSE_TAGS } from '../domain/prompts.js';
import { chooseCategory } from './categorize.js';
import type { FaultInjector } from './faults.js';
import { badRequest } from './http.js';
import { judgeFeatures, logit, type JudgeWeights } from './judge-model.js';
import { writeJudgment } from './judge.js';
import { contentText, type DetectedPrompt, type SimpleMessage } from './prompt-kind.js';
import { createRng, mix32, pick, seedTo32, type Rng } from './rng.js';
import { generateAnswer, generateGenericAnswer, modifyInstruction, worsenAnswer } from './text.js';

export type ChatRequest = {
  model: string;
  messages: SimpleMessage[];
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number | null;
  seed: number | null;
};

export type Choice = { index: number; message: { role: 'assistant'; content: string; refusal: null }; logprobs: null; finish_reason: 'stop' | 'length' };

export type GeneratedChoices = { choices: Choice[]; completionTokens: number; malformed: number; truncated: number };

const tokens = (text: string): number => Math.ceil(text.length / 4);

function optionalNumber(body: Record<string, unknown>, key: string, min: number, max: number, fallback: number): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw badRequest(`Invalid value for '${key}': expected a number between ${min} and ${max}, got ${JSON.stringify(value)}.`, key, 'invalid_value');
  }
  return value;
}

/** Validates a chat completion body; throws a 400 ApiError on anything the simulator cannot serve. */
export function parseChatRequest(body: Record<string, unknown>): ChatRequest {
  if (typeof body.model !== 'string' || !body.model) throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  if (body.stream === true) throw badRequest('Streaming is not supported by the simulator; send stream: false.', 'stream', 'unsupported_value');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  const messages: SimpleMessage[] = body.messages.map((m: unknown, i: number) => {
    const role = (m as { role?: unknown } | null)?.role;
    const content = contentText((m as { content?: unknown } | null)?.content);
    if (typeof role !== 'string' || content === null) {
      throw badRequest(`Invalid 'messages[${i}]': expected an object with a role and text content.`, `messages[${i}]`, 'invalid_value');
    }
    return { role, content };
  });
  const n = optionalNumber(body, 'n', 1, 128, 1);
  if (!Number.isInteger(n)) throw badRequest("Invalid value for 'n': expected an integer.", 'n', 'invalid_value');
  const maxTokensParam = body.max_completion_tokens !== undefined && body.max_completion_tokens !== null ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = body[maxTokensParam];
  if (maxTokens !== undefined && maxTokens !== null && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw badRequest(`Invalid value for '${maxTokensParam}': expected a positive integer, got ${JSON.stringify(maxTokens)}.`, maxTokensParam, 'invalid_value');
  }
  const seed = body.seed;
  if (seed !== undefined && seed !== null && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw badRequest("Invalid value for 'seed': expected an integer.", 'seed', 'invalid_value');
  }
  return {
    model: body.model,
    messages,
    n,
    temperature: optionalNumber(body, 'temperature', 0, 2, 1),
    topP: optionalNumber(body, 'top_p', 0, 1, 1),
    maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
    seed: typeof seed === 'number' ? seed : null,
  };
}

/** sha1 hex of JSON of [model, [[role, content], ...]]: the request log's key for a prompt. */
export function requestHash(model: string, messages: readonly { role: string; content: string }[]): string {
  return createHash('sha1')
    .update(JSON.stringify([model, messages.map((m) => [m.role, m.content])]))
    .digest('hex');
}

export function promptTokens(messages: readonly SimpleMessage[]): number {
  let total = 3;
  for (const m of messages) total += 4 + tokens(m.content);
  return total;
}

function malformedModify(instruction: string, response: string, rng: Rng): string {
  const variants = [
    `Modified instruction: ${instruction}\n\nResponse: ${response}`,
    `${TAGS.instructionStart}\n${instruction}\n${TAGS.responseStart}\n${response}`,
    `${TAGS.instructionStart}\n${instruction}\n${TAGS.instructionEnd}\n\n${response}`,
  ];
  return pick(rng, variants);
}

type Generated = { text: string; malformed: boolean };

function generate(prompt: DetectedPrompt, req: ChatRequest, weights: JudgeWeights, features: number[] | null, rng: Rng, malformed: boolean): Generated {
  switch (prompt.kind) {
    case 'answer':
      return { text: generateAnswer(prompt.instruction, rng), malformed: false };
    case 'categorize': {
      if (malformed) return { text: 'This instruction does not fit neatly into a single category.', malformed: true };
      const category = chooseCategory(prompt.instruction, prompt.categories);
      return { text: category ? `Category: ${category}` : 'Category: unknown', malformed: false };
    }
    case 'modify': {
      const modified = modifyInstruction(prompt.instruction, rng);
      const response = generateAnswer(modified, rng);
      if (malformed) return { text: malformedModify(modified, response, rng), malformed: true };
      const text = `${TAGS.instructionStart}\n${modified}\n${TAGS.instructionEnd}\n${TAGS.responseStart}\n${response}\n${TAGS.responseEnd}`;
      return { text, malformed: false };
    }
    case 'worse': {
      const worse = worsenAnswer(prompt.instruction, prompt.answer || generateAnswer(prompt.instruction, rng), rng);
      // A malformed rewrite forgets the tags: plain prose, which the parser must reject.
      if (malformed) return { text: `Here is a worse version:\n\n${worse}`, malformed: true };
      return { text: `${WORSE_RESPONSE_TAGS.start}\n${worse}\n${WORSE_RESPONSE_TAGS.end}`, malformed: false };
    }
    case 'judge': {
      const f = features!;
      const draw = writeJudgment(f, logit(weights, f), prompt.format, { temperature: req.temperature, topP: req.topP }, rng, malformed);
      return { text: draw.text, malformed };
    }
    case 'other':
      return { text: generateGenericAnswer(prompt.text, rng), malformed: false };
  }
}

/**
 * Builds `count` choices. `hash32` identifies the request; injected faults (malformed, truncated)
 * come from `faults`, so they are independent of the sampling seed.
 */
export function generateChoices(
  prompt: DetectedPrompt,
  req: ChatRequest,
  weights: JudgeWeights,
  hash32: number,
  defaultSeed: number,
  count: number,
  faults: FaultInjector,
): GeneratedChoices {
  const base = mix32(hash32, seedTo32(req.seed ?? defaultSeed));
  const features = prompt.kind === 'judge' ? judgeFeatures(prompt.inputs) : null;
  const canBeMalformed = prompt.kind === 'judge' || prompt.kind === 'modify' || prompt.kind === 'worse' || prompt.kind === 'categorize';
  const choices: Choice[] = [];
  let completionTokens = 0;
  let malformedCount = 0;
  let truncatedCount = 0;
  for (let index = 0; index < count; index += 1) {
    const rng = createRng(req.temperature > 0 ? mix32(base, index + 1) : base);
    const out = generate(prompt, req, weights, features, rng, canBeMalformed && faults.malformed());
    let text = out.text;
    let finish: Choice['finish_reason'] = 'stop';
    if (faults.truncated()) {
      text = text.slice(0, Math.max(1, Math.floor(text.length * faults.truncationPoint())));
      finish = 'length';
      truncatedCount += 1;
    }
    if (faults.controlChars()) text = `\u0000\ud800${text}`;
    if (req.maxTokens !== null && tokens(text) > req.maxTokens) {
      text = text.slice(0, req.maxTokens * 4);
      finish = 'length';
    }
    if (out.malformed) malformedCount += 1;
    completionTokens += tokens(text);
    choices.push({ index, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish });
  }
  return { choices, completionTokens, malformed: malformedCount, truncated: truncatedCount };
}

let completionCounter = 0;
const PROCESS_TAG = randomBytes(4).toString('hex');

export function completionId(): string {
  completionCounter += 1;
  return `chatcmpl-sim${PROCESS_TAG}${completionCounter.toString(36)}`;
}
