/**
 * The offline simulator: an OpenAI-compatible HTTP server (chat completions, models, files,
 * batches, fine-tuning jobs) with a trainable judge and injectable faults; with `stateDir` its models, files
 * and jobs outlive a restart (state.ts). Start it with `startSimulator`;
 * everything a `main` needs is exported here.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { completionId, generateChoices, parseChatRequest, promptTokens, requestHash, type ChatRequest } from './chat.js';
import { BatchJobs, type LineAnswer } from './batches.js';
import { FaultInjector } from './faults.js';
import { FileStore } from './files.js';
import { FineTuningJobs } from './fine-tuning.js';
import { ApiError, badRequest, notFound, parseJsonBody, readBody, sendError, sendJson, sendRaw } from './http.js';
import { ModelRegistry } from './models.js';
import { resolveSimulatorOptions, type SimulatorOptions } from '../config/simulator.js';
import { attachState } from './state.js';
import { detectPrompt } from './prompt-kind.js';
import { StatsRecorder, type RequestLogEntry, type SimulatorStats } from './stats.js';

export { DEFAULT_SIMULATOR_OPTIONS, parseSimulatorOptions, resolveSimulatorOptions, type SimulatorOptions } from '../config/simulator.js';
export type { FaultCounts, RequestLogEntry, RequestOutcome, SimulatorStats } from './stats.js';
export type { PromptKind } from './prompt-kind.js';
export { requestHash } from './chat.js';
export { FEATURE_NAMES, SEED_WEIGHTS } from './judge-model.js';

export type Simulator = {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  /** Changes options at run time (all but `port`, `host` and `stateDir`); throws a RangeError on a bad value. */
  setOptions(options: Partial<SimulatorOptions>): void;
  /** Stops listening, ends held and idle connections and pending fine-tuning timers. */
  close(): Promise<void>;
};

type LogBase = Omit<RequestLogEntry, 'seq' | 'outcome' | 'choices' | 'malformed' | 'truncated'>;

/** OpenAI's answer to a wrong key; like OpenAI, only the key's ends are shown. */
function refusedKey(req: IncomingMessage): ApiError {
  const given = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  return new ApiError(401, `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
}

/** A path without its ids, for the route counters: /v1/models/x -> /v1/models/{id}. */
function routeOf(path: string): string {
  const parts = path.split('/');
  if (parts[1] !== 'v1' || parts.length <= 3) return path;
  const [, , resource, ...rest] = parts;
  if (resource === 'fine_tuning') return `/v1/fine_tuning/${rest[0] ?? ''}${rest.length > 1 ? '/{id}' : ''}${rest.slice(2).map((p) => `/${p}`).join('')}`;
  return `/v1/${resource}/{id}${rest.slice(1).map((p) => `/${p}`).join('')}`;
}

const hash32 = (hex: string): number => Number.parseInt(hex.slice(0, 8), 16) >>> 0;

export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  let options = resolveSimulatorOptions(overrides);
  const stats = new StatsRecorder(options.logRequests);
  const faults = new FaultInjector(options);
  const models = new ModelRegistry(options.seedModels);
  const files = new FileStore();
  let persist = (): void => {};
  const jobs = new FineTuningJobs(files, models, stats, () => options, () => persist());
  if (options.stateDir) {
    persist = attachState(options.stateDir, { files, models, jobs });
    persist();
    stats.files = files.size;
  }
  const batches = new BatchJobs(files, (body) => answerLine(body), () => options);
  stats.batches = () => batches.counts;
  const held = new Set<Socket>();
  const sleeping = new Set<NodeJS.Timeout>();
  let closing = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleeping.delete(timer);
        resolve();
      }, ms);
      sleeping.add(timer);
    });

  const record = (base: LogBase, outcome: RequestLogEntry['outcome'], extra: Partial<RequestLogEntry> = {}): void => {
    stats.record({ ...base, outcome, choices: 0, malformed: 0, truncated: 0, ...extra });
  };

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    let request: ChatRequest;
    let body: Record<string, unknown>;
    try {
      body = parseJsonBody(await readBody(req));
      request = parseChatRequest(body);
    } catch (error) {
      if (error instanceof ApiError) record({ kind: 'other', model: '', hash: '', at, n: 0, seed: null }, 'bad_request');
      throw error;
    }
    const prompt = detectPrompt(request.messages);
    const hash = requestHash(request.model, request.messages);
    const base: LogBase = { kind: prompt.kind, model: request.model, hash, at, n: request.n, seed: request.seed };
    if (!authorized(req)) {
      record(base, 'unauthorized');
      throw refusedKey(req);
    }
    const weights = models.weights(request.model);
    if (!weights) {
      record(base, 'not_found');
      throw notFound(`The model \`${request.model}\` does not exist or you do not have access to it.`, 'model_not_found', 'model');
    }
    if (options.maxCompletionTokensOnly && body.max_tokens !== undefined && body.max_tokens !== null) {
      // OpenAI's answer to max_tokens on its reasoning models (o1, o3, o4-mini, gpt-5...), word for word.
      record(base, 'bad_request');
      throw badRequest(
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        'max_tokens',
        'unsupported_parameter',
      );
    }
    if (options.quotaExceeded) {
      // OpenAI's billing refusal, word for word: a 429 that waiting does not fix.
      record(base, 'quota_exceeded');
      throw new ApiError(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota');
    }
    if (!faults.tryAcquire()) {
      record(base, 'rate_limited');
      throw new ApiError(429, `Rate limit reached: more than ${options.maxConcurrency} concurrent requests (simulated). Please try again later.`, 'requests', 'rate_limit_exceeded', null, {
        'retry-after': faults.retryAfterSeconds(),
        'retry-after-ms': faults.retryAfterMs(),
      });
    }
    let released = false;
    res.once('close', () => {
      if (!released) faults.release();
      released = true;
    });
    const fault = faults.requestFault();
    if (fault === 'timeout') {
      record(base, 'timeout');
      const socket = req.socket;
      held.add(socket);
      socket.once('close', () => held.delete(socket));
      return; // never answered: the client gives up, or close() destroys the socket
    }
    const delay = faults.delayMs();
    if (delay > 0) await sleep(delay);
    if (closing || res.destroyed) return;
    if (fault === 'error500') {
      record(base, 'error500');
      throw new ApiError(500, 'The server had an error while processing your request (simulated).', 'server_error');
    }
    const count = Math.min(request.n, options.maxN);
    const out = generateChoices(prompt, request, weights, hash32(hash), options.seed, count, faults);
    const prompt_tokens = promptTokens(request.messages);
    record(base, 'ok', { choices: count, malformed: out.malformed, truncated: out.truncated });
    sendJson(res, 200, completionBody(request, out, prompt_tokens));
  }

  /** The response body of a chat completion, as the HTTP route and a batch's output line give it. */
  function completionBody(request: ChatRequest, out: ReturnType<typeof generateChoices>, prompt_tokens: number) {
    return {
      id: completionId(),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: out.choices,
      usage: { prompt_tokens, completion_tokens: out.completionTokens, total_tokens: prompt_tokens + out.completionTokens },
      system_fingerprint: 'fp_sim',
      service_tier: 'default',
    };
  }

  /**
   * One line of a batch, answered as POST /v1/chat/completions answers the same body (the same
   * deterministic choices; the HTTP route's faults and limits are not drawn: a batch has its own).
   */
  function answerLine(body: Record<string, unknown>): LineAnswer {
    try {
      const request = parseChatRequest(body);
      const prompt = detectPrompt(request.messages);
      const hash = requestHash(request.model, request.messages);
      const weights = models.weights(request.model);
      if (!weights) throw notFound(`The model \`${request.model}\` does not exist or you do not have access to it.`, 'model_not_found', 'model');
      if (options.maxCompletionTokensOnly && body.max_tokens !== undefined && body.max_tokens !== null) {
        throw badRequest("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter');
      }
      const out = generateChoices(prompt, request, weights, hash32(hash), options.seed, Math.min(request.n, options.maxN), faults);
      return { status: 200, body: completionBody(request, out, promptTokens(request.messages)) };
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, body: JSON.parse(error.body()) as unknown };
      throw error;
    }
  }

  /**
   * vLLM's runtime LoRA endpoints. A simulated adapter folder holds `sim-adapter.json`,
   * {"weights_of": "<a model of this simulator>"}: the adapter then judges with that model's
   * weights under its own name (a trainer calls the simulator's fine-tuning, then writes the folder).
   */
  async function lora(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseJsonBody(await readBody(req));
    const name = body.lora_name;
    if (typeof name !== 'string' || !name) throw badRequest("Missing required parameter: 'lora_name'.", 'lora_name');
    if (path === '/v1/unload_lora_adapter') {
      if (!models.removeAdapter(name)) throw notFound(`The lora adapter '${name}' cannot be found.`, 'not_found', 'lora_name');
      return sendRaw(res, 200, Buffer.from(`Success: LoRA adapter '${name}' removed successfully.`), 'text/plain');
    }
    if (typeof body.lora_path !== 'string' || !body.lora_path) throw badRequest("Missing required parameter: 'lora_path'.", 'lora_path');
    if (models.has(name)) throw badRequest(`The lora adapter '${name}' has already been loaded.`, 'lora_name');
    let of: unknown;
    try {
      of = (JSON.parse(await readFile(join(body.lora_path, 'sim-adapter.json'), 'utf8')) as { weights_of?: unknown }).weights_of;
    } catch (error) {
      throw badRequest(`Loading lora ${name} failed: no valid adapter at path ${body.lora_path} (${(error as Error).message})`, 'lora_path');
    }
    if (typeof of !== 'string' || !models.addAdapter(name, of, Math.floor(Date.now() / 1000))) {
      throw badRequest(`Loading lora ${name} failed: its weights_of names no model of this server`, 'lora_path');
    }
    return sendRaw(res, 200, Buffer.from(`Success: LoRA adapter '${name}' added successfully.`), 'text/plain');
  }

  const authorized = (req: IncomingMessage) => !options.apiKey || req.headers.authorization === `Bearer ${options.apiKey}`;

  function applyOptions(next: Partial<SimulatorOptions>): void {
    options = resolveSimulatorOptions(next, options);
    faults.update(options);
    stats.setCapacity(options.logRequests);
    models.setSeedModels(options.seedModels);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    stats.route(`${method} ${routeOf(path)}`);
    if (method === 'POST' && path === '/v1/chat/completions') return chat(req, res);
    if (path.startsWith('/v1/') && !authorized(req)) throw refusedKey(req);
    // Control endpoints for tests and benchmarks that run the simulator as its own process.
    if (method === 'GET' && path === '/sim/stats') return sendJson(res, 200, stats.snapshot(faults.inFlight));
    if (method === 'POST' && path === '/sim/options') {
      refuseBrowserPost(req);
      try {
        applyOptions(parseJsonBody(await readBody(req)) as Partial<SimulatorOptions>);
      } catch (error) {
        throw new ApiError(400, (error as Error).message, 'invalid_value');
      }
      return sendJson(res, 200, { ok: true });
    }
    const query = (): URLSearchParams => new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (method === 'POST' && (path === '/v1/load_lora_adapter' || path === '/v1/unload_lora_adapter')) return lora(path, req, res);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1') throw notFound(`Unknown request URL: ${method} ${path}`, 'unknown_url');
    const [, resource, id, sub, extra] = parts;
    if (resource === 'models' && method === 'GET' && sub === undefined) {
      if (id === undefined) return sendJson(res, 200, { object: 'list', data: models.list() });
      const model = models.get(id);
      if (!model) throw notFound(`The model '${id}' does not exist`, 'model_not_found', 'model');
      return sendJson(res, 200, model);
    }
    if (resource === 'files' && extra === undefined) {
      if (method === 'POST' && id === undefined) {
        const file = files.upload(req.headers['content-type'], await readBody(req));
        persist();
        stats.files = files.size;
        return sendJson(res, 200, file);
      }
      if (method === 'GET' && id === undefined) return sendJson(res, 200, { object: 'list', data: files.list(), has_more: false });
      if (method === 'GET' && id !== undefined && sub === undefined) return sendJson(res, 200, files.get(id));
      if (method === 'GET' && id !== undefined && sub === 'content') return sendRaw(res, 200, files.content(id), 'application/octet-stream');
      if (method === 'DELETE' && id !== undefined && sub === undefined) {
        const deleted = files.delete(id);
        persist();
        stats.files = files.size;
        return sendJson(res, 200, deleted);
      }
    }
    if (resource === 'batches' && options.batches && extra === undefined) {
      if (method === 'POST' && id === undefined) return sendJson(res, 200, batches.create(parseJsonBody(await readBody(req))));
      if (method === 'GET' && id === undefined) return sendJson(res, 200, batches.list(Math.max(1, Math.min(100, Number(query().get('limit') ?? 20) || 20))));
      if (method === 'GET' && id !== undefined && sub === undefined) return sendJson(res, 200, batches.get(id));
      if (method === 'POST' && id !== undefined && sub === 'cancel') return sendJson(res, 200, batches.cancel(id));
    }
    if (resource === 'fine_tuning' && id === 'jobs') {
      const jobId = sub;
      const action = extra;
      if (method === 'POST' && jobId === undefined) return sendJson(res, 200, jobs.create(parseJsonBody(await readBody(req))));
      if (method === 'GET' && jobId === undefined) return sendJson(res, 200, jobs.list(query()));
      if (method === 'GET' && jobId !== undefined && action === undefined) return sendJson(res, 200, jobs.get(jobId));
      if (method === 'GET' && jobId !== undefined && action === 'events') return sendJson(res, 200, jobs.events(jobId, query()));
      if (method === 'POST' && jobId !== undefined && action === 'cancel') return sendJson(res, 200, jobs.cancel(jobId));
    }
    throw notFound(`Unknown request URL: ${method} ${path}`, 'unknown_url');
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      const apiError =
        error instanceof ApiError ? error : new ApiError(500, `Simulator error: ${(error as Error)?.message ?? String(error)}`, 'server_error');
      sendError(res, apiError);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`;

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    stats: () => stats.snapshot(faults.inFlight),
    setOptions: applyOptions,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        jobs.close();
        batches.close();
        for (const timer of sleeping) clearTimeout(timer);
        sleeping.clear();
        for (const socket of held) socket.destroy();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/**
 * /sim/options changes how every later request is answered, so no web page may call it: a request
 * with an `Origin` (browsers send one on every cross-origin POST) is refused with 403, and a body
 * that is not JSON (a page's "simple" text/plain POST needs no preflight) with 415.
 */
function refuseBrowserPost(req: IncomingMessage): void {
  if (req.headers.origin !== undefined) throw new ApiError(403, 'The simulator control endpoints take no requests from web pages', 'invalid_request_error', 'forbidden_origin');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new ApiError(415, 'Send the options as JSON (content-type: application/json)', 'invalid_request_error', 'unsupported_media_type');
}
