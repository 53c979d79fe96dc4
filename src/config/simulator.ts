/**
 * Simulator options, their defaults, and the parser for the SIM_* environment variables.
 * This module never reads `process.env` itself: the app's config passes the environment in.
 */
import path from 'node:path';

export type SimulatorOptions = {
  /** TCP port to listen on. Default 0: a free port chosen by the OS (see `Simulator.port`). */
  port: number;
  /** Interface to bind. Default '127.0.0.1'. */
  host: string;
  /** Added delay before every chat completion answer, in ms. Default 0. */
  latencyMs: number;
  /** Extra uniform random delay in [0, jitterMs) on top of `latencyMs`. Default 0. */
  jitterMs: number;
  /** Chat requests in flight beyond this get 429 with `retry-after`. Default Infinity (unlimited). */
  maxConcurrency: number;
  /** Value of the `retry-after` / `retry-after-ms` headers on a 429, in ms. Default 200. */
  retryAfterMs: number;
  /** Probability that a chat request gets a 500 server error. Default 0. */
  errorRate: number;
  /** Probability that a chat request (not already a 500) is held open and never answered. Default 0. */
  timeoutRate: number;
  /** Per choice of a judge, modify or categorize request: probability of an unparseable output. Default 0. */
  malformedRate: number;
  /** Per choice: probability that the output is cut mid-way with finish_reason "length". Default 0. */
  truncatedRate: number;
  /**
   * Per choice: probability that the output starts with a NUL character and an unpaired UTF-16
   * surrogate (`\u0000\ud800` in the JSON), as a server with broken decoding may send. Default 0.
   */
  controlCharRate: number;
  /** Seed of the fault draws and the default sampling seed of requests without `seed`. Default 0. */
  seed: number;
  /** Most choices returned per request, whatever `n` asks for. Default Infinity (no cap). */
  maxN: number;
  /** Duration of a fine-tuning job from creation to success, in ms (0 allowed). Default 1500. */
  fineTuneMs: number;
  /** Request log entries kept (oldest dropped first); 0 keeps none. Default 10000. */
  logRequests: number;
  /** Model ids listed by GET /v1/models; any other id starting with `sim-` is accepted too. */
  seedModels: readonly string[];
  /**
   * Refuse chat requests that carry `max_tokens` with OpenAI's 400 for its reasoning models
   * (param 'max_tokens', code 'unsupported_parameter'); `max_completion_tokens` is served. Default false.
   */
  maxCompletionTokensOnly: boolean;
  /**
   * Folder where fine-tuned models, uploaded files and fine-tuning jobs are kept (`state.json` and
   * `files/`), so that a restarted simulator serves the same models; jobs cut short by a stop run
   * again from the start. Read once at start (not changed by `setOptions`). Default null: in memory only.
   */
  stateDir: string | null;
  /**
   * The only API key accepted (SIM_API_KEY): any other gets OpenAI's 401 `invalid_api_key` on every
   * /v1 route. Default '': any key is accepted.
   */
  apiKey: string;
  /**
   * When false, a fine-tuning job (and so an adapter made from it) learns nothing: the new model
   * judges exactly like its base (SIM_FINE_TUNE_LEARNS; a judge that stops improving). Default true.
   */
  fineTuneLearns: boolean;
  /** Answer chat requests with OpenAI's 429 `insufficient_quota` (billing), which no wait fixes (SIM_QUOTA_EXCEEDED). Default false. */
  quotaExceeded: boolean;
  /** Serve the Batch API (/v1/batches; SIM_BATCHES). When false, /v1/batches answers 404 as vLLM's server does. Default true. */
  batches: boolean;
  /** Time from a batch's creation to its end (completed or expired), in ms (SIM_BATCH_MS). Default 1000. */
  batchMs: number;
  /** Per line of a batch: probability that it fails with a 500 into the error file (SIM_BATCH_ERROR_RATE). Default 0. */
  batchErrorRate: number;
  /** Per line of a batch: probability that it is left unprocessed, the batch then ending `expired` (SIM_BATCH_EXPIRE_RATE). Default 0. */
  batchExpireRate: number;
};

export const DEFAULT_SIMULATOR_OPTIONS: Readonly<SimulatorOptions> = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  latencyMs: 0,
  jitterMs: 0,
  maxConcurrency: Infinity,
  retryAfterMs: 200,
  errorRate: 0,
  timeoutRate: 0,
  malformedRate: 0,
  truncatedRate: 0,
  controlCharRate: 0,
  seed: 0,
  maxN: Infinity,
  fineTuneMs: 1500,
  logRequests: 10_000,
  seedModels: Object.freeze(['sim-judge', 'sim-generator']),
  maxCompletionTokensOnly: false,
  stateDir: null,
  apiKey: '',
  quotaExceeded: false,
  fineTuneLearns: true,
  batches: true,
  batchMs: 1000,
  batchErrorRate: 0,
  batchExpireRate: 0,
});

type Kind = 'rate' | 'ms' | 'count' | 'limit' | 'port' | 'int';

const NUMERIC: readonly { env: string; key: keyof SimulatorOptions; kind: Kind; example: string }[] = [
  { env: 'SIM_PORT', key: 'port', kind: 'port', example: '8089' },
  { env: 'SIM_LATENCY_MS', key: 'latencyMs', kind: 'ms', example: '50' },
  { env: 'SIM_JITTER_MS', key: 'jitterMs', kind: 'ms', example: '20' },
  { env: 'SIM_MAX_CONCURRENCY', key: 'maxConcurrency', kind: 'limit', example: '64' },
  { env: 'SIM_RETRY_AFTER_MS', key: 'retryAfterMs', kind: 'ms', example: '200' },
  { env: 'SIM_ERROR_RATE', key: 'errorRate', kind: 'rate', example: '0.2' },
  { env: 'SIM_TIMEOUT_RATE', key: 'timeoutRate', kind: 'rate', example: '0.01' },
  { env: 'SIM_MALFORMED_RATE', key: 'malformedRate', kind: 'rate', example: '0.1' },
  { env: 'SIM_TRUNCATED_RATE', key: 'truncatedRate', kind: 'rate', example: '0.05' },
  { env: 'SIM_CONTROL_CHAR_RATE', key: 'controlCharRate', kind: 'rate', example: '0.01' },
  { env: 'SIM_SEED', key: 'seed', kind: 'int', example: '42' },
  { env: 'SIM_MAX_N', key: 'maxN', kind: 'limit', example: '4' },
  { env: 'SIM_FINE_TUNE_MS', key: 'fineTuneMs', kind: 'ms', example: '1500' },
  { env: 'SIM_LOG_REQUESTS', key: 'logRequests', kind: 'count', example: '10000' },
  { env: 'SIM_BATCH_MS', key: 'batchMs', kind: 'ms', example: '1000' },
  { env: 'SIM_BATCH_ERROR_RATE', key: 'batchErrorRate', kind: 'rate', example: '0.05' },
  { env: 'SIM_BATCH_EXPIRE_RATE', key: 'batchExpireRate', kind: 'rate', example: '0.1' },
];

const BOOLEAN: readonly { env: string; key: 'maxCompletionTokensOnly' | 'quotaExceeded' | 'fineTuneLearns' | 'batches' }[] = [
  { env: 'SIM_BATCHES', key: 'batches' },
  { env: 'SIM_FINE_TUNE_LEARNS', key: 'fineTuneLearns' },
  { env: 'SIM_MAX_COMPLETION_TOKENS_ONLY', key: 'maxCompletionTokensOnly' },
  { env: 'SIM_QUOTA_EXCEEDED', key: 'quotaExceeded' },
];

const EXPECTED: Record<Kind, string> = {
  rate: 'a number between 0 and 1',
  ms: 'a number of milliseconds >= 0',
  count: 'a whole number >= 0',
  limit: 'a whole number >= 1, or "unlimited"',
  port: 'a whole number between 0 and 65535',
  int: 'a whole number',
};

function parseValue(kind: Kind, raw: string): number | null {
  const text = raw.trim();
  if (kind === 'limit' && /^(unlimited|infinity|none)$/i.test(text)) return Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return null;
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  switch (kind) {
    case 'rate':
      return value >= 0 && value <= 1 ? value : null;
    case 'ms':
      return value >= 0 ? value : null;
    case 'count':
      return Number.isInteger(value) && value >= 0 ? value : null;
    case 'limit':
      return Number.isInteger(value) && value >= 1 ? value : null;
    case 'port':
      return Number.isInteger(value) && value >= 0 && value <= 65535 ? value : null;
    case 'int':
      return Number.isSafeInteger(value) ? value : null;
  }
}

function parseBoolean(raw: string): boolean | null {
  const text = raw.trim().toLowerCase();
  if (['true', '1', 'on', 'yes'].includes(text)) return true;
  if (['false', '0', 'off', 'no'].includes(text)) return false;
  return null;
}

/**
 * Reads the SIM_* variables of `env` (unset or empty ones are skipped). Also SIM_HOST, SIM_STATE_DIR,
 * SIM_MODELS (comma-separated seed model ids) and SIM_MAX_COMPLETION_TOKENS_ONLY (true or false). Throws an Error naming the variable, what was
 * wrong and an example, e.g. `SIM_ERROR_RATE must be a number between 0 and 1, got "abc" (example: SIM_ERROR_RATE=0.2)`.
 */
export function parseSimulatorOptions(env: Record<string, string | undefined>): Partial<SimulatorOptions> {
  const options: Partial<Record<keyof SimulatorOptions, unknown>> = {};
  for (const { env: name, key, kind, example } of NUMERIC) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = parseValue(kind, raw);
    if (value === null) {
      throw new Error(`${name} must be ${EXPECTED[kind]}, got ${JSON.stringify(raw)} (example: ${name}=${example})`);
    }
    options[key] = value;
  }
  for (const { env: name, key } of BOOLEAN) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = parseBoolean(raw);
    if (value === null) throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)} (example: ${name}=true)`);
    options[key] = value;
  }
  const host = env.SIM_HOST?.trim();
  if (host) options.host = host;
  const stateDir = env.SIM_STATE_DIR?.trim();
  if (stateDir) options.stateDir = path.resolve(stateDir);
  const apiKey = env.SIM_API_KEY?.trim();
  if (apiKey) options.apiKey = apiKey;
  const models = env.SIM_MODELS?.trim();
  if (models) {
    const ids = models.split(',').map((m) => m.trim());
    const bad = ids.find((m) => !m || /\s/.test(m));
    if (bad !== undefined) {
      throw new Error(
        `SIM_MODELS must be a comma-separated list of model ids without spaces, got ${JSON.stringify(models)} (example: SIM_MODELS=sim-judge,sim-generator)`,
      );
    }
    options.seedModels = ids;
  }
  return options as Partial<SimulatorOptions>;
}

function isValid(kind: Kind, value: unknown): boolean {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (kind === 'limit' && value === Infinity) return true;
  return parseValue(kind, String(value)) !== null;
}

/**
 * `base` overlaid with `overrides` (undefined values ignored). Throws a RangeError naming the
 * option when a value is out of range, e.g. `errorRate must be a number between 0 and 1, got 2`.
 */
export function resolveSimulatorOptions(
  overrides: Partial<SimulatorOptions> = {},
  base: Readonly<SimulatorOptions> = DEFAULT_SIMULATOR_OPTIONS,
): SimulatorOptions {
  const resolved: SimulatorOptions = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  for (const { key, kind } of NUMERIC) {
    if (!isValid(kind, resolved[key])) {
      throw new RangeError(`${key} must be ${EXPECTED[kind]}, got ${String(resolved[key])}`);
    }
  }
  if (typeof resolved.apiKey !== 'string') throw new RangeError(`apiKey must be a string, got ${JSON.stringify(resolved.apiKey)}`);
  for (const { key } of BOOLEAN) {
    if (typeof resolved[key] !== 'boolean') throw new RangeError(`${key} must be true or false, got ${JSON.stringify(resolved[key])}`);
  }
  return resolved;
}
