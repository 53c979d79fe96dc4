import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ste-config-'));
let n = 0;
function file(content: unknown): string {
  const f = path.join(dir, `ste-${(n += 1)}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}
const load = (content: unknown, env: Record<string, string> = {}) => loadConfig({ STE_CONFIG: file(content), ...env }, []);
const refused = (content: unknown, env: Record<string, string> = {}) => {
  try {
    load(content, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};
const command = ['python3', 'train.py', '{trainingFile}', '{outputDir}'];

describe('STE_CONFIG', () => {
  it('adds the named endpoints after `default`, with the LLM_* values as their defaults and the key from apiKeyEnv', () => {
    const config = load(
      { endpoints: { gpu: { baseUrl: 'http://10.0.0.5:8000/v1/', apiKeyEnv: 'GPU_KEY', concurrency: 8, loraAdapters: true } }, trainers: { sft: { type: 'COMMAND', command, hyperparameters: ['learning_rate'] } } },
      { GPU_KEY: 'secret-key', LLM_TIMEOUT_MS: '5000' },
    );
    expect(config.endpoints.map((e) => [e.name, e.baseURL, e.apiKey, e.concurrency, e.timeoutMs, e.loraAdapters])).toEqual([
      ['default', null, 'sim', 64, 5000, false],
      ['gpu', 'http://10.0.0.5:8000/v1', 'secret-key', 8, 5000, true],
    ]);
    expect(config.trainers).toEqual([{ name: 'sft', type: 'COMMAND', command, hyperparameters: ['learning_rate'], timeoutSeconds: 86_400 }]);
  });

  it('unloads adapters no longer in use by default; unloadLoraAdapters: false keeps them', () => {
    const config = load({ endpoints: { a: { baseUrl: 'http://a/v1', loraAdapters: true }, b: { baseUrl: 'http://b/v1', loraAdapters: true, unloadLoraAdapters: false } } });
    expect(config.endpoints.map((e) => [e.name, e.loraAdapters, e.unloadLoraAdapters])).toEqual([['default', false, false], ['a', true, true], ['b', true, false]]);
    expect(refused({ endpoints: { a: { baseUrl: 'http://a/v1', unloadLoraAdapters: 'no' } } })).toContain('endpoints.a.unloadLoraAdapters must be true or false');
  });

  it('works without a file: only the `default` endpoint, no trainer', () => {
    const config = loadConfig({ OPENAI_BASE_URL: 'http://localhost:8000/v1' }, []);
    expect(config.endpoints.map((e) => [e.name, e.baseURL])).toEqual([['default', 'http://localhost:8000/v1']]);
    expect(config.trainers).toEqual([]);
  });

  it('refuses a bad file with the entry at fault', () => {
    expect(refused('{ not json')).toMatch(/could not be read as JSON/);
    expect(refused({ endpoint: {} })).toContain('the file: unknown key "endpoint"');
    expect(refused({ endpoints: { gpu: { baseUrl: 'ftp://x' } } })).toContain('endpoints.gpu.baseUrl must be an http(s) URL');
    expect(refused({ endpoints: { 'GPU 1': { baseUrl: 'http://x/v1' } } })).toContain('a name is 1 to 64 of a-z');
    expect(refused({ endpoints: { gpu: { baseUrl: 'http://x/v1', apiKeyEnv: 'NOT_SET' } } })).toContain('endpoints.gpu.apiKeyEnv names NOT_SET, which is not set');
    expect(refused({ endpoints: { gpu: { baseUrl: 'http://x/v1', apiKey: 'sk-inline' } } })).toContain('unknown key "apiKey"');
    expect(refused({ endpoints: { gpu: { baseUrl: 'http://x/v1', concurrency: 0 } } })).toContain('endpoints.gpu.concurrency must be a whole number from 1');
    expect(refused({ endpoints: { default: { baseUrl: 'http://x/v1' } } }, { OPENAI_BASE_URL: 'http://y/v1' })).toContain('endpoints.default is also set by OPENAI_BASE_URL');
    expect(refused({ trainers: { t: { type: 'SHELL', command } } })).toContain('trainers.t.type must be "COMMAND" or "WEBHOOK"');
    expect(refused({ trainers: { t: { type: 'COMMAND', command: 'python3 train.py' } } })).toContain('must be a non-empty array of non-empty strings');
    expect(refused({ trainers: { t: { type: 'COMMAND', command: ['{trainingFile}', '{outputDir}'] } } })).toContain('the program (first entry) cannot be a placeholder');
    expect(refused({ trainers: { t: { type: 'COMMAND', command: ['x', '{outputDir}', '{secret}'] } } })).toContain('unknown placeholder {secret}');
    expect(refused({ trainers: { t: { type: 'COMMAND', command: ['x', '{trainingFile}'] } } })).toContain('must pass {outputDir}');
    expect(refused({ trainers: { t: { type: 'WEBHOOK', url: 'http://t/jobs', secretEnv: 'S', serviceUrl: 'http://me' } } }, { S: 'short' })).toContain('must hold a secret of at least 16 characters');
    expect(refused({ trainers: { t: { type: 'WEBHOOK', url: 'file:///etc/passwd', secretEnv: 'S', serviceUrl: 'http://me' } } }, { S: '0123456789abcdef' })).toContain('trainers.t.url must be an http(s) URL');
  });
});
