/**
 * The server's configuration file (STE_CONFIG, JSON): named LLM endpoints and named trainers. An
 * experiment refers to them only by name, so nothing sent through the API can supply a URL, a
 * command or a path: they come from this file, which only the operator of the server writes.
 *
 * ```json
 * {
 *   "endpoints": {
 *     "gpu": { "baseUrl": "http://10.0.0.5:8000/v1", "apiKeyEnv": "GPU_API_KEY", "concurrency": 32,
 *              "requestsPerMinute": 0, "tokensPerMinute": 0, "maxTokensParam": "max_tokens", "loraAdapters": true,
 *              "batchMaxLines": 50000, "batchMaxBytes": 209715200 }
 *   },
 *   "trainers": {
 *     "trl-sft": { "type": "COMMAND", "hyperparameters": ["learning_rate", "num_train_epochs"], "timeoutSeconds": 86400,
 *                  "command": ["python3", "trainers/trl_sft.py", "--train", "{trainingFile}", "--output-dir", "{outputDir}",
 *                              "--base-model", "{baseModel}", "--iteration", "{iteration}", "--hyperparameters", "{hyperparameters}"] }
 *   },
 *   "prices": { "gpu": { "llama-3-70b": { "inputPerMillion": 0.5, "outputPerMillion": 1.5, "batchDiscount": 0.5 } } }
 * }
 * ```
 * `prices` (or the file STE_PRICES names instead) is the price table of prices.ts.
 * OPENAI_BASE_URL / OPENAI_API_KEY and the LLM_* variables stay the one-endpoint shortcut: they
 * make the endpoint named `default` (the built-in simulator when OPENAI_BASE_URL is unset), and
 * the LLM_* values are the defaults of every endpoint of the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LlmConfig, MaxTokensParam } from './index.js';
import { EMPTY_PRICES, parsePrices, type PriceTable } from './prices.js';

/**
 * One named OpenAI-compatible endpoint, with its own client, limiter and usage counters: the same
 * settings as the one-endpoint shortcut (LlmConfig: `baseURL` null is the built-in simulator, only
 * for `default`; `apiKey` is the key itself, read from the variable the file names in `apiKeyEnv`,
 * never shown by the API), plus its name and adapter registration.
 */
export type NamedEndpoint = LlmConfig & {
  name: string;
  /** Register trained adapters with vLLM's `POST /v1/load_lora_adapter`. Default false. */
  loraAdapters: boolean;
  /**
   * With loraAdapters: unload (`POST /v1/unload_lora_adapter`) the adapters the service loaded
   * once they are no longer in use (services/training/adapters.ts). Default true.
   */
  unloadLoraAdapters: boolean;
  /** Execution BATCH: most request lines in one batch (default 50,000, OpenAI's limit). */
  batchMaxLines?: number;
  /** Execution BATCH: most bytes of one batch's input file (default 200 MB, OpenAI's limit). */
  batchMaxBytes?: number;
};

/** Placeholders a COMMAND trainer's argv may contain; each is replaced inside its argv entry (never through a shell). */
export const COMMAND_PLACEHOLDERS = ['{trainingFile}', '{outputDir}', '{baseModel}', '{iteration}', '{method}', '{hyperparameters}'] as const;

/** A named trainer from the file: a command a worker runs, or a webhook it posts the job to. */
export type TrainerSpec = CommandTrainer | WebhookTrainer;

/**
 * WEBHOOK: the job is POSTed to `url` as JSON, signed `X-STE-Signature: sha256=<hex HMAC-SHA256 of
 * "<X-STE-Timestamp>.<body>" with the secret>`; the trainer downloads the training file from a
 * token-scoped URL under `serviceUrl` and reports the model with that token (completeTraining, or
 * a callback signed the same way).
 */
export type WebhookTrainer = {
  name: string;
  type: 'WEBHOOK';
  url: string;
  /** The shared secret, read from the variable the file names (`secretEnv`). */
  secret: string;
  /** This service's base URL as the trainer reaches it (download and callback URLs are built on it). */
  serviceUrl: string;
  hyperparameters: string[];
  /** A job with no report after this long fails its stage. Default 86400. */
  timeoutSeconds: number;
  /** Lifetime of the training file's download URL. Default 3600. */
  tokenSeconds: number;
};

export type CommandTrainer = {
  name: string;
  type: 'COMMAND';
  /** argv template: the program and its arguments, placeholders filled per run. */
  command: string[];
  /** Hyper-parameter keys an experiment may set for this trainer (passed as the JSON of `{hyperparameters}`). */
  hyperparameters: string[];
  /** A run still going after this long is stopped and the stage fails. Default 86400 (a day). */
  timeoutSeconds: number;
};

/** `prices`: the price table (prices.ts), empty when the file has none. */
export type ServerFile = { endpoints: NamedEndpoint[]; trainers: TrainerSpec[]; prices: PriceTable };

type Env = Record<string, string | undefined>;
type Defaults = Omit<NamedEndpoint, 'name' | 'baseURL' | 'apiKey' | 'loraAdapters' | 'unloadLoraAdapters'>;

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const ENDPOINT_KEYS = new Set(['baseUrl', 'apiKeyEnv', 'concurrency', 'requestsPerMinute', 'tokensPerMinute', 'timeoutMs', 'maxRetries', 'rateLimitMaxWaitMs', 'maxTokensParam', 'adaptiveConcurrency', 'loraAdapters', 'unloadLoraAdapters', 'batchMaxLines', 'batchMaxBytes']);
const TRAINER_KEYS = new Set(['type', 'command', 'hyperparameters', 'timeoutSeconds']);
const WEBHOOK_KEYS = new Set(['type', 'url', 'secretEnv', 'serviceUrl', 'hyperparameters', 'timeoutSeconds', 'tokenSeconds']);

/**
 * Reads the file at `file` (STE_CONFIG) and adds the `default` endpoint from the environment.
 * Throws an Error with one line naming the file and the entry at fault.
 */
export function parseServerFile(file: string | undefined, defaultEndpoint: NamedEndpoint, env: Env): ServerFile {
  if (!file) return { endpoints: [defaultEndpoint], trainers: [], prices: EMPTY_PRICES };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new Error(`STE_CONFIG=${file} could not be read as JSON: ${(error as Error).message}`, { cause: error });
  }
  const where = (entry: string) => `STE_CONFIG ${file}: ${entry}`;
  const top = record(raw, where('the file'));
  unknownKeys(top, new Set(['endpoints', 'trainers', 'prices']), where('the file'));
  const endpoints = Object.entries(record(top.endpoints ?? {}, where('endpoints'))).map(([name, value]) =>
    endpointOf(name, value, defaultEndpoint, env, where(`endpoints.${name}`)),
  );
  if (endpoints.some((e) => e.name === 'default') && defaultEndpoint.baseURL !== null) {
    throw new Error(where('endpoints.default is also set by OPENAI_BASE_URL: keep one of the two'));
  }
  if (!endpoints.some((e) => e.name === 'default')) endpoints.unshift(defaultEndpoint);
  const trainers = Object.entries(record(top.trainers ?? {}, where('trainers'))).map(([name, value]) =>
    (value as { type?: unknown } | null)?.type === 'WEBHOOK' ? webhookOf(name, value, env, where(`trainers.${name}`)) : trainerOf(name, value, where(`trainers.${name}`)),
  );
  const prices = top.prices === undefined ? EMPTY_PRICES : parsePrices(top.prices, where('prices'));
  for (const endpoint of prices.keys()) {
    if (!endpoints.some((e) => e.name === endpoint)) throw new Error(where(`prices.${endpoint}: no endpoint of that name (known: ${endpoints.map((e) => e.name).join(', ')})`));
  }
  return { endpoints, trainers, prices };
}

function endpointOf(name: string, value: unknown, defaults: Defaults, env: Env, at: string): NamedEndpoint {
  if (!NAME.test(name)) throw new Error(`${at}: a name is 1 to 64 of a-z, 0-9, _ and -, starting with a letter`);
  const o = record(value, at);
  unknownKeys(o, ENDPOINT_KEYS, at);
  const baseURL = typeof o.baseUrl === 'string' ? o.baseUrl.replace(/\/+$/, '') : '';
  if (!/^https?:\/\/[^/]/.test(baseURL)) throw new Error(`${at}.baseUrl must be an http(s) URL (example: "http://127.0.0.1:8000/v1")`);
  let apiKey = 'EMPTY';
  if (o.apiKeyEnv !== undefined) {
    if (typeof o.apiKeyEnv !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(o.apiKeyEnv)) throw new Error(`${at}.apiKeyEnv must name an environment variable (example: "GPU_API_KEY")`);
    const key = env[o.apiKeyEnv]?.trim();
    if (!key) throw new Error(`${at}.apiKeyEnv names ${o.apiKeyEnv}, which is not set`);
    apiKey = key;
  }
  const maxTokensParam = o.maxTokensParam ?? defaults.maxTokensParam;
  if (!['auto', 'max_tokens', 'max_completion_tokens'].includes(maxTokensParam as string)) throw new Error(`${at}.maxTokensParam must be auto, max_tokens or max_completion_tokens`);
  if (o.loraAdapters !== undefined && typeof o.loraAdapters !== 'boolean') throw new Error(`${at}.loraAdapters must be true or false`);
  if (o.unloadLoraAdapters !== undefined && typeof o.unloadLoraAdapters !== 'boolean') throw new Error(`${at}.unloadLoraAdapters must be true or false`);
  if (o.adaptiveConcurrency !== undefined && typeof o.adaptiveConcurrency !== 'boolean') throw new Error(`${at}.adaptiveConcurrency must be true or false`);
  return {
    name,
    baseURL,
    apiKey,
    concurrency: int(o.concurrency, defaults.concurrency, 1, 10_000, `${at}.concurrency`),
    requestsPerMinute: int(o.requestsPerMinute, defaults.requestsPerMinute, 0, 10_000_000, `${at}.requestsPerMinute`),
    tokensPerMinute: int(o.tokensPerMinute, defaults.tokensPerMinute, 0, 1_000_000_000, `${at}.tokensPerMinute`),
    timeoutMs: int(o.timeoutMs, defaults.timeoutMs, 100, 3_600_000, `${at}.timeoutMs`),
    maxRetries: int(o.maxRetries, defaults.maxRetries, 0, 100, `${at}.maxRetries`),
    rateLimitMaxWaitMs: int(o.rateLimitMaxWaitMs, defaults.rateLimitMaxWaitMs, 0, 86_400_000, `${at}.rateLimitMaxWaitMs`),
    maxTokensParam: maxTokensParam as MaxTokensParam,
    adaptiveConcurrency: typeof o.adaptiveConcurrency === 'boolean' ? o.adaptiveConcurrency : defaults.adaptiveConcurrency,
    loraAdapters: o.loraAdapters === true,
    unloadLoraAdapters: o.unloadLoraAdapters !== false,
    ...(o.batchMaxLines !== undefined && { batchMaxLines: int(o.batchMaxLines, 50_000, 1, 50_000, `${at}.batchMaxLines`) }),
    ...(o.batchMaxBytes !== undefined && { batchMaxBytes: int(o.batchMaxBytes, 209_715_200, 1_024, 209_715_200, `${at}.batchMaxBytes`) }),
  };
}

function webhookOf(name: string, value: unknown, env: Env, at: string): WebhookTrainer {
  if (!NAME.test(name)) throw new Error(`${at}: a name is 1 to 64 of a-z, 0-9, _ and -, starting with a letter`);
  const o = record(value, at);
  unknownKeys(o, WEBHOOK_KEYS, at);
  const url = (key: string) => {
    const v = o[key];
    if (typeof v !== 'string' || !/^https?:\/\/[^/]/.test(v)) throw new Error(`${at}.${key} must be an http(s) URL`);
    return v.replace(/\/+$/, '');
  };
  if (typeof o.secretEnv !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(o.secretEnv)) throw new Error(`${at}.secretEnv must name an environment variable holding the signing secret`);
  const secret = env[o.secretEnv]?.trim() ?? '';
  if (secret.length < 16) throw new Error(`${at}.secretEnv names ${o.secretEnv}, which must hold a secret of at least 16 characters`);
  return {
    name,
    type: 'WEBHOOK',
    url: url('url'),
    secret,
    serviceUrl: url('serviceUrl'),
    hyperparameters: hyperparameterKeys(o.hyperparameters, at),
    timeoutSeconds: int(o.timeoutSeconds, 86_400, 1, 30 * 86_400, `${at}.timeoutSeconds`),
    tokenSeconds: int(o.tokenSeconds, 3_600, 60, 7 * 86_400, `${at}.tokenSeconds`),
  };
}

function hyperparameterKeys(keys: unknown, at: string): string[] {
  const list = keys ?? [];
  if (!Array.isArray(list) || list.some((k) => typeof k !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k))) {
    throw new Error(`${at}.hyperparameters must be an array of key names (example: ["learning_rate"])`);
  }
  return list as string[];
}

function trainerOf(name: string, value: unknown, at: string): CommandTrainer {
  if (!NAME.test(name)) throw new Error(`${at}: a name is 1 to 64 of a-z, 0-9, _ and -, starting with a letter`);
  const o = record(value, at);
  unknownKeys(o, TRAINER_KEYS, at);
  if (o.type !== 'COMMAND') throw new Error(`${at}.type must be "COMMAND" or "WEBHOOK"`);
  const command = o.command;
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string' || a.length === 0)) {
    throw new Error(`${at}.command must be a non-empty array of non-empty strings: the program and its arguments`);
  }
  const argv = command as string[];
  for (const arg of argv) {
    for (const found of arg.match(/\{[A-Za-z]+\}/g) ?? []) {
      if (!(COMMAND_PLACEHOLDERS as readonly string[]).includes(found)) throw new Error(`${at}.command: unknown placeholder ${found} (known: ${COMMAND_PLACEHOLDERS.join(', ')})`);
    }
  }
  if (/\{/.test(argv[0]!)) throw new Error(`${at}.command: the program (first entry) cannot be a placeholder`);
  if (!argv.some((a) => a.includes('{outputDir}'))) throw new Error(`${at}.command must pass {outputDir}: the trainer writes its result.json there`);
  return { name, type: 'COMMAND', command: argv, hyperparameters: hyperparameterKeys(o.hyperparameters, at), timeoutSeconds: int(o.timeoutSeconds, 86_400, 1, 30 * 86_400, `${at}.timeoutSeconds`) };
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${at} must be a JSON object`);
  return value as Record<string, unknown>;
}

function unknownKeys(o: Record<string, unknown>, known: Set<string>, at: string): void {
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`${at}: unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...known].join(', ')})`);
}

function int(value: unknown, fallback: number, min: number, max: number, at: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new Error(`${at} must be a whole number from ${min} to ${max}`);
  return value;
}
