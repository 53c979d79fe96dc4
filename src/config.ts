/**
 * The only reader of the environment. Every value is validated here; a bad value stops the start
 * with one line that names the variable, says what was wrong and gives an example.
 */
import path from 'node:path';
import { parseSimulatorOptions } from './sim/options.js';
import type { SimulatorOptions } from './sim/options.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Role = 'all' | 'api' | 'worker';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string };

export type LlmConfig = {
  /** null: no endpoint configured, the built-in simulator is started. */
  baseURL: string | null;
  apiKey: string;
  concurrency: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
  timeoutMs: number;
  maxRetries: number;
};

export type Config = {
  role: Role;
  host: string;
  port: number;
  production: boolean;
  logLevel: string;
  database: DatabaseConfig;
  llm: LlmConfig;
  /** Options of the built-in simulator (SIM_*); the embedded one listens on a free port unless SIM_PORT is set. */
  simulator: Partial<SimulatorOptions>;
  /** Models used when an experiment names none (GENERATOR_MODEL, JUDGE_MODEL); the simulator's when no endpoint is set. */
  models: { generatorModel: string | null; judgeModel: string | null };
  worker: {
    /** Queue jobs (item batches) one worker process runs at once. Default 16. */
    jobConcurrency: number;
    /** Items per queue job. Default 32. */
    batchSize: number;
    /** Seconds after which a job held by a dead worker is handed out again. Default 600. */
    jobExpireSeconds: number;
    /** How long SIGTERM waits for in-flight work before releasing it. Default 30 s. */
    shutdownTimeoutMs: number;
  };
  limits: {
    /** Longest instruction accepted by importInstructions, in characters. Default 20,000. */
    maxInstructionLength: number;
  };
};

type Env = Record<string, string | undefined>;

/** Reads the configuration from `env` (default: process.env) and command-line `argv`. */
export function loadConfig(env: Env = process.env, argv: readonly string[] = process.argv.slice(2)): Config {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = optional(env, 'DATABASE_URL');
  return {
    role: parseRole(argv),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 4000, 0, 65535),
    production,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    database: databaseUrl
      ? { kind: 'postgres', url: parseDatabaseUrl(databaseUrl), poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000) }
      : { kind: 'pglite', dataDir: dataDir(optional(env, 'DATA_DIR') ?? './.data') },
    llm: {
      baseURL: parseBaseUrl(optional(env, 'OPENAI_BASE_URL')),
      apiKey: optional(env, 'OPENAI_API_KEY') ?? 'sim',
      concurrency: int(env, 'LLM_CONCURRENCY', 64, 1, 10_000),
      requestsPerMinute: int(env, 'LLM_REQUESTS_PER_MINUTE', 0, 0, 10_000_000),
      tokensPerMinute: int(env, 'LLM_TOKENS_PER_MINUTE', 0, 0, 1_000_000_000),
      timeoutMs: int(env, 'LLM_TIMEOUT_MS', 120_000, 100, 3_600_000),
      maxRetries: int(env, 'LLM_MAX_RETRIES', 6, 0, 100),
    },
    simulator: simulatorOptions(env),
    models: { generatorModel: optional(env, 'GENERATOR_MODEL') ?? null, judgeModel: optional(env, 'JUDGE_MODEL') ?? null },
    worker: {
      jobConcurrency: int(env, 'WORKER_JOB_CONCURRENCY', 16, 1, 1000),
      batchSize: int(env, 'WORKER_BATCH_SIZE', 32, 1, 10_000),
      jobExpireSeconds: int(env, 'JOB_EXPIRE_SECONDS', 600, 5, 86_400),
      shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 0, 3_600_000),
    },
    limits: {
      maxInstructionLength: int(env, 'MAX_INSTRUCTION_LENGTH', 20_000, 1, 10_000_000),
    },
  };
}

/** A folder for PGlite's files, or `memory://` for a database that lives only as long as the process. */
function dataDir(raw: string): string {
  return raw.startsWith('memory://') ? raw : path.resolve(raw);
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

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}" (example: ${name}=${fallback})`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}" (example: ${name}=${fallback})`);
}

function parseDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `DATABASE_URL is not a valid URL: "${redactUrl(raw)}" (example: DATABASE_URL=postgres://user:password@localhost:5432/ste)`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}" (example: DATABASE_URL=postgres://localhost:5432/ste)`,
    );
  }
  return raw;
}

function parseBaseUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`OPENAI_BASE_URL must be an http(s) URL, got "${raw}" (example: OPENAI_BASE_URL=http://localhost:8000/v1)`);
  }
}

/** A connection string with its password replaced, for logs and error messages. */
export function redactUrl(raw: string): string {
  // Greedy up to the last '@': a password may itself contain '@'.
  return raw.replace(/(\/\/[^:/@]*:).*@/, '$1***@');
}
