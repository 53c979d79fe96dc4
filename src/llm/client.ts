import OpenAI, { toFile, type ClientOptions } from 'openai';
import { Agent } from 'undici';
import { DEFAULT_BATCH_LIMITS } from './batches.js';
import { runChat, type ChatDeps } from './chat.js';
import { LlmError, makeScrubber } from './errors.js';
import { dispatcherFetch, MAX_RESPONSE_BYTES } from './fetch.js';
import { EndpointLimiter } from './limiter.js';
import { defaultSleep, runWithRetries, type RetryContext, type RunOptions } from './retry.js';
import type {
  CreateFineTuningJobRequest,
  EndpointConfig,
  EndpointOptions,
  EndpointStats,
  FineTuningHyperparameters,
  LlmClient,
  LlmClientDeps,
} from './types.js';
import { UsageTracker } from './usage.js';

export const DEFAULT_ENDPOINT_CONFIG: Readonly<Omit<EndpointConfig, 'baseURL' | 'apiKey'>> = Object.freeze({
  concurrency: 64,
  requestsPerMinute: 0,
  tokensPerMinute: 0,
  timeoutMs: 120_000,
  maxRetries: 6,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  rateLimitMaxWaitMs: 600_000,
  maxTokensParam: 'auto',
});

/** Requests in flight for files, fine-tuning and model listing (separate from `concurrency`). */
const ADMIN_CONCURRENCY = 4;
/** Uploads of large JSONL files get at least this long per attempt. */
const UPLOAD_MIN_TIMEOUT_MS = 600_000;
/** Below uvicorn's (vLLM) 5 s idle timeout, so we never send on a socket the server is closing. */
const KEEP_ALIVE_MS = 4_000;
/** The SDK's own timer is a plain setTimeout; this is its largest safe value (ours fires first). */
const SDK_TIMEOUT_DISABLED = 2_147_483_647;

/** Fills defaults and validates; throws a TypeError naming the bad field. */
export function resolveEndpointConfig(options: EndpointOptions): EndpointConfig {
  const c: EndpointConfig = { ...DEFAULT_ENDPOINT_CONFIG, ...stripUndefined(options) } as EndpointConfig;
  if (typeof c.baseURL !== 'string' || !/^https?:\/\//.test(c.baseURL)) {
    throw new TypeError('llm: baseURL must be an http(s) URL');
  }
  const intAtLeast = (name: keyof EndpointConfig, min: number) => {
    const v = c[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new TypeError(`llm: ${name} must be an integer >= ${min}`);
  };
  intAtLeast('concurrency', 1);
  intAtLeast('requestsPerMinute', 0);
  intAtLeast('tokensPerMinute', 0);
  intAtLeast('timeoutMs', 1);
  intAtLeast('maxRetries', 0);
  intAtLeast('backoffBaseMs', 0);
  intAtLeast('backoffMaxMs', 0);
  intAtLeast('rateLimitMaxWaitMs', 0);
  if (!['auto', 'max_tokens', 'max_completion_tokens'].includes(c.maxTokensParam!)) throw new TypeError("llm: maxTokensParam must be 'auto', 'max_tokens' or 'max_completion_tokens'");
  if (c.batchMaxLines !== undefined) intAtLeast('batchMaxLines', 1);
  if (c.batchMaxBytes !== undefined) intAtLeast('batchMaxBytes', 1024);
  if (c.timeoutMs > SDK_TIMEOUT_DISABLED) throw new TypeError(`llm: timeoutMs must be <= ${SDK_TIMEOUT_DISABLED}`);
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function ftHyperparameters(h: FineTuningHyperparameters | undefined, dpo: boolean) {
  if (!h) return undefined;
  return stripUndefined({
    n_epochs: h.nEpochs,
    batch_size: h.batchSize,
    learning_rate_multiplier: h.learningRateMultiplier,
    ...(dpo && { beta: h.beta }),
  });
}

/**
 * Creates the single client for one endpoint. Create it once at startup (it owns a connection pool
 * sized to `concurrency`) and `close()` it at shutdown.
 */
export function createLlmClient(options: EndpointOptions, deps: LlmClientDeps = {}): LlmClient & { stats(): EndpointStats } {
  const config = resolveEndpointConfig(options);
  const agent = new Agent({
    connections: config.concurrency,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // undici's own 300 s header/body timeouts would cut long generations short of a larger timeoutMs
    headersTimeout: config.timeoutMs + 1_000,
    bodyTimeout: config.timeoutMs + 1_000,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
  const common = {
    baseURL: config.baseURL,
    apiKey: config.apiKey || 'EMPTY',
    // explicit nulls: the SDK would otherwise read OPENAI_ORG_ID etc. from the environment
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_DISABLED,
    logLevel: 'off' as const,
  };
  // Hot path: requests straight on undici's Agent (see fetch.ts; undici's own fetch was ~1.5x
  // the throughput of Node 20's bundled fetch, this is cheaper again). The cast bridges the
  // SDK's fetch type and the Response-like object fetch.ts answers with.
  const sdk = new OpenAI({ ...common, fetch: dispatcherFetch(agent) as unknown as ClientOptions['fetch'] });
  // Files and fine-tuning: Node's global fetch, because the SDK builds multipart bodies with the
  // global FormData, which undici 7's fetch does not accept (it would refuse the upload).
  const admin = new OpenAI(common);

  const limiter = new EndpointLimiter({ ...config, adaptive: config.adaptiveConcurrency ?? true });
  const usage = new UsageTracker();
  let closed = false;
  let closing: Promise<void> | undefined;
  const ctx: RetryContext = {
    limiter,
    maxRetries: config.maxRetries,
    rateLimitMaxWaitMs: config.rateLimitMaxWaitMs,
    backoffBaseMs: config.backoffBaseMs,
    backoffMaxMs: config.backoffMaxMs,
    sleep: deps.sleep ?? defaultSleep,
    logger: deps.logger,
    scrub: makeScrubber(config.apiKey),
    live: new Set(),
    isClosed: () => closed,
    observer: deps.observer,
  };
  const chatDeps: ChatDeps = { sdk, ctx, usage, timeoutMs: config.timeoutMs, maxTokensParam: config.maxTokensParam };
  // Files, fine-tuning and models get their own small queue: a job status poll must not wait
  // behind thousands of queued judge calls (OpenAI limits these endpoints separately anyway).
  const adminLimiter = new EndpointLimiter({ concurrency: ADMIN_CONCURRENCY, requestsPerMinute: 0, tokensPerMinute: 0 });
  const adminCtx: RetryContext = { ...ctx, limiter: adminLimiter };

  const run = async <T>(op: string, call: RunOptions<T>['call'], extra: Partial<RunOptions<T>> = {}, maxRetries = config.maxRetries): Promise<T> =>
    (await runWithRetries({ ...adminCtx, maxRetries }, { op, cost: 0, timeoutMs: config.timeoutMs, signal: undefined, call, ...extra })).value;

  return {
    chat: (req) => runChat(chatDeps, req),

    uploadFile: (name, content, purpose) =>
      run(
        'files.create',
        async (signal) =>
          admin.files.create(
            { file: await toFile(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, name), purpose },
            { signal },
          ),
        { timeoutMs: Math.max(config.timeoutMs, UPLOAD_MIN_TIMEOUT_MS) },
      ),

    createFineTuningJob: (req: CreateFineTuningJobRequest) => {
      const dpo = req.method === 'dpo';
      const hyperparameters = ftHyperparameters(req.hyperparameters, dpo);
      const body: OpenAI.FineTuning.JobCreateParams = {
        model: req.model,
        training_file: req.trainingFile,
        ...(req.validationFile !== undefined && { validation_file: req.validationFile }),
        ...(req.suffix !== undefined && { suffix: req.suffix }),
        ...(req.seed !== undefined && { seed: req.seed }),
        method: dpo
          ? { type: 'dpo', dpo: hyperparameters ? { hyperparameters } : {} }
          : { type: 'supervised', supervised: hyperparameters ? { hyperparameters } : {} },
      };
      return run('fine_tuning.jobs.create', (signal) => admin.fineTuning.jobs.create(body, { signal }), {
        retryIf: (c) => c.notProcessed,
      });
    },

    retrieveFineTuningJob: (id) => run('fine_tuning.jobs.retrieve', (signal) => admin.fineTuning.jobs.retrieve(id, { signal })),

    listFineTuningEvents: (id, after) =>
      run('fine_tuning.jobs.listEvents', async (signal) => {
        const page = await admin.fineTuning.jobs.listEvents(id, { limit: 100, ...(after !== undefined && { after }) }, { signal });
        return { events: page.data, hasMore: page.has_more };
      }),

    cancelFineTuningJob: (id) => run('fine_tuning.jobs.cancel', (signal) => admin.fineTuning.jobs.cancel(id, { signal })),

    createBatch: (inputFileId, metadata) =>
      run(
        'batches.create',
        (signal) => admin.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h', ...(metadata && { metadata }) }, { signal }),
        // A repeated POST could start a second batch: only retried when surely not processed.
        { retryIf: (c) => c.notProcessed },
      ),

    retrieveBatch: (id) => run('batches.retrieve', (signal) => admin.batches.retrieve(id, { signal })),

    cancelBatch: (id) => run('batches.cancel', (signal) => admin.batches.cancel(id, { signal })),

    checkBatches: (options = {}) =>
      run('batches.list', async (signal) => void (await admin.batches.list({ limit: 1 }, { signal })), {}, options.maxRetries ?? config.maxRetries),

    fileContent: (id) =>
      run('files.content', async (signal) => (await admin.files.content(id, { signal })).text(), { timeoutMs: Math.max(config.timeoutMs, UPLOAD_MIN_TIMEOUT_MS) }),

    batchLimits: () => ({ maxLines: config.batchMaxLines ?? DEFAULT_BATCH_LIMITS.maxLines, maxBytes: config.batchMaxBytes ?? DEFAULT_BATCH_LIMITS.maxBytes }),

    maxTokensParam: () => config.maxTokensParam ?? 'auto',

    listModels: (options = {}) =>
      run('models.list', async (signal) => (await admin.models.list({ signal })).data, {}, options.maxRetries ?? config.maxRetries),

    retrieveModel: (id, options = {}) =>
      run('models.retrieve', (signal) => admin.models.retrieve(id, { signal }), {}, options.maxRetries ?? config.maxRetries),

    loadLoraAdapter: async (name, path) => {
      try {
        await run('load_lora_adapter', (signal) => admin.post('/load_lora_adapter', { body: { lora_name: name, lora_path: path }, signal }), { retryIf: (c) => c.notProcessed });
      } catch (error) {
        // Loaded by an earlier attempt (a worker that died after loading it): the adapter is there.
        if (error instanceof LlmError && error.status === 400 && /already been loaded/.test(error.message)) return;
        throw error;
      }
    },

    unloadLoraAdapter: async (name) => {
      await run('unload_lora_adapter', (signal) => admin.post('/unload_lora_adapter', { body: { lora_name: name }, signal }));
    },

    usage: () => usage.snapshot(),

    stats: () => ({ inFlight: limiter.inFlight, queued: limiter.queued, pausedUntil: limiter.pausedUntilMs, concurrencyLimit: limiter.concurrencyLimit, rateLimited: limiter.rateLimited }),

    drain: () => {
      if (closed) return;
      // Calls waiting for a slot (or for a retry) are rejected as aborted; attempts in flight finish.
      limiter.close(new LlmError('llm client draining: no new requests are started', { kind: 'aborted', attempts: 0 }));
    },

    close: () => {
      if (closing) return closing;
      closed = true;
      const reason = new LlmError('llm client closed', { kind: 'aborted', attempts: 0 });
      limiter.close(reason);
      adminLimiter.close(reason);
      for (const ac of ctx.live) ac.abort(reason);
      ctx.live.clear();
      closing = agent.destroy().catch(() => undefined);
      return closing;
    },
  };
}
