import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from '../../src/config/index.js';

/** The error `loadConfig` throws for `env` and `argv`; fails the test when it throws nothing. */
function configError(env: Record<string, string | undefined>, argv: string[] = []): ConfigError {
  try {
    loadConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)} ${JSON.stringify(argv)}`);
}

describe(loadConfig.name, () => {
  it('uses the embedded defaults with an empty environment', () => {
    const config = loadConfig({}, []);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve(process.cwd(), '.data') });
    expect(path.isAbsolute((config.database as { dataDir: string }).dataDir)).toBe(true);
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.role).toBe('all');
    expect(config.production).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.llm).toEqual({
      baseURL: null,
      apiKey: 'sim',
      concurrency: 64,
      requestsPerMinute: 0,
      tokensPerMinute: 0,
      timeoutMs: 120_000,
      maxRetries: 6,
      rateLimitMaxWaitMs: 600_000,
      maxTokensParam: 'auto',
      adaptiveConcurrency: true,
    });
    expect(config.simulator).toEqual({});
    expect(config.models).toEqual({ generatorModel: null, judgeModel: null });
    expect(config.worker).toEqual({
      jobConcurrency: 16,
      batchSize: 32,
      jobExpireSeconds: 30,
      shutdownTimeoutMs: 30_000,
      queuePollMs: 500,
      thread: false,
      maxFailureShare: 0.1,
      searchIndexMinJudgments: 20_000,
      searchIndexDelaySeconds: 60,
      providerBatch: { jobItems: 50_000, pollMs: 30_000, maxAttempts: 3 },
      defaultTokenBudget: 10_000_000,
    });
    expect(config.limits).toEqual({ maxInstructionLength: 20_000 });
  });

  it.each<{ env: Record<string, string>; argv?: string[]; thread: boolean }>([
    { env: { DATABASE_URL: 'postgres://localhost/ste' }, thread: true },
    { env: { DATABASE_URL: 'postgres://localhost/ste', WORKER_THREAD: 'on' }, thread: true },
    { env: { DATABASE_URL: 'postgres://localhost/ste', WORKER_THREAD: 'off' }, thread: false },
    { env: { DATABASE_URL: 'postgres://localhost/ste' }, argv: ['--role', 'api'], thread: false },
    { env: { DATABASE_URL: 'postgres://localhost/ste', WORKER_THREAD: 'on' }, argv: ['--role', 'worker'], thread: false },
    { env: {}, thread: false },
    { env: { WORKER_THREAD: 'off' }, thread: false },
  ])('runs the worker in a thread for --role all on PostgreSQL only: $env $argv -> $thread', ({ env, argv, thread }) => {
    expect(loadConfig(env, argv ?? []).worker.thread).toBe(thread);
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', PORT: '  ', HOST: '', LOG_LEVEL: '' }, []);
    expect(config.database.kind).toBe('pglite');
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('info');
  });

  it('resolves a relative DATA_DIR to an absolute path', () => {
    const config = loadConfig({ DATA_DIR: 'tmp/ste-data' }, []);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve(process.cwd(), 'tmp/ste-data') });
  });

  it('keeps DATA_DIR=memory:// as it is (an in-memory PGlite database)', () => {
    expect(loadConfig({ DATA_DIR: 'memory://' }, []).database).toEqual({ kind: 'pglite', dataDir: 'memory://' });
  });

  it.each(['postgres://u:pw@db.example:5432/ste', 'postgresql://localhost/ste'])('uses PostgreSQL when DATABASE_URL=%s', (url) => {
    const config = loadConfig({ DATABASE_URL: url }, []);
    expect(config.database).toEqual({ kind: 'postgres', url, poolSize: 10 });
  });

  it('reads the other variables', () => {
    const config = loadConfig(
      {
        HOST: '0.0.0.0',
        PORT: '0',
        NODE_ENV: 'production',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgres://localhost/ste',
        DATABASE_POOL_SIZE: '25',
        OPENAI_BASE_URL: 'http://localhost:8000/v1/',
        OPENAI_API_KEY: 'sk-test',
        LLM_CONCURRENCY: '8',
        LLM_REQUESTS_PER_MINUTE: '500',
        LLM_TOKENS_PER_MINUTE: '200000',
        LLM_TIMEOUT_MS: '30000',
        LLM_MAX_RETRIES: '0',
        LLM_RATE_LIMIT_MAX_WAIT_MS: '30000',
        LLM_MAX_TOKENS_PARAM: 'max_completion_tokens',
        GENERATOR_MODEL: 'gen',
        JUDGE_MODEL: 'judge',
        WORKER_JOB_CONCURRENCY: '4',
        WORKER_BATCH_SIZE: '8',
        JOB_EXPIRE_SECONDS: '60',
        SHUTDOWN_TIMEOUT_MS: '0',
        QUEUE_POLL_MS: '100',
        STAGE_MAX_FAILURE_SHARE: '0.25',
        SEARCH_INDEX_MIN_JUDGMENTS: '0',
        SEARCH_INDEX_DELAY_SECONDS: '5',
        DEFAULT_TOKEN_BUDGET: '0',
        MAX_INSTRUCTION_LENGTH: '100',
        SIM_ERROR_RATE: '0.1',
        SIM_PORT: '4010',
        // A HOST beyond loopback needs tokens.
        API_TOKENS: 'reader:0123456789abcdef0123',
      },
      [],
    );
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      production: true,
      logLevel: 'debug',
      database: { kind: 'postgres', url: 'postgres://localhost/ste', poolSize: 25 },
      llm: {
        baseURL: 'http://localhost:8000/v1',
        apiKey: 'sk-test',
        concurrency: 8,
        requestsPerMinute: 500,
        tokensPerMinute: 200_000,
        timeoutMs: 30_000,
        maxRetries: 0,
        rateLimitMaxWaitMs: 30_000,
        maxTokensParam: 'max_completion_tokens',
      },
      models: { generatorModel: 'gen', judgeModel: 'judge' },
      worker: { jobConcurrency: 4, batchSize: 8, jobExpireSeconds: 60, shutdownTimeoutMs: 0, queuePollMs: 100, maxFailureShare: 0.25, searchIndexMinJudgments: 0, searchIndexDelaySeconds: 5, defaultTokenBudget: 0 },
      limits: { maxInstructionLength: 100 },
      simulator: { errorRate: 0.1, port: 4010 },
    });
  });

  it.each<{ argv: string[]; role: string }>([
    { argv: [], role: 'all' },
    { argv: ['--role', 'worker'], role: 'worker' },
    { argv: ['--role=api'], role: 'api' },
    { argv: ['--role', 'all'], role: 'all' },
    { argv: ['--other', 'x', '--role', 'api'], role: 'api' },
  ])('parses role from $argv', ({ argv, role }) => {
    expect(loadConfig({}, argv).role).toBe(role);
  });

  it.each<{ name: string; env: Record<string, string>; argv?: string[]; variable: string; example: string }>([
    { name: 'DATABASE_URL=not a url', env: { DATABASE_URL: 'not a url' }, variable: 'DATABASE_URL', example: 'example: DATABASE_URL=postgres://' },
    { name: 'DATABASE_URL=mysql://x', env: { DATABASE_URL: 'mysql://x' }, variable: 'DATABASE_URL', example: 'example: DATABASE_URL=postgres://' },
    { name: 'PORT=abc', env: { PORT: 'abc' }, variable: 'PORT', example: 'example: PORT=4000' },
    { name: 'PORT=70000', env: { PORT: '70000' }, variable: 'PORT', example: 'example: PORT=4000' },
    { name: 'PORT=-1', env: { PORT: '-1' }, variable: 'PORT', example: 'example: PORT=4000' },
    { name: 'PORT=40.5', env: { PORT: '40.5' }, variable: 'PORT', example: 'example: PORT=4000' },
    { name: 'LLM_CONCURRENCY=0', env: { LLM_CONCURRENCY: '0' }, variable: 'LLM_CONCURRENCY', example: 'example: LLM_CONCURRENCY=64' },
    { name: 'LLM_RATE_LIMIT_MAX_WAIT_MS=-1', env: { LLM_RATE_LIMIT_MAX_WAIT_MS: '-1' }, variable: 'LLM_RATE_LIMIT_MAX_WAIT_MS', example: 'example: LLM_RATE_LIMIT_MAX_WAIT_MS=600000' },
    { name: 'LLM_RATE_LIMIT_MAX_WAIT_MS=10m', env: { LLM_RATE_LIMIT_MAX_WAIT_MS: '10m' }, variable: 'LLM_RATE_LIMIT_MAX_WAIT_MS', example: 'example: LLM_RATE_LIMIT_MAX_WAIT_MS=600000' },
    { name: 'LLM_MAX_TOKENS_PARAM=max_output_tokens', env: { LLM_MAX_TOKENS_PARAM: 'max_output_tokens' }, variable: 'LLM_MAX_TOKENS_PARAM', example: 'example: LLM_MAX_TOKENS_PARAM=auto' },
    { name: 'SIM_MAX_COMPLETION_TOKENS_ONLY=maybe', env: { SIM_MAX_COMPLETION_TOKENS_ONLY: 'maybe' }, variable: 'SIM_MAX_COMPLETION_TOKENS_ONLY', example: 'example: SIM_MAX_COMPLETION_TOKENS_ONLY=true' },
    { name: 'OPENAI_BASE_URL=ftp://x', env: { OPENAI_BASE_URL: 'ftp://x' }, variable: 'OPENAI_BASE_URL', example: 'example: OPENAI_BASE_URL=http' },
    { name: 'OPENAI_BASE_URL=not a url', env: { OPENAI_BASE_URL: 'not a url' }, variable: 'OPENAI_BASE_URL', example: 'example: OPENAI_BASE_URL=http' },
    { name: 'LOG_LEVEL=loud', env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL', example: 'example: LOG_LEVEL=info' },
    { name: 'DATABASE_POOL_SIZE=0', env: { DATABASE_URL: 'postgres://localhost/ste', DATABASE_POOL_SIZE: '0' }, variable: 'DATABASE_POOL_SIZE', example: 'example: DATABASE_POOL_SIZE=10' },
    { name: 'WORKER_BATCH_SIZE=many', env: { WORKER_BATCH_SIZE: 'many' }, variable: 'WORKER_BATCH_SIZE', example: 'example: WORKER_BATCH_SIZE=32' },
    { name: 'JOB_EXPIRE_SECONDS=1', env: { JOB_EXPIRE_SECONDS: '1' }, variable: 'JOB_EXPIRE_SECONDS', example: 'example: JOB_EXPIRE_SECONDS=30' },
    { name: 'QUEUE_POLL_MS=10', env: { QUEUE_POLL_MS: '10' }, variable: 'QUEUE_POLL_MS', example: 'example: QUEUE_POLL_MS=500' },
    { name: 'BATCH_POLL_MS=5', env: { BATCH_POLL_MS: '5' }, variable: 'BATCH_POLL_MS', example: 'example: BATCH_POLL_MS=30000' },
    { name: 'BATCH_MAX_ATTEMPTS=0', env: { BATCH_MAX_ATTEMPTS: '0' }, variable: 'BATCH_MAX_ATTEMPTS', example: 'example: BATCH_MAX_ATTEMPTS=3' },
    { name: 'BATCH_JOB_ITEMS=all', env: { BATCH_JOB_ITEMS: 'all' }, variable: 'BATCH_JOB_ITEMS', example: 'example: BATCH_JOB_ITEMS=50000' },
    { name: 'STAGE_MAX_FAILURE_SHARE=1.5', env: { STAGE_MAX_FAILURE_SHARE: '1.5' }, variable: 'STAGE_MAX_FAILURE_SHARE', example: 'example: STAGE_MAX_FAILURE_SHARE=0.1' },
    { name: 'STAGE_MAX_FAILURE_SHARE=ten%', env: { STAGE_MAX_FAILURE_SHARE: 'ten%' }, variable: 'STAGE_MAX_FAILURE_SHARE', example: 'example: STAGE_MAX_FAILURE_SHARE=0.1' },
    { name: 'SEARCH_INDEX_MIN_JUDGMENTS=-1', env: { SEARCH_INDEX_MIN_JUDGMENTS: '-1' }, variable: 'SEARCH_INDEX_MIN_JUDGMENTS', example: 'example: SEARCH_INDEX_MIN_JUDGMENTS=20000' },
    { name: 'SIM_ERROR_RATE=2', env: { SIM_ERROR_RATE: '2' }, variable: 'SIM_ERROR_RATE', example: 'example: SIM_ERROR_RATE=0.2' },
    { name: 'SIM_ERROR_RATE=abc', env: { SIM_ERROR_RATE: 'abc' }, variable: 'SIM_ERROR_RATE', example: 'example: SIM_ERROR_RATE=0.2' },
    { name: 'SIM_MODELS with a space', env: { SIM_MODELS: 'a b,c' }, variable: 'SIM_MODELS', example: 'example: SIM_MODELS=' },
    { name: 'WORKER_THREAD=yes', env: { WORKER_THREAD: 'yes' }, variable: 'WORKER_THREAD', example: 'example: WORKER_THREAD=auto' },
    { name: 'WORKER_THREAD=on on PGlite', env: { WORKER_THREAD: 'on' }, variable: 'WORKER_THREAD', example: 'DATABASE_URL=postgres://' },
    { name: '--role boss', env: {}, argv: ['--role', 'boss'], variable: '--role', example: 'example: npm start -- --role worker' },
    { name: '--role=boss', env: {}, argv: ['--role=boss'], variable: '--role', example: 'example: npm start -- --role worker' },
    { name: '--role with no value', env: {}, argv: ['--role'], variable: '--role', example: 'example: npm start -- --role worker' },
  ])('$name: ConfigError naming the variable, with an example', ({ env, argv, variable, example }) => {
    const error = configError(env, argv);
    expect(error.message.startsWith(variable)).toBe(true);
    expect(error.message).toContain(example);
    expect(error.message).not.toContain('\n');
  });

  it('names the allowed values of LLM_MAX_TOKENS_PARAM and accepts each of them', () => {
    expect(configError({ LLM_MAX_TOKENS_PARAM: 'MAX_TOKENS' }).message).toBe(
      'LLM_MAX_TOKENS_PARAM must be one of auto, max_tokens, max_completion_tokens, got "MAX_TOKENS" (example: LLM_MAX_TOKENS_PARAM=auto)',
    );
    for (const value of ['auto', 'max_tokens', 'max_completion_tokens']) {
      expect(loadConfig({ LLM_MAX_TOKENS_PARAM: ` ${value} ` }, []).llm.maxTokensParam).toBe(value);
    }
    expect(configError({ LLM_RATE_LIMIT_MAX_WAIT_MS: '1.5' }).message).toBe(
      'LLM_RATE_LIMIT_MAX_WAIT_MS must be a whole number from 0 to 86400000, got "1.5" (example: LLM_RATE_LIMIT_MAX_WAIT_MS=600000)',
    );
  });

  it.each([
    'postgres://u:secret@localhost:99999x/ste',
    'postgres://u:secret@localhost:99999/ste',
    'postgresql://admin:secret@db.example:54x32/ste?sslmode=require',
    'postgres://:secret@localhost:bad/ste',
  ])('does not echo the password of a bad DATABASE_URL (%s)', (url) => {
    const error = configError({ DATABASE_URL: url });
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('example: DATABASE_URL=');
    expect(error.message).not.toContain('secret');
  });
});

describe(redactUrl.name, () => {
  it.each([
    { url: 'postgres://u:secret@localhost:5432/ste', expected: 'postgres://u:***@localhost:5432/ste' },
    { url: 'postgres://localhost:5432/ste', expected: 'postgres://localhost:5432/ste' },
    { url: 'postgres://u@localhost/ste', expected: 'postgres://u@localhost/ste' },
  ])('$url -> $expected', ({ url, expected }) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('ALLOWED_HOSTS and ALLOWED_ORIGINS', () => {
  it('allow HOST by default, add the listed names and origins, and take * for any host', () => {
    expect(loadConfig({}, []).access).toEqual({ allowedHosts: ['127.0.0.1'], allowedOrigins: [] });
    expect(loadConfig({ HOST: '0.0.0.0', API_TOKENS: 'admin:0123456789abcdef0123' }, []).access.allowedHosts).toEqual([]);
    expect(loadConfig({ ALLOWED_HOSTS: 'Ste.Internal, [::1] ,10.0.0.5', ALLOWED_ORIGINS: 'https://ops.example:8443,http://localhost:5173/' }, []).access).toEqual({
      allowedHosts: ['127.0.0.1', 'ste.internal', '::1', '10.0.0.5'],
      allowedOrigins: ['https://ops.example:8443', 'http://localhost:5173'],
    });
    expect(loadConfig({ ALLOWED_HOSTS: 'a.example,*' }, []).access.allowedHosts).toBe('*');
  });

  it('refuse a host with a scheme or port and an origin with a path or another scheme', () => {
    expect(configError({ ALLOWED_HOSTS: 'http://ste.internal' }).message).toBe(
      'ALLOWED_HOSTS must list host names without scheme or port, got "http://ste.internal" (example: ALLOWED_HOSTS=ste.internal,10.0.0.5)',
    );
    expect(configError({ ALLOWED_HOSTS: 'ste.internal:4000' }).message).toMatch(/^ALLOWED_HOSTS must list host names/);
    for (const bad of ['ops.example', 'https://ops.example/app', 'ftp://ops.example', '*']) {
      expect(configError({ ALLOWED_ORIGINS: bad }).message).toBe(
        `ALLOWED_ORIGINS must list origins like https://app.example:8443 (scheme, host, optional port; no path), got "${bad}"`,
      );
    }
  });
});
