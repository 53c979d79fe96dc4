/**
 * DNS rebinding and cross-site pages, in the default no-token mode where every caller is admin:
 * a foreign Host or Origin is refused with 403 on HTTP and on the WebSocket upgrade, before any
 * operation runs; loopback names, the server's own origin and the ALLOWED_* entries pass.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { wsUrl } from '../helpers/ws.js';

type Reply = { status: number; body: string };

/** A POST with exactly these headers (fetch would not let a test set Host). */
function post(url: string, headers: Record<string, string>, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.on('data', (d: Buffer) => (text += d.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Opens a WebSocket with these headers: the HTTP status of a refused upgrade, or 101. */
function upgrade(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(url), 'graphql-transport-ws', { headers });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.once('unexpected-response', (_req, response) => {
      let text = '';
      response.on('data', (d: Buffer) => (text += d.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    socket.once('error', reject);
  });
}

const CREATE = JSON.stringify({ query: 'mutation { createExperiment(name: "from a page") { id } }' });

describe.skipIf(NO_DATABASE)(`Host and Origin checks on both transports (${TEST_DB})`, () => {
  let app: TestApp;
  let port: string;
  let created = 0;

  beforeAll(async () => {
    app = await startTestApp({ ALLOWED_HOSTS: 'ste.internal', ALLOWED_ORIGINS: 'https://ops.example:8443' });
    port = new URL(app.url).port;
    const create = app.services.experiments.create.bind(app.services.experiments);
    app.services.experiments.create = (...args) => {
      created++;
      return create(...args);
    };
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses an HTTP request for a rebound host name with 403 and runs nothing', async () => {
    const reply = await post(app.url, { host: `rebind.attacker.example:${port}` }, CREATE);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({
      errors: [{ message: `host "rebind.attacker.example:${port}" is not allowed: add it to ALLOWED_HOSTS to reach this server by that name`, extensions: { code: 'FORBIDDEN' } }],
    });
    const exports = await new Promise<number>((resolve) =>
      http.get(app.url.replace('/graphql', '/exports/iterations/1/judgments.jsonl'), { headers: { host: 'rebind.attacker.example' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }),
    );
    expect(exports).toBe(403);
    expect(created).toBe(0);
  });

  it('refuses an HTTP request from a foreign page with 403', async () => {
    const reply = await post(app.url, { origin: 'http://evil.example' }, CREATE);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).errors[0].message).toBe('origin "http://evil.example" is not allowed: add it to ALLOWED_ORIGINS to let pages from it use this API');
    expect((await post(app.url, { origin: 'null' }, CREATE)).status).toBe(403);
    // Same host name, another port: another origin.
    expect((await post(app.url, { origin: 'http://127.0.0.1:1' }, CREATE)).status).toBe(403);
    expect(created).toBe(0);
  });

  it('serves loopback names, ALLOWED_HOSTS, its own origin, ALLOWED_ORIGINS and clients without Origin', async () => {
    const allowed: Record<string, string>[] = [
      {},
      { host: `localhost:${port}` },
      { host: `[::1]:${port}` },
      { host: `127.0.0.2:${port}` },
      { host: `STE.internal:${port}` },
      { host: `localhost:${port}`, origin: `http://localhost:${port}` },
      { origin: `http://127.0.0.1:${port}` },
      { origin: 'https://ops.example:8443' },
    ];
    for (const headers of allowed) {
      const reply = await post(app.url, headers, CREATE);
      expect(reply.status, JSON.stringify(headers)).toBe(200);
      expect(JSON.parse(reply.body).data.createExperiment.id).toMatch(/^\d+$/);
    }
    expect(created).toBe(allowed.length);
  });

  it('answers the health probes whatever the Host', async () => {
    const status = await new Promise<number>((resolve) =>
      http.get(app.url.replace('/graphql', '/healthz'), { headers: { host: 'pod-10-0-0-7.cluster' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }),
    );
    expect(status).toBe(200);
  });

  it('refuses a WebSocket upgrade from a foreign page or for a rebound host with 403, and accepts allowed ones', async () => {
    const evil = await upgrade(app.url, { origin: 'http://evil.example' });
    expect(evil).toEqual({ status: 403, body: 'origin "http://evil.example" is not allowed: add it to ALLOWED_ORIGINS to let pages from it use this API\n' });
    expect((await upgrade(app.url, { host: `rebind.attacker.example:${port}` })).status).toBe(403);
    expect((await upgrade(app.url, { origin: 'null' })).status).toBe(403);
    expect((await upgrade(app.url, {})).status).toBe(101);
    expect((await upgrade(app.url, { origin: `http://127.0.0.1:${port}` })).status).toBe(101);
    expect((await upgrade(app.url, { origin: 'https://ops.example:8443' })).status).toBe(101);
    expect((await upgrade(app.url, { host: `ste.internal:${port}`, origin: `http://ste.internal:${port}` })).status).toBe(101);
  });
});
