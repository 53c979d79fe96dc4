import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig, publicEndpoint } from '../../src/config/index.js';
import { Authenticator } from '../../src/http/auth.js';
import { RateLimiter } from '../../src/http/rate-limit.js';
import { parseApiTokens, sha256Hex } from '../../src/config/tokens.js';

const READER = 'reader-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';

describe('API tokens in the configuration', () => {
  it('reads role:token pairs and role/sha256 lines, keeping only hashes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-tokens-'));
    const file = path.join(dir, 'tokens');
    writeFileSync(file, `# comment\n\nadmin ${sha256Hex('admin-token-0123456789abcdef')}\n`);
    const tokens = parseApiTokens(`reader:${READER}, operator:${OPERATOR}`, file);
    expect(tokens).toEqual([
      { role: 'reader', sha256: sha256Hex(READER) },
      { role: 'operator', sha256: sha256Hex(OPERATOR) },
      { role: 'admin', sha256: sha256Hex('admin-token-0123456789abcdef') },
    ]);
    expect(JSON.stringify(tokens)).not.toContain(READER);
  });

  it.each([
    ['an unknown role', 'root:0123456789abcdef0123', /"root" is not a role/],
    ['a short token', 'reader:short', /entry 1 must be role:token with a token of at least 16 characters/],
    ['no role', '0123456789abcdef0123', /entry 1 must be role:token/],
  ])('refuses %s without echoing the token', (_name, list, pattern) => {
    expect(() => parseApiTokens(list, undefined)).toThrow(pattern);
    try {
      parseApiTokens(list, undefined);
    } catch (error) {
      expect((error as Error).message).not.toContain(list.split(':').pop());
    }
  });

  it('refuses a file line that is not "role sha256hex", naming the line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-tokens-'));
    const file = path.join(dir, 'tokens');
    writeFileSync(file, `reader ${'a'.repeat(64)}\noperator plaintext-token\n`);
    expect(() => parseApiTokens(undefined, file)).toThrow(/API_TOKENS_FILE line 2 must be "role sha256hex"/);
  });

  it('refuses to start on a non-loopback HOST without tokens, in one line', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' }, [])).toThrow(/^HOST=0\.0\.0\.0 exposes the API beyond this machine, so it needs API tokens: set API_TOKENS or API_TOKENS_FILE \(example: [^\n]*\)$/);
    expect(loadConfig({ HOST: '0.0.0.0', API_TOKENS: `reader:${READER}` }, []).auth.tokens).toHaveLength(1);
    expect(loadConfig({ HOST: '0.0.0.0' }, ['--role', 'worker']).auth.tokens).toEqual([]);
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isLoopback(host)).toBe(false);
  });

  it('exits with one clear line when started that way', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '0.0.0.0', DATA_DIR: 'memory://', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/HOST=0\.0\.0\.0 exposes the API beyond this machine/);
  });

  it('has documented defaults for the API limits, off switches in production', () => {
    const api = loadConfig({}, []).api;
    expect(api).toMatchObject({ bodyLimitBytes: 20 * 1024 * 1024, wsMaxPayloadBytes: 1024 * 1024, connectionInitTimeoutMs: 3000, maxDepth: 10, introspection: true });
    expect(loadConfig({ NODE_ENV: 'production' }, []).api).toMatchObject({ introspection: false, fieldSuggestions: false });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }, []).api.introspection).toBe(true);
    expect(() => loadConfig({ GRAPHQL_MAX_DEPTH: '0' }, [])).toThrow(/GRAPHQL_MAX_DEPTH must be a whole number from 1/);
  });
});

describe(Authenticator.name, () => {
  const auth = new Authenticator(parseApiTokens(`reader:${READER},operator:${OPERATOR}`, undefined));

  it('knows a bearer token by its hash, in the header or in connection_init', () => {
    expect(auth.fromHeader(`Bearer ${OPERATOR}`)).toEqual({ id: 'operator#2', role: 'operator' });
    expect(auth.fromHeader(`bearer ${READER}`)).toEqual({ id: 'reader#1', role: 'reader' });
    expect(auth.fromConnectionParams({ authorization: `Bearer ${READER}` })?.role).toBe('reader');
    expect(auth.fromConnectionParams({ token: OPERATOR })?.role).toBe('operator');
  });

  it('refuses no token, a wrong token and a token without the Bearer scheme', () => {
    for (const header of [undefined, '', 'Bearer', `Bearer ${READER}x`, READER, `Basic ${READER}`, `Bearer ${READER} extra`]) expect(auth.fromHeader(header)).toBeNull();
    for (const params of [undefined, {}, { authorization: READER }, { token: `${READER}x` }, { Authorization: `Bearer ${READER}` }]) {
      expect(auth.fromConnectionParams(params)).toBeNull();
    }
  });

  it('lets everyone in as admin when no token is configured', () => {
    expect(new Authenticator([]).fromHeader(undefined)).toEqual({ id: 'anonymous', role: 'admin' });
  });
});

describe(RateLimiter.name, () => {
  it('allows N calls a minute per key, refuses call N+1 with the wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20_000);
    expect(limiter.take('b')).toBe(0);
    now = 20_000;
    expect(limiter.take('a')).toBe(0);
    expect(new RateLimiter(0).take('a')).toBe(0);
  });
});

describe('other hardening', () => {
  it('shows an endpoint without credentials or query values', () => {
    expect(publicEndpoint('https://user:sk-secret@api.example.com/v1?api-key=sk-secret')).toBe('https://***@api.example.com/v1?api-key=***');
    expect(publicEndpoint('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
  });
});
