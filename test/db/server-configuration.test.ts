import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const ADMIN = 'admin-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';
const SECRET = 'sk-gpu-endpoint-secret-4242';
const QUERY = '{ serverConfiguration { endpoints { name baseUrl concurrency requestsPerMinute tokensPerMinute maxTokensParam loraAdapters } trainers { name type hyperparameters timeoutSeconds } } }';

describe.skipIf(NO_DATABASE)(`serverConfiguration (${TEST_DB})`, () => {
  let app: TestApp;
  const ask = async (token: string) => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: QUERY }) });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-conf-'));
    const file = path.join(dir, 'ste.json');
    writeFileSync(file, JSON.stringify({
      endpoints: { gpu: { baseUrl: 'http://user:pw@10.0.0.5:8000/v1?key=abc', apiKeyEnv: 'GPU_KEY', concurrency: 8, loraAdapters: true } },
      trainers: { 'trl-sft': { type: 'COMMAND', command: ['python3', '/opt/secret-path/train.py', '{outputDir}'], hyperparameters: ['learning_rate'] } },
    }));
    app = await startTestApp({ STE_CONFIG: file, GPU_KEY: SECRET, API_TOKENS: `admin:${ADMIN},operator:${OPERATOR}` });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('lists the configured names for an admin, without keys, credentials or commands', async () => {
    const { status, text } = await ask(ADMIN);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      data: {
        serverConfiguration: {
          endpoints: [
            { name: 'default', baseUrl: 'simulator', concurrency: 64, requestsPerMinute: 0, tokensPerMinute: 0, maxTokensParam: 'auto', loraAdapters: false },
            { name: 'gpu', baseUrl: 'http://***@10.0.0.5:8000/v1?key=***', concurrency: 8, requestsPerMinute: 0, tokensPerMinute: 0, maxTokensParam: 'auto', loraAdapters: true },
          ],
          trainers: [{ name: 'trl-sft', type: 'COMMAND', hyperparameters: ['learning_rate'], timeoutSeconds: 86_400 }],
        },
      },
    });
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('secret-path');
  });

  it('refuses it to an operator with FORBIDDEN', async () => {
    const { status, text } = await ask(OPERATOR);
    expect(status).toBe(403);
    const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ message: 'serverConfiguration needs the admin role; the token has operator', extensions: { code: 'FORBIDDEN' } });
  });
});
