/**
 * The only reader of the environment. Every value is validated here; a bad value stops the start
 * with one line that names the variable, says what was wrong and gives an example.
 */
import path from 'node:path';
import { parseApiTokens } from './tokens.js';
import type { ApiToken } from './tokens.js';
import { parseSimulatorOptions } from './simulator.js';
import type { SimulatorOptions } from './simulator.js';
import { parseServerFile } from './endpoints.js';
import { readPriceFile, type PriceTable } from './prices.js';
import type { NamedEndpoint, TrainerSpec } from './endpoints.js';
import { bool, ConfigError, int, list, oneOf, optional, parseBaseUrl, parseDatabaseUrl } from './env.js';
import type { Env } from './env.js';
import { workerConfig } from './worker.js';
import type { WorkerConfig } from './worker.js';

export { COMMAND_PLACEHOLDERS } from './endpoints.js';
export { ConfigError, publicEndpoint, redactUrl } from './env.js';
export type { WorkerConfig } from './worker.js';
export type { CommandTrainer, NamedEndpoint, TrainerSpec, WebhookTrainer } from './endpoints.js';

/**
 * How the completion limit is sent. 'max_tokens' always sends `max_tokens` (every local server
 * knows it); 'max_completion_tokens' always sends `max_completion_tokens` (OpenAI's reasoning
 * models, o1, o3, o4-mini, gpt-5..., accept only that); 'auto' sends `max_tokens`, and when a model
 * refuses it with OpenAI's 400 (param 'max_tokens', code 'unsupported_parameter') the request is
 * sent again at once with `max_completion_tokens` (not counted as a retry), as is every later
 * request of this client to that model.
 */
export type MaxTokensParam = 'auto' | 'max_tokens' | 'max_completion_tokens';

export type Role = 'all' | 'api' | 'worker';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  | {
      kind: 'pglite';
      dataDir: string;
      /**
       * With `memory://` only: a data dir dumped by PGlite's `dumpDataDir` (an uncompressed tar) that
       * the new database starts from instead of an empty one. Not read from the environment: the
       * tests start each in-memory database from a dump of a migrated one instead of initdb.
       */
      loadDataDir?: string;
    };

export type LlmConfig = {
  /** null: no endpoint configured, the built-in simulator is started. */
  baseURL: string | null;
  apiKey: string;
  concurrency: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
  timeoutMs: number;
  /** LLM_MAX_RETRIES: retries of transient failures; 429s do not count (see rateLimitMaxWaitMs). Default 6. */
  maxRetries: number;
  /** LLM_RATE_LIMIT_MAX_WAIT_MS: a request gives up on 429s after waiting on them longer than this. Default 600000. */
  rateLimitMaxWaitMs: number;
  /** LLM_MAX_TOKENS_PARAM: how the completion limit is sent (auto, max_tokens, max_completion_tokens). Default auto. */
  maxTokensParam: MaxTokensParam;
  /** LLM_ADAPTIVE_CONCURRENCY: lower the requests in flight below `concurrency` on 429s and probe back (AIMD). Default true. */
  adaptiveConcurrency: boolean;
};

/** Limits of the GraphQL API, the same on HTTP and WebSocket. Every one is an environment variable. */
export type ApiLimits = {
  /** HTTP_BODY_LIMIT_BYTES: largest HTTP request body; larger ones get 413. Default 20 MiB (a 16 MiB import, JSON-escaped). */
  bodyLimitBytes: number;
  /** WS_MAX_PAYLOAD_BYTES: largest WebSocket message; a larger one closes the socket with 1009. Default 1 MiB. */
  wsMaxPayloadBytes: number;
  /** WS_CONNECTION_INIT_TIMEOUT_MS: sockets that send no connection_init in this time are closed with 4408. Default 3000. */
  connectionInitTimeoutMs: number;
  /** WS_KEEPALIVE_MS: server ping interval; a socket that has not answered the previous ping is terminated. Default 15000; 0: off. */
  keepAliveMs: number;
  /** WS_MAX_SUBSCRIPTIONS: operations one WebSocket connection may run at once; one more gets an error. Default 20. */
  maxSubscriptionsPerConnection: number;
  /** WS_MAX_CONNECTIONS_PER_IP: open WebSocket connections from one address; one more gets HTTP 429 instead of an upgrade. Default 500; 0: no cap. */
  maxConnectionsPerIp: number;
  /** WS_MAX_BUFFERED_BYTES: bytes a socket may have waiting to be sent; past it the socket is closed with 4290. Default 1 MiB. */
  maxBufferedBytes: number;
  /** WS_SLOW_CONSUMER_MS: how long a socket past half its buffer cap may take to drain before it is closed with 4290. Default 5000. */
  slowConsumerMs: number;
  /** GRAPHQL_MAX_DEPTH: deepest field nesting of an operation (introspection fields not counted). Default 10. */
  maxDepth: number;
  /** GRAPHQL_MAX_ALIASES: aliases in an operation, fragments counted at every spread. Default 15. */
  maxAliases: number;
  /** GRAPHQL_MAX_DIRECTIVES: directives in an operation, fragments counted at every spread. Default 20. */
  maxDirectives: number;
  /** GRAPHQL_MAX_TOKENS: lexical tokens of a document; parsing stops past it. Default 1000. */
  maxTokens: number;
  /** GRAPHQL_MAX_COST: fields an operation may resolve, lists counted at their page size (`first`). Default 10000. */
  maxCost: number;
  /** MUTATIONS_PER_MINUTE: mutation fields (each alias counts) one token (or the anonymous caller) may run per minute. Default 120; 0: unlimited. */
  mutationsPerMinute: number;
  /**
   * QUERIES_PER_MINUTE: queries and subscriptions (operations, on either transport) one token may
   * start per minute; without tokens, per client address. Default 1200; 0: unlimited.
   */
  queriesPerMinute: number;
  /**
   * MAX_SUBSCRIPTIONS_PER_TOKEN: subscriptions one token may have running at once over all its
   * connections; without tokens, per client address. One more gets the error TOO_MANY_SUBSCRIPTIONS. Default 100; 0: no cap.
   */
  maxSubscriptionsPerToken: number;
  /**
   * ERROR_DETAILS: development aid that adds `extensions.details` (the internal error's first line
   * with SQL, parameters and file paths removed) to masked internal errors. Default off; refused
   * with NODE_ENV=production.
   */
  errorDetails: boolean;
  /** GRAPHQL_INTROSPECTION: schema introspection. Default on, off with NODE_ENV=production. */
  introspection: boolean;
  /** GRAPHQL_FIELD_SUGGESTIONS: "Did you mean ...?" in validation errors. Default on, off with NODE_ENV=production. */
  fieldSuggestions: boolean;
};

/** Which hosts and web pages may reach the API (src/http/origin.ts), in every mode. */
export type AccessConfig = {
  /**
   * ALLOWED_HOSTS: host names the server answers to besides the loopback names and HOST
   * (comma-separated; `*`: any, for a reverse proxy that checks Host itself). Default: none more.
   */
  allowedHosts: string[] | '*';
  /** ALLOWED_ORIGINS: web origins (`https://app.example:8443`) whose pages may call the API besides its own. Default: none. */
  allowedOrigins: string[];
};

export type Config = {
  role: Role;
  host: string;
  port: number;
  /**
   * Prometheus metrics: GET /metrics on the API's port for admin tokens, and on METRICS_PORT (default
   * none) without tokens, bound to METRICS_HOST (default 127.0.0.1).
   */
  metrics: { port: number | null; host: string };
  /** OTEL_EXPORTER_OTLP_ENDPOINT: traces are sent there over OTLP/HTTP when set (none: no tracing loaded). */
  otlpEndpoint: string | null;
  production: boolean;
  logLevel: string;
  database: DatabaseConfig;
  llm: LlmConfig;
  /** Options of the built-in simulator (SIM_*); the embedded one listens on a free port unless SIM_PORT is set. */
  simulator: Partial<SimulatorOptions>;
  /** Models used when an experiment names none (GENERATOR_MODEL, JUDGE_MODEL); the simulator's when no endpoint is set. */
  models: { generatorModel: string | null; judgeModel: string | null };
  worker: WorkerConfig;
  limits: {
    /** Longest instruction accepted by importInstructions, in characters. Default 20,000. */
    maxInstructionLength: number;
  };
  /**
   * API tokens (API_TOKENS, API_TOKENS_FILE). None: no authentication, every caller is admin, which
   * is allowed only when HOST is a loopback address (the start fails otherwise).
   */
  auth: { tokens: ApiToken[] };
  /** Limits of the GraphQL API on both transports. */
  api: ApiLimits;
  access: AccessConfig;
  /**
   * Named endpoints and trainers (STE_CONFIG, see endpoints.ts). Always has the endpoint `default`
   * (OPENAI_BASE_URL, or the simulator when unset). Experiments refer to them only by name.
   */
  endpoints: NamedEndpoint[];
  trainers: TrainerSpec[];
  /** The price table: STE_CONFIG's `prices`, or the file STE_PRICES names (see prices.ts); empty: costs are unknown. */
  prices: PriceTable;
  /** TRAINING_DIR: where COMMAND trainers get their training files and output folders. Default DATA_DIR/training. */
  trainingDir: string;
};


/** Reads the configuration from `env` (default: process.env) and command-line `argv`. */
export function loadConfig(env: Env = process.env, argv: readonly string[] = process.argv.slice(2)): Config {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = optional(env, 'DATABASE_URL');
  const role = parseRole(argv);
  const host = optional(env, 'HOST') ?? '127.0.0.1';
  const tokens = apiTokens(env);
  if (role !== 'worker' && tokens.length === 0 && !isLoopback(host)) {
    throw new ConfigError(
      `HOST=${host} exposes the API beyond this machine, so it needs API tokens: set API_TOKENS or API_TOKENS_FILE (example: API_TOKENS=admin:$(openssl rand -hex 32))`,
    );
  }
  const llm = llmConfig(env);
  const server = serverFile(env, llm);
  return {
    ...server,
    trainingDir: path.resolve(optional(env, 'TRAINING_DIR') ?? path.join(optional(env, 'DATA_DIR') ?? './.data', 'training')),
    role,
    host,
    port: int(env, 'PORT', 4000, 0, 65535),
    metrics: { port: optional(env, 'METRICS_PORT') === undefined ? null : int(env, 'METRICS_PORT', 0, 0, 65535), host: optional(env, 'METRICS_HOST') ?? '127.0.0.1' },
    otlpEndpoint: otlpEndpoint(env),
    production,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    database: databaseUrl
      ? { kind: 'postgres', url: parseDatabaseUrl(databaseUrl), poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000) }
      : { kind: 'pglite', dataDir: dataDir(optional(env, 'DATA_DIR') ?? './.data') },
    llm,
    simulator: simulatorOptions(env),
    models: { generatorModel: optional(env, 'GENERATOR_MODEL') ?? null, judgeModel: optional(env, 'JUDGE_MODEL') ?? null },
    worker: workerConfig(env, role, databaseUrl !== undefined),
    limits: {
      maxInstructionLength: int(env, 'MAX_INSTRUCTION_LENGTH', 20_000, 1, 10_000_000),
    },
    auth: { tokens },
    api: {
      bodyLimitBytes: int(env, 'HTTP_BODY_LIMIT_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      wsMaxPayloadBytes: int(env, 'WS_MAX_PAYLOAD_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      connectionInitTimeoutMs: int(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', 3_000, 1, 600_000),
      keepAliveMs: int(env, 'WS_KEEPALIVE_MS', 15_000, 0, 3_600_000),
      maxSubscriptionsPerConnection: int(env, 'WS_MAX_SUBSCRIPTIONS', 20, 1, 10_000),
      maxConnectionsPerIp: int(env, 'WS_MAX_CONNECTIONS_PER_IP', 500, 0, 1_000_000),
      maxBufferedBytes: int(env, 'WS_MAX_BUFFERED_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      slowConsumerMs: int(env, 'WS_SLOW_CONSUMER_MS', 5_000, 1, 3_600_000),
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 10, 1, 1_000),
      maxAliases: int(env, 'GRAPHQL_MAX_ALIASES', 15, 0, 100_000),
      maxDirectives: int(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 0, 100_000),
      maxTokens: int(env, 'GRAPHQL_MAX_TOKENS', 1_000, 10, 10_000_000),
      maxCost: int(env, 'GRAPHQL_MAX_COST', 10_000, 1, 1_000_000_000),
      mutationsPerMinute: int(env, 'MUTATIONS_PER_MINUTE', 120, 0, 10_000_000),
      queriesPerMinute: int(env, 'QUERIES_PER_MINUTE', 1_200, 0, 10_000_000),
      maxSubscriptionsPerToken: int(env, 'MAX_SUBSCRIPTIONS_PER_TOKEN', 100, 0, 1_000_000),
      errorDetails: errorDetails(env, production),
      introspection: bool(env, 'GRAPHQL_INTROSPECTION', !production),
      fieldSuggestions: bool(env, 'GRAPHQL_FIELD_SUGGESTIONS', !production),
    },
    access: { allowedHosts: allowedHosts(env, host), allowedOrigins: allowedOrigins(env) },
  };
}

function errorDetails(env: Env, production: boolean): boolean {
  const on = bool(env, 'ERROR_DETAILS', false);
  if (on && production) throw new ConfigError('ERROR_DETAILS is a development aid and is refused with NODE_ENV=production: unset it (errors carry an errorId to find the logged error)');
  return on;
}

/** HOST (unless a wildcard address) and ALLOWED_HOSTS, as lower-case host names without brackets or port. */
function allowedHosts(env: Env, host: string): string[] | '*' {
  const listed = list(env, 'ALLOWED_HOSTS');
  if (listed.includes('*')) return '*';
  for (const name of listed) {
    if (!/^(\[[0-9a-f:.]+\]|[0-9a-z_.-]+)$/i.test(name)) {
      throw new ConfigError(`ALLOWED_HOSTS must list host names without scheme or port, got "${name}" (example: ALLOWED_HOSTS=ste.internal,10.0.0.5)`);
    }
  }
  const own = host === '0.0.0.0' || host === '::' ? [] : [host];
  return [...new Set([...own, ...listed].map((h) => h.replace(/^\[|\]$/g, '').toLowerCase()))];
}

/** ALLOWED_ORIGINS as exact origins (scheme, host and port, as browsers send them). */
function allowedOrigins(env: Env): string[] {
  return list(env, 'ALLOWED_ORIGINS').map((raw) => {
    let origin: string | null = null;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') origin = url.origin;
    } catch {
      // reported below
    }
    if (origin === null || origin !== raw.replace(/\/$/, '')) {
      throw new ConfigError(`ALLOWED_ORIGINS must list origins like https://app.example:8443 (scheme, host, optional port; no path), got "${raw}"`);
    }
    return origin;
  });
}


function llmConfig(env: Env): LlmConfig {
  return {
    baseURL: parseBaseUrl(optional(env, 'OPENAI_BASE_URL')),
    apiKey: optional(env, 'OPENAI_API_KEY') ?? 'sim',
    concurrency: int(env, 'LLM_CONCURRENCY', 64, 1, 10_000),
    requestsPerMinute: int(env, 'LLM_REQUESTS_PER_MINUTE', 0, 0, 10_000_000),
    tokensPerMinute: int(env, 'LLM_TOKENS_PER_MINUTE', 0, 0, 1_000_000_000),
    timeoutMs: int(env, 'LLM_TIMEOUT_MS', 120_000, 100, 3_600_000),
    maxRetries: int(env, 'LLM_MAX_RETRIES', 6, 0, 100),
    rateLimitMaxWaitMs: int(env, 'LLM_RATE_LIMIT_MAX_WAIT_MS', 600_000, 0, 86_400_000),
    maxTokensParam: oneOf(env, 'LLM_MAX_TOKENS_PARAM', ['auto', 'max_tokens', 'max_completion_tokens'], 'auto'),
    adaptiveConcurrency: bool(env, 'LLM_ADAPTIVE_CONCURRENCY', true),
  };
}

/** STE_CONFIG's endpoints and trainers, with `default` made from OPENAI_BASE_URL and the LLM_* variables. */
function serverFile(env: Env, llm: LlmConfig): Pick<Config, 'endpoints' | 'trainers' | 'prices'> {
  const { baseURL, apiKey, concurrency, requestsPerMinute, tokensPerMinute, timeoutMs, maxRetries, rateLimitMaxWaitMs, maxTokensParam, adaptiveConcurrency } = llm;
  const defaultEndpoint: NamedEndpoint = { name: 'default', baseURL, apiKey, concurrency, requestsPerMinute, tokensPerMinute, timeoutMs, maxRetries, rateLimitMaxWaitMs, maxTokensParam, adaptiveConcurrency, loraAdapters: false, unloadLoraAdapters: false };
  try {
    const file = parseServerFile(optional(env, 'STE_CONFIG'), defaultEndpoint, env);
    const pricesFile = optional(env, 'STE_PRICES');
    if (pricesFile === undefined) return file;
    if (file.prices.size > 0) throw new Error(`STE_PRICES=${pricesFile} and the prices of STE_CONFIG are both set: keep one of the two`);
    const prices = readPriceFile(pricesFile);
    const unknown = [...prices.keys()].filter((name) => !file.endpoints.some((e) => e.name === name));
    if (unknown.length > 0) throw new Error(`STE_PRICES ${pricesFile}: prices.${unknown[0]}: no endpoint of that name (known: ${file.endpoints.map((e) => e.name).join(', ')})`);
    return { ...file, prices };
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function otlpEndpoint(env: Env): string | null {
  const url = optional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (url === undefined) return null;
  if (!/^https?:\/\/[^/]/.test(url)) throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT=${url} must be an http(s) URL (example: http://127.0.0.1:4318)`);
  return url.replace(/\/+$/, '');
}

/** A folder for PGlite's files, or `memory://` for a database that lives only as long as the process. */
function dataDir(raw: string): string {
  return raw.startsWith('memory://') ? raw : path.resolve(raw);
}

function apiTokens(env: Env): ApiToken[] {
  try {
    return parseApiTokens(optional(env, 'API_TOKENS'), optional(env, 'API_TOKENS_FILE'));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

function simulatorOptions(env: Env): Partial<SimulatorOptions> {
  try {
    return parseSimulatorOptions(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function parseRole(argv: readonly string[]): Role {
  const at = argv.findIndex((a) => a === '--role' || a.startsWith('--role='));
  if (at < 0) return 'all';
  const arg = argv[at]!;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
  if (value === 'all' || value === 'api' || value === 'worker') return value;
  throw new ConfigError(`--role must be one of api, worker, all; got "${value ?? ''}" (example: npm start -- --role worker)`);
}
