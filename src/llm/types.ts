import type OpenAI from 'openai';

/** Everything needed to talk to one OpenAI-compatible endpoint. */
export type EndpointConfig = {
  /** Base URL including the version prefix, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`. */
  baseURL: string;
  /** Bearer key. Local servers (vLLM, Ollama, llama.cpp) usually accept any value; empty is sent as `EMPTY`. */
  apiKey: string;
  /** Max requests in flight to this endpoint; also the size of the keep-alive connection pool. Default 64. */
  concurrency: number;
  /** Requests per minute, 0 = unlimited. Enforced as a token bucket refilled continuously (burst: one second's worth). Default 0. */
  requestsPerMinute: number;
  /**
   * Tokens per minute (prompt + completion), 0 = unlimited. Each request is charged before it is sent
   * (prompt chars / 4 + max_tokens * n) and the charge is corrected with the reported usage afterwards.
   * A request larger than the one-second burst waits for a full bucket and then runs into debt. Default 0.
   */
  tokensPerMinute: number;
  /** Per-attempt timeout in ms (connect, headers and body), default 120000. A timeout is retried. */
  timeoutMs: number;
  /**
   * Retries for transient failures (408, 409, 5xx, connection errors, timeouts), default 6. A 429
   * (rate limited) does not count against it: see `rateLimitMaxWaitMs`.
   */
  maxRetries: number;
  /**
   * A request answered 429 again and again gives up once it has spent more than this many ms
   * waiting on 429s (from each 429 to its next attempt), default 600000. Optional until
   * `createLlmClient` passes it on (the default applies).
   */
  rateLimitMaxWaitMs?: number;
  /**
   * The field that carries `ChatRequest.max_tokens`, default 'auto': see `MaxTokensParam`.
   * Optional until `createLlmClient` passes it on (the default applies).
   */
  maxTokensParam?: MaxTokensParam;
  /** Most request lines in one Batch API batch (default 50,000, OpenAI's limit). */
  batchMaxLines?: number;
  /** Most bytes of one batch's input file (default 200 MB, OpenAI's limit). */
  batchMaxBytes?: number;
  /**
   * Adapt the requests in flight to the endpoint's 429s (AIMD, see limiter.ts), default true: a
   * hard concurrency cap below `concurrency` is found instead of hammered. False keeps `concurrency`.
   */
  adaptiveConcurrency?: boolean;
  /** Full-jitter exponential backoff: base ms (default 500). */
  backoffBaseMs: number;
  /** Backoff cap in ms (default 30000). A larger `retry-after` from the server still wins. */
  backoffMaxMs: number;
};

import type { MaxTokensParam } from '../config/index.js';

export type { MaxTokensParam };

/** What `createLlmClient` accepts: the endpoint plus any of the tunables (the rest take their defaults). */
export type EndpointOptions = Pick<EndpointConfig, 'baseURL' | 'apiKey'> &
  Partial<Omit<EndpointConfig, 'baseURL' | 'apiKey'>>;

/** The subset of a pino logger this module uses; a pino `Logger` satisfies it. */
export interface LlmLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Sees every HTTP attempt of the client (metrics, traces): `attempt` is called as one starts and
 * returns the function called once with its outcome (`status`: the HTTP status, `timeout`,
 * `network` or `aborted`); `retry` as a failed attempt is about to be sent again after `waitMs`.
 */
export interface LlmObserver {
  attempt(o: { op: string; model: string | undefined; tags: Record<string, string> | undefined }): (outcome: { status: string; seconds: number }) => void;
  retry(o: { rateLimited: boolean; waitMs: number }): void;
}

export type LlmClientDeps = {
  logger?: LlmLogger;
  observer?: LlmObserver;
  /** Used for retry backoff; must reject when `signal` aborts. Default: an abortable setTimeout. */
  sleep?: SleepFn;
};

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  /** Samples wanted, default 1. */
  n?: number;
  temperature?: number;
  top_p?: number;
  /** Completion limit per choice, sent as `max_tokens` or `max_completion_tokens` (see `MaxTokensParam`). */
  max_tokens?: number;
  /** Seed of the first request; fallback requests for missing choices use seed + 1, seed + 2, ... */
  seed?: number;
  /** Cancels the call (queued, in flight or backing off); rejects with an LlmError of kind 'aborted'. */
  signal?: AbortSignal;
  /** Usage accounting key, e.g. `{ experiment, iteration, stage }`. */
  tags?: Record<string, string>;
};

export type ChatChoice = {
  /** `message.content`, or '' when the endpoint returned null content (treat as unparseable). */
  text: string;
  /** 'stop', 'length', ... or null when the endpoint did not say. */
  finishReason: string | null;
};

export type ChatResult = {
  /** Exactly `n` choices, in request order. */
  choices: ChatChoice[];
  /** Summed over every successful request of this call (estimated as chars / 4 when the endpoint reports none). */
  usage: { promptTokens: number; completionTokens: number };
  /** HTTP requests that returned choices (1 when the endpoint honours `n`). */
  requests: number;
  /** HTTP attempts including retries. */
  attempts: number;
  /** Model name as reported by the endpoint (falls back to the requested one). */
  model: string;
};

export type UsageTotals = {
  /** Logical `chat()` calls that finished, successfully or not. */
  calls: number;
  /** Calls that rejected (after retries, permanent error or abort). */
  failedCalls: number;
  /** Successful HTTP requests. */
  requests: number;
  /** HTTP attempts including failed ones. */
  attempts: number;
  promptTokens: number;
  completionTokens: number;
};

export type UsageSnapshot = {
  total: UsageTotals;
  /** One entry per distinct tag combination (calls without tags have `tags: {}`). */
  byTags: Array<UsageTotals & { tags: Record<string, string> }>;
};

export type FileObject = OpenAI.Files.FileObject;
export type FineTuningJob = OpenAI.FineTuning.Jobs.FineTuningJob;
export type FineTuningJobEvent = OpenAI.FineTuning.Jobs.FineTuningJobEvent;
export type Model = OpenAI.Models.Model;
export type Batch = OpenAI.Batches.Batch;

export type FineTuningHyperparameters = {
  nEpochs?: number | 'auto';
  batchSize?: number | 'auto';
  learningRateMultiplier?: number | 'auto';
  /** DPO only. */
  beta?: number | 'auto';
};

export type CreateFineTuningJobRequest = {
  model: string;
  trainingFile: string;
  validationFile?: string;
  method: 'supervised' | 'dpo';
  suffix?: string;
  seed?: number;
  hyperparameters?: FineTuningHyperparameters;
};

/** What a stage's item needs of an endpoint: one chat call (the client itself, or a Batch API batch's stand-in). */
export type ChatPort = Pick<LlmClient, 'chat'>;

/** Gauges of the chat queue, for metrics and progress displays. */
export type EndpointStats = {
  inFlight: number;
  queued: number;
  /** Epoch ms until which a 429 holds back new requests (in the past or 0 when not paused). */
  pausedUntil: number;
  /** Chat requests allowed in flight now: `concurrency`, or lower after 429s (the adaptive limit). */
  concurrencyLimit: number;
  /** Chat attempts answered 429 since the client was created: attempts wasted on the endpoint's limits. */
  rateLimited: number;
};

/**
 * Every model call of the service goes through one of these per endpoint. Chat calls share the
 * endpoint's concurrency, rate limits and 429 pause; files, fine-tuning and model listing have a
 * small queue of their own (4 in flight) so that a job poll never waits behind queued chat calls.
 */
export interface LlmClient {
  /**
   * One logical chat call for `n` samples. Asks for `n` choices in one request; when the endpoint
   * returns fewer (vLLM/OpenAI honour `n`, llama.cpp and Ollama return one), the missing ones are
   * requested in parallel follow-up requests sized like the first answer, with seeds seed+1, seed+2, ...
   * Rejects with `LlmError` (kind 'permanent', 'transient' after maxRetries or after rateLimitMaxWaitMs
   * of 429s, or 'aborted').
   */
  chat(req: ChatRequest): Promise<ChatResult>;
  /** Uploads a JSONL file (purpose 'fine-tune' for SFT/DPO data). Attempt timeout: max(timeoutMs, 10 min). */
  uploadFile(name: string, content: string | Buffer, purpose: OpenAI.Files.FilePurpose): Promise<FileObject>;
  /**
   * Creates a fine-tuning job. Because a repeated POST could create a second job, only failures where
   * the request was surely not processed (429, 503, connection refused) are retried.
   */
  createFineTuningJob(req: CreateFineTuningJobRequest): Promise<FineTuningJob>;
  retrieveFineTuningJob(id: string): Promise<FineTuningJob>;
  /** One page (up to 100, newest first as the API returns them) of events after the event id `after`. */
  listFineTuningEvents(id: string, after?: string): Promise<{ events: FineTuningJobEvent[]; hasMore: boolean }>;
  cancelFineTuningJob(id: string): Promise<FineTuningJob>;
  /**
   * Creates a Batch API batch of chat completions (completion window 24h) from an uploaded input
   * file (purpose 'batch'; lines made with `batchLine`). Like fine-tuning jobs, only retried when the
   * request was surely not processed.
   */
  createBatch(inputFileId: string, metadata?: Record<string, string>): Promise<Batch>;
  retrieveBatch(id: string): Promise<Batch>;
  cancelBatch(id: string): Promise<Batch>;
  /** `GET /batches?limit=1`: rejects (a 404 for servers without the Batch API, such as vLLM's OpenAI server) when the endpoint has none. */
  checkBatches(options?: { maxRetries?: number }): Promise<void>;
  /** A file's content as text (a batch's output or error file). */
  fileContent(id: string): Promise<string>;
  /** This endpoint's limits on one batch (`batchMaxLines`, `batchMaxBytes`). */
  batchLimits(): { maxLines: number; maxBytes: number };
  /** How this endpoint takes the completion limit (batch lines are written with it). */
  maxTokensParam(): MaxTokensParam;
  /** `GET /models`. `maxRetries` overrides the client's for this call (a start-up check wants an answer within seconds). */
  listModels(options?: { maxRetries?: number }): Promise<Model[]>;
  /** `GET /models/{id}`: rejects with a 404 LlmError (the endpoint's message) when the model does not exist there. */
  retrieveModel(id: string, options?: { maxRetries?: number }): Promise<Model>;
  /**
   * vLLM's `POST /load_lora_adapter` (server started with VLLM_ALLOW_RUNTIME_LORA_UPDATING): serves
   * the adapter at `path` (a path on the server's machine) as the model `name`. An adapter of that
   * name already loaded counts as loaded.
   */
  loadLoraAdapter(name: string, path: string): Promise<void>;
  /** vLLM's `POST /unload_lora_adapter`. */
  unloadLoraAdapter(name: string): Promise<void>;
  /** Totals per tag combination and overall since the client was created. */
  usage(): UsageSnapshot;
  /**
   * Stops starting requests: calls waiting for a slot, and later calls and retries, reject with kind
   * 'aborted', while requests in flight run to their end (graceful shutdown). Cannot be undone.
   */
  drain(): void;
  /** Rejects queued calls, aborts in-flight ones (kind 'aborted') and releases the keep-alive pool. Idempotent. */
  close(): Promise<void>;
}
