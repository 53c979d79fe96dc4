/**
 * The Batch API's file formats (https://platform.openai.com/docs/guides/batch): one JSONL line per
 * chat request (`custom_id`, `method`, `url`, `body`), and the output and error files' lines read
 * back into the same result a chat call gives. The calls themselves (upload, create, retrieve,
 * cancel, content) are methods of the LlmClient (client.ts).
 */
import { LlmError } from './errors.js';
import { reportedTokens, storableModelText } from './storable.js';
import type { ChatChoice, ChatRequest, MaxTokensParam } from './types.js';

export const BATCH_URL = '/v1/chat/completions';

/** The provider's limits on one batch (OpenAI's: 50,000 lines, 200 MB). */
export type BatchLimits = { maxLines: number; maxBytes: number };
export const DEFAULT_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({ maxLines: 50_000, maxBytes: 200 * 1024 * 1024 });

/** One request as a line of a batch's input file (newline included). `max_tokens` is sent as the endpoint's `maxTokensParam` says ('auto': max_tokens). */
export function batchLine(customId: string, req: ChatRequest, maxTokensParam: MaxTokensParam = 'auto'): string {
  const n = req.n ?? 1;
  const limitField = maxTokensParam === 'max_completion_tokens' ? 'max_completion_tokens' : 'max_tokens';
  const body = {
    model: req.model,
    messages: req.messages,
    n: n === 1 ? undefined : n,
    temperature: req.temperature,
    top_p: req.top_p,
    [limitField]: req.max_tokens,
    seed: req.seed,
  };
  return `${JSON.stringify({ custom_id: customId, method: 'POST', url: BATCH_URL, body })}\n`;
}

/** What one line of an output or error file says about its request. */
export type BatchLineOutcome =
  | { customId: string; ok: true; choices: ChatChoice[]; usage: { promptTokens: number; completionTokens: number }; model: string }
  | { customId: string; ok: false; error: string; status: number | null };

type OutputLine = {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
};

function errorText(line: OutputLine): string {
  const body = line.response?.body as { error?: { message?: unknown; code?: unknown } } | undefined;
  const message = line.error?.message ?? body?.error?.message;
  const code = line.error?.code ?? body?.error?.code;
  const status = typeof line.response?.status_code === 'number' ? `HTTP ${line.response.status_code}: ` : '';
  return `${status}${typeof message === 'string' ? message : 'no message'}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** Reads an output or error file; a line that is not a batch result line throws (the file is not what the API promises). */
export function parseBatchResults(text: string): BatchLineOutcome[] {
  const out: BatchLineOutcome[] = [];
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    if (raw.trim() === '') continue;
    let line: OutputLine;
    try {
      line = JSON.parse(raw) as OutputLine;
    } catch {
      throw new LlmError(`batch result file line ${lineNo} is not JSON`, { kind: 'transient', attempts: 1 });
    }
    if (typeof line.custom_id !== 'string') throw new LlmError(`batch result file line ${lineNo} has no custom_id`, { kind: 'transient', attempts: 1 });
    const status = typeof line.response?.status_code === 'number' ? line.response.status_code : null;
    const body = line.response?.body as { choices?: unknown; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }; model?: unknown } | undefined;
    if (line.error || status !== 200 || !body || !Array.isArray(body.choices)) {
      out.push({ customId: line.custom_id, ok: false, error: errorText(line), status });
      continue;
    }
    let chars = 0;
    const choices: ChatChoice[] = (body.choices as { message?: { content?: unknown }; finish_reason?: unknown; index?: unknown }[])
      .slice()
      .sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0))
      .map((c) => {
        const text = typeof c.message?.content === 'string' ? storableModelText(c.message.content) : '';
        chars += text.length;
        return { text, finishReason: typeof c.finish_reason === 'string' ? storableModelText(c.finish_reason) : null };
      });
    const u = body.usage;
    out.push({
      customId: line.custom_id,
      ok: true,
      choices,
      usage: {
        promptTokens: reportedTokens(u?.prompt_tokens) ?? 0,
        completionTokens: reportedTokens(u?.completion_tokens) ?? Math.ceil(chars / 4),
      },
      model: typeof body.model === 'string' ? body.model : '',
    });
  }
  return out;
}
