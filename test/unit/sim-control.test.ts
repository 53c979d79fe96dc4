import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

describe('the simulator control endpoint /sim/options', () => {
  let sim: Simulator;
  let url: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    url = sim.url.replace(/\/v1$/, '/sim/options');
  });
  afterAll(async () => {
    await sim?.close();
  });
  /** Status of one chat completion: 500 once errorRate is 1. */
  const chatStatus = async () => {
    const response = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-judge', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await response.arrayBuffer();
    return response.status;
  };
  const post = async (headers: Record<string, string>, body: string) => {
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as { error?: { code: string }; ok?: boolean } };
  };

  it('refuses a cross-origin text/plain POST, as a web page would send it, and changes nothing', async () => {
    const page = await post({ 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example' }, JSON.stringify({ errorRate: 1 }));
    expect(page).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'forbidden_origin' }) } });
    const withOrigin = await post({ 'content-type': 'application/json', origin: 'http://evil.example' }, JSON.stringify({ errorRate: 1 }));
    expect(withOrigin.status).toBe(403);
    const plain = await post({ 'content-type': 'text/plain' }, JSON.stringify({ errorRate: 1 }));
    expect(plain).toEqual({ status: 415, body: { error: expect.objectContaining({ code: 'unsupported_media_type' }) } });
    expect(await chatStatus()).toBe(200);
  });

  it('accepts a JSON POST from a client that is not a browser', async () => {
    expect(await post({ 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ errorRate: 1 }))).toEqual({ status: 200, body: { ok: true } });
    expect(await chatStatus()).toBe(500);
  });
});
