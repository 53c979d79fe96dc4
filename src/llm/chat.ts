import type OpenAI from 'openai';
import { linkedController } from './abort.js';
import { LlmError, MalformedResponseError, refusesMaxTokens } from './errors.js';
import { runWithRetries, type RetryContext } from './retry.js';
import { reportedTokens, storableModelText } from './storable.js';
import type { ChatChoice, ChatRequest, ChatResult, MaxTokensParam } from './types.js';
import type { UsageEntry, UsageTracker } from './usage.js';

export type ChatDeps = {
  sdk: OpenAI;
  ctx: RetryContext;
  usage: UsageTracker;
  timeoutMs: number;
  /** How `max_tokens` is sent; default 'auto' (see `MaxTokensParam`). */
  maxTokensParam?: MaxTokensParam;
  /** 'auto': the models of this client that refused `max_tokens`. Created on first use. */
  completionTokensModels?: Set<string>;
};

type Piece = { choices: ChatChoice[]; promptTokens: number; completionTokens: number; model: string };

type CallState = {
  readonly req: ChatRequest;
  readonly promptEstimate: number;
  readonly entry: UsageEntry;
  attempts: number;
  model: string | undefined;
  promptTokens: number;
  completionTokens: number;
  requests: number;
};

const OP = 'chat.completions';

function toPiece(res: unknown, asked: number, promptEstimate: number): Piece {
  // Parsed here, inside the attempt, so a 200 without choices is retried like any transient failure.
  const r = res as Partial<OpenAI.Chat.ChatCompletion> | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.choices) || r.choices.length === 0) {
    throw new MalformedResponseError(
      typeof res === 'string' ? `response is not JSON (${res.length} chars)` : 'response has no choices',
    );
  }
  const count = Math.min(r.choices.length, asked);
  const choices: ChatChoice[] = new Array(count);
  let completionChars = 0;
  for (let i = 0; i < count; i++) {
    const c = r.choices[i]!;
    const content = c.message?.content;
    const text = typeof content === 'string' ? storableModelText(content) : '';
    completionChars += text.length;
    const finish: unknown = c.finish_reason;
    choices[i] = { text, finishReason: typeof finish === 'string' ? storableModelText(finish) : null };
  }
  const u = r.usage;
  return {
    choices,
    promptTokens: reportedTokens(u?.prompt_tokens) ?? promptEstimate,
    completionTokens: reportedTokens(u?.completion_tokens) ?? Math.ceil(completionChars / 4),
    model: typeof r.model === 'string' && r.model ? r.model : '',
  };
}

/** True when requests of `d` to `model` carry their limit as `max_completion_tokens`. */
function usesCompletionTokens(d: ChatDeps, model: string): boolean {
  const mode = d.maxTokensParam ?? 'auto';
  return mode === 'max_completion_tokens' || (mode === 'auto' && d.completionTokensModels?.has(model) === true);
}

/** 'auto': `model` refused `max_tokens`; from now on this client sends it `max_completion_tokens`. */
function rememberCompletionTokens(d: ChatDeps, model: string): void {
  const models = (d.completionTokensModels ??= new Set());
  if (models.has(model)) return;
  models.add(model);
  d.ctx.logger?.info({ op: OP, model }, "llm model refuses 'max_tokens': sending it 'max_completion_tokens' from now on");
}

async function request(d: ChatDeps, s: CallState, size: number, index: number, signal: AbortSignal | undefined): Promise<ChatChoice[]> {
  const { req } = s;
  const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
    model: req.model,
    messages: req.messages,
    // undefined fields are dropped by JSON.stringify; n is left out when 1 for servers that dislike it
    n: size === 1 ? undefined : size,
    temperature: req.temperature,
    top_p: req.top_p,
    max_tokens: req.max_tokens,
    seed: req.seed === undefined ? undefined : req.seed + index,
  };
  let completionBody: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming | undefined;
  /** Whether the attempt that just failed carried `max_tokens`. */
  let sentMaxTokens = false;
  const completionBudget = (req.max_tokens ?? 0) * size;
  try {
    const { value, attempts } = await runWithRetries(d.ctx, {
      op: OP,
      model: req.model,
      ...(req.tags && { tags: req.tags }),
      cost: s.promptEstimate + completionBudget,
      timeoutMs: d.timeoutMs,
      signal,
      call: async (attemptSignal) => {
        sentMaxTokens = req.max_tokens !== undefined && !usesCompletionTokens(d, req.model);
        const sent = sentMaxTokens || req.max_tokens === undefined
          ? body
          : (completionBody ??= { ...body, max_tokens: undefined, max_completion_tokens: req.max_tokens });
        return toPiece(await d.sdk.chat.completions.create(sent, { signal: attemptSignal }), size, s.promptEstimate);
      },
      actualCost: (p) => p.promptTokens + p.completionTokens,
      refundOnFailure: completionBudget,
      // Sent again at once with max_completion_tokens: a different request, not a retry.
      resendAtOnce: (err) => {
        if (!sentMaxTokens || (d.maxTokensParam ?? 'auto') !== 'auto' || !refusesMaxTokens(err)) return false;
        rememberCompletionTokens(d, req.model);
        return true;
      },
    });
    s.attempts += attempts;
    s.requests++;
    s.promptTokens += value.promptTokens;
    s.completionTokens += value.completionTokens;
    s.model ??= value.model || undefined;
    d.usage.add(s.entry, { requests: 1, promptTokens: value.promptTokens, completionTokens: value.completionTokens });
    return value.choices;
  } catch (err) {
    if (!(err instanceof LlmError)) throw err;
    s.attempts += err.attempts;
    if (d.maxTokensParam === 'max_tokens' && refusesMaxTokens(err.cause)) {
      throw new LlmError(`${err.message} (LLM_MAX_TOKENS_PARAM is max_tokens: set it to auto or max_completion_tokens for this model)`, {
        kind: err.kind,
        ...(err.status !== undefined && { status: err.status }),
        attempts: err.attempts,
        cause: err.cause,
      });
    }
    throw err;
  }
}

/** Several follow-up requests at once; the first failure cancels its siblings and is the one reported. */
async function parallel(d: ChatDeps, s: CallState, sizes: number[], firstIndex: number): Promise<ChatChoice[][]> {
  const { controller: group, off } = linkedController(s.req.signal);
  let firstError: unknown;
  try {
    const settled = await Promise.allSettled(
      sizes.map((size, j) =>
        request(d, s, size, firstIndex + j, group.signal).catch((err: unknown) => {
          if (firstError === undefined) {
            firstError = err;
            group.abort(err);
          }
          throw err;
        }),
      ),
    );
    if (firstError !== undefined) throw firstError;
    return settled.map((r) => (r as PromiseFulfilledResult<ChatChoice[]>).value);
  } finally {
    off();
  }
}

export async function runChat(d: ChatDeps, req: ChatRequest): Promise<ChatResult> {
  const n = req.n ?? 1;
  if (!Number.isInteger(n) || n < 1) {
    throw new LlmError(`${OP}: n must be a positive integer, got ${n}`, { kind: 'permanent', attempts: 0 });
  }
  let promptChars = 0;
  for (const m of req.messages) promptChars += typeof m.content === 'string' ? m.content.length : 0;
  const s: CallState = {
    req,
    promptEstimate: Math.ceil(promptChars / 4),
    entry: d.usage.entry(req.tags),
    attempts: 0,
    model: undefined,
    promptTokens: 0,
    completionTokens: 0,
    requests: 0,
  };
  const choices: ChatChoice[] = [];
  let failed = true;
  try {
    const first = await request(d, s, n, 0, req.signal);
    for (const c of first) choices.push(c);
    // The first answer tells how many choices this endpoint returns per request (1 for servers that ignore n).
    const perRequest = Math.max(1, first.length);
    let nextIndex = 1;
    while (choices.length < n) {
      const sizes: number[] = [];
      for (let left = n - choices.length; left > 0; left -= perRequest) sizes.push(Math.min(perRequest, left));
      const pieces =
        sizes.length === 1 ? [await request(d, s, sizes[0]!, nextIndex, req.signal)] : await parallel(d, s, sizes, nextIndex);
      nextIndex += sizes.length;
      for (const piece of pieces) for (const c of piece) if (choices.length < n) choices.push(c);
    }
    failed = false;
  } finally {
    d.usage.add(s.entry, { calls: 1, failedCalls: failed ? 1 : 0, attempts: s.attempts });
  }
  return {
    choices,
    usage: { promptTokens: s.promptTokens, completionTokens: s.completionTokens },
    requests: s.requests,
    attempts: s.attempts,
    model: s.model ?? req.model,
  };
}
