/**
 * The llm client against small node:http fake endpoints, for behaviours that need exact control
 * over status codes, headers, timing and connection drops. Tests against the project's simulator
 * are in llm-sim.test.ts.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { MAX_RESPONSE_BYTES } from '../../src/llm/fetch.js';
import { createLlmClient, LlmError, parseRetryAfter, type EndpointOptions } from '../../src/llm/index.js';

type RequestJson = { n?: number; seed?: number; [field: string]: unknown };
type Recorded = { at: number; path: string; method: string; headers: http.IncomingHttpHeaders; body: string; json: RequestJson };
/** Answers one recorded request (or leaves it hanging); `index` counts requests from 0. */
type Handler = (rec: Recorded, res: http.ServerResponse, index: number) => unknown;

type Fake = {
  url: string;
  requests: Recorded[];
  maxInFlight: number;
  close(): Promise<void>;
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startFake(handler: Handler): Promise<Fake> {
  let inFlight = 0;
  const fake: Fake = { url: '', requests: [], maxInFlight: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const at = Date.now();
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: RequestJson = {};
      try {
        if (body) json = JSON.parse(body) as RequestJson;
      } catch {
        // multipart uploads are not JSON
      }
      const rec: Recorded = { at, path: req.url ?? '', method: req.method ?? '', headers: req.headers, body, json };
      fake.requests.push(rec);
      void handler(rec, res, fake.requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(fake.close);
  return fake;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function completion(count: number, opts: { prefix?: string; content?: string | null; usage?: boolean } = {}) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'fake-model-0613',
    choices: Array.from({ length: count }, (_, i) => ({
      index: i,
      message: { role: 'assistant', content: opts.content === undefined ? `${opts.prefix ?? 'answer'} ${i}` : opts.content },
      finish_reason: 'stop',
    })),
    ...(opts.usage !== false && { usage: { prompt_tokens: 11, completion_tokens: 5 * count, total_tokens: 11 + 5 * count } }),
  };
}

/** Answers with as many choices as asked (n, default 1), capped at maxN. */
const honoursN =
  (maxN = Infinity): Handler =>
  (rec, res) =>
    json(res, 200, completion(Math.min(rec.json.n ?? 1, maxN)));

const API_KEY = 'sk-test-SECRET0123456789abcdef';

function client(url: string, extra: Partial<EndpointOptions> = {}, deps: Parameters<typeof createLlmClient>[1] = {}) {
  const c = createLlmClient(
    { baseURL: url, apiKey: API_KEY, timeoutMs: 5_000, maxRetries: 3, backoffBaseMs: 5, backoffMaxMs: 20, ...extra },
    deps,
  );
  cleanups.push(() => c.close());
  return c;
}

const ask = (extra: Record<string, unknown> = {}) => ({
  model: 'fake-model',
  messages: [{ role: 'user' as const, content: 'Which answer is better?' }],
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return err as LlmError;
  }
  throw new Error('expected a rejection');
}

describe('createLlmClient chat', () => {
  it('asks for n choices in one request when the endpoint honours n', async () => {
    const fake = await startFake(honoursN());
    const result = await client(fake.url).chat(ask({ n: 5, temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: 3 }));
    expect(result.choices.map((c) => c.text)).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3', 'answer 4']);
    expect(result).toMatchObject({ requests: 1, attempts: 1, model: 'fake-model-0613' });
    expect(result.usage).toEqual({ promptTokens: 11, completionTokens: 25 });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.path).toBe('/v1/chat/completions');
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(fake.requests[0]!.json).toMatchObject({ model: 'fake-model', n: 5, temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: 3 });
  });

  it('asks again for the missing choices with derived seeds when fewer come back', async () => {
    const fake = await startFake(honoursN(2));
    const result = await client(fake.url).chat(ask({ n: 5, seed: 100 }));
    expect(result.choices).toHaveLength(5);
    expect(result.requests).toBe(3);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((r) => Number(r.json.seed)).sort((a, b) => a - b)).toEqual([100, 101, 102]);
    // first asks for all 5, follow-ups are sized like the first answer (2, then the last 1)
    expect(fake.requests[0]!.json.n).toBe(5);
    expect(fake.requests.slice(1).map((r) => r.json.n ?? 1).sort((a, b) => a - b)).toEqual([1, 2]);
    expect(result.usage).toEqual({ promptTokens: 33, completionTokens: 25 });
  });

  it('collects n samples one request each from an endpoint that ignores n', async () => {
    const fake = await startFake((_rec, res) => json(res, 200, completion(1)));
    const result = await client(fake.url).chat(ask({ n: 4, seed: 7 }));
    expect(result.choices).toHaveLength(4);
    expect(result.requests).toBe(4);
    expect(fake.requests.map((r) => Number(r.json.seed)).sort((a, b) => a - b)).toEqual([7, 8, 9, 10]);
  });

  it('returns null content as an empty text and keeps finish_reason', async () => {
    const fake = await startFake((_rec, res) => json(res, 200, completion(1, { content: null })));
    const result = await client(fake.url).chat(ask());
    expect(result.choices).toEqual([{ text: '', finishReason: 'stop' }]);
  });

  it('estimates usage when the endpoint reports none', async () => {
    const fake = await startFake((_rec, res) => json(res, 200, completion(1, { content: 'x'.repeat(40), usage: false })));
    const result = await client(fake.url).chat(ask({ messages: [{ role: 'user', content: 'y'.repeat(80) }] }));
    expect(result.usage).toEqual({ promptTokens: 20, completionTokens: 10 });
  });
});

describe('createLlmClient transport', () => {
  it.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
  ])('asks for compressed answers as fetch does and reads a %s one', async (coding, compress) => {
    const fake = await startFake((_rec, res) => {
      const body = compress(Buffer.from(JSON.stringify(completion(2))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': body.length });
      res.end(body);
    });
    const result = await client(fake.url).chat(ask({ n: 2 }));
    expect(result.choices.map((c) => c.text)).toEqual(['answer 0', 'answer 1']);
    expect(fake.requests[0]!.headers['accept-encoding']).toBe('gzip, deflate');
    expect(fake.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('keeps only the status and a short scrubbed line of an HTML error page that echoes the key encoded', async () => {
    const echoed = `${encodeURIComponent(API_KEY)} ${Buffer.from(`user:${API_KEY}`).toString('base64')}`;
    const page = `<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1><pre>${echoed}</pre>${'<p>trace line</p>'.repeat(300)}</body></html>`;
    const fake = await startFake((_rec, res) => {
      res.writeHead(500, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
      res.end(page);
    });
    const err = await rejection(client(fake.url, { maxRetries: 0 }).chat(ask()));
    expect(err.message).toMatch(/^chat\.completions failed \(HTTP 500\) after 1 attempt: 500 500 Internal Server Error Oops \*\*\* \S*\*\*\*\S* trace line/);
    expect(err.message).not.toContain('SECRET0123');
    expect(err.message).not.toMatch(/[<>]/);
    expect(err.message.length).toBeLessThan(300);
  });

  it('refuses an answer with more than one content coding at once, without retrying or decoding it', async () => {
    // Two layers are how 820 bytes decode to 400 MB; here a valid answer, so only the chain is at fault.
    const bomb = zlib.gzipSync(zlib.gzipSync(Buffer.from(JSON.stringify(completion(1)))));
    const fake = await startFake((_rec, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip', 'content-length': bomb.length });
      res.end(bomb);
    });
    const err = await rejection(client(fake.url).chat(ask()));
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain("the endpoint's answer has 2 content codings (gzip, gzip); at most one is accepted");
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses an answer that decodes past the size cap', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20), { level: 9 });
    const fake = await startFake((_rec, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length });
      res.end(bomb);
    });
    const err = await rejection(client(fake.url).chat(ask()));
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain(`the endpoint's answer decodes to more than ${MAX_RESPONSE_BYTES} bytes (gzip); it is refused`);
    expect(fake.requests).toHaveLength(1);
  });

  it('follows a redirect as fetch does', async () => {
    const fake = await startFake((rec, res) => {
      if (!rec.path.startsWith('/moved/')) {
        res.writeHead(307, { location: '/moved/v1/chat/completions', 'content-length': 0 });
        res.end();
        return;
      }
      json(res, 200, completion(rec.json.n ?? 1));
    });
    const result = await client(fake.url).chat(ask({ n: 3, seed: 5 }));
    expect(result.choices).toHaveLength(3);
    expect(result.attempts).toBe(1);
    // the redirect is handed to undici's fetch, which asks again and follows it
    expect(fake.requests.map((r) => [r.method, r.path, r.json.seed])).toEqual([
      ['POST', '/v1/chat/completions', 5],
      ['POST', '/v1/chat/completions', 5],
      ['POST', '/moved/v1/chat/completions', 5],
    ]);
    expect(fake.requests[2]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('keeps the headers of an error answer on the error it rejects with', async () => {
    const fake = await startFake((_rec, res) => json(res, 400, { error: { message: 'bad model' } }, { 'x-request-id': 'req_1', 'set-cookie': 'a=1' }));
    const err = await rejection(client(fake.url).chat(ask()));
    expect(err).toMatchObject({ kind: 'permanent', status: 400 });
    const headers = (err.cause as { headers: { get(name: string): string | null } }).headers;
    expect(headers.get('X-Request-Id')).toBe('req_1');
    expect(headers.get('content-type')).toBe('application/json');
  });
});

describe('createLlmClient retries', () => {
  it('retries a 500 and then succeeds', async () => {
    const fake = await startFake((rec, res, i) => (i === 0 ? json(res, 500, { error: { message: 'boom' } }) : honoursN()(rec, res, i)));
    const result = await client(fake.url).chat(ask());
    expect(result.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 422])('fails at once on HTTP %i with exactly one request', async (status) => {
    const fake = await startFake((_rec, res) => json(res, status, { error: { message: `status ${status}` } }));
    const err = await rejection(client(fake.url).chat(ask()));
    expect(err).toMatchObject({ kind: 'permanent', status, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('gives up with kind transient after maxRetries', async () => {
    const fake = await startFake((_rec, res) => json(res, 503, { error: { message: 'overloaded' } }));
    const err = await rejection(client(fake.url, { maxRetries: 2 }).chat(ask()));
    expect(err).toMatchObject({ kind: 'transient', status: 503, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a 200 whose body is not JSON', async () => {
    const fake = await startFake((rec, res, i) => {
      if (i > 0) return honoursN()(rec, res, i);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [');
    });
    const result = await client(fake.url).chat(ask());
    expect(result.attempts).toBe(2);
  });

  it('retries a connection reset', async () => {
    const fake = await startFake((rec, res, i) => (i === 0 ? res.socket!.destroy() : honoursN()(rec, res, i)));
    const result = await client(fake.url).chat(ask());
    expect(result.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a refused connection and reports it as transient', async () => {
    const fake = await startFake(honoursN());
    await fake.close();
    const err = await rejection(client(fake.url, { maxRetries: 2 }).chat(ask()));
    expect(err).toMatchObject({ kind: 'transient', attempts: 3 });
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it.each([
    ['retry-after (fractional seconds)', { 'retry-after': '0.3' }],
    ['retry-after-ms', { 'retry-after-ms': '300' }],
  ])('waits at least the %s the server asks for', async (_name, headers) => {
    const fake = await startFake((rec, res, i) =>
      i === 0 ? json(res, 429, { error: { message: 'slow down' } }, headers) : honoursN()(rec, res, i),
    );
    await client(fake.url).chat(ask());
    expect(fake.requests).toHaveLength(2);
    // backoff alone is at most 20 ms here; allow 30 ms of timer slack
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(270);
  });

  it('parses retry-after as seconds, an HTTP date, or retry-after-ms', () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.25' }), now)).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '150', 'retry-after': '9' }), now)).toBe(150);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
  });

  it('pauses every caller of the endpoint after a 429, not just the one that got it', async () => {
    const fake = await startFake((rec, res, i) =>
      i === 0 ? json(res, 429, { error: { message: 'rate limited' } }, { 'retry-after-ms': '400' }) : honoursN()(rec, res, i),
    );
    const c = client(fake.url);
    const first = c.chat(ask({ tags: { who: 'first' } }));
    await expect.poll(() => c.stats().pausedUntil).toBeGreaterThan(0);
    const second = c.chat(ask({ tags: { who: 'second' } }));
    await Promise.all([first, second]);
    expect(fake.requests).toHaveLength(3);
    const t429 = fake.requests[0]!.at;
    for (const later of fake.requests.slice(1)) expect(later.at - t429).toBeGreaterThanOrEqual(370);
  });

  it('does not let a queued caller slip through the slot a 429 frees', async () => {
    const fake = await startFake((rec, res, i) =>
      i === 0 ? json(res, 429, { error: { message: 'rate limited' } }, { 'retry-after-ms': '300' }) : honoursN()(rec, res, i),
    );
    const c = client(fake.url, { concurrency: 1 });
    await Promise.all([c.chat(ask()), c.chat(ask())]);
    expect(fake.requests).toHaveLength(3);
    for (const later of fake.requests.slice(1)) expect(later.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(270);
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    const fake = await startFake((rec, res, i) => setTimeout(() => honoursN()(rec, res, i), 20));
    const c = client(fake.url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, () => c.chat(ask())));
    expect(fake.requests).toHaveLength(20);
    expect(fake.maxInFlight).toBe(3);
  });

  it('times out a hung attempt, retries it, and succeeds', async () => {
    const fake = await startFake((rec, res, i) => {
      if (i > 0) void honoursN()(rec, res, i);
    });
    const result = await client(fake.url, { timeoutMs: 150 }).chat(ask());
    expect(result.attempts).toBe(2);
  });

  it('gives up with kind transient when every attempt times out', async () => {
    const fake = await startFake(() => undefined);
    const err = await rejection(client(fake.url, { timeoutMs: 100, maxRetries: 2 }).chat(ask()));
    expect(err).toMatchObject({ kind: 'transient', attempts: 3 });
    expect(err.message).toMatch(/timeout after 100 ms/);
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a response whose body stalls after the headers', async () => {
    const fake = await startFake((rec, res, i) => {
      if (i > 0) return honoursN()(rec, res, i);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id": "x", ');
    });
    const result = await client(fake.url, { timeoutMs: 150 }).chat(ask());
    expect(result.attempts).toBe(2);
  });
});

describe('createLlmClient aborts', () => {
  it('rejects promptly without retrying when the caller aborts an attempt in flight', async () => {
    const fake = await startFake(() => undefined);
    const c = client(fake.url, { timeoutMs: 10_000 });
    const controller = new AbortController();
    const call = c.chat(ask({ signal: controller.signal }));
    await expect.poll(() => fake.requests.length).toBe(1);
    const t0 = Date.now();
    controller.abort();
    const err = await rejection(call);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(err).toMatchObject({ kind: 'aborted', name: 'AbortError', attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a call still waiting in the queue without sending it', async () => {
    const fake = await startFake(() => undefined);
    const c = client(fake.url, { concurrency: 1, timeoutMs: 10_000 });
    const blocker = new AbortController();
    const first = c.chat(ask({ signal: blocker.signal }));
    await expect.poll(() => fake.requests.length).toBe(1);
    const controller = new AbortController();
    const queued = c.chat(ask({ signal: controller.signal }));
    expect(c.stats().queued).toBe(1);
    controller.abort();
    const err = await rejection(queued);
    expect(err).toMatchObject({ kind: 'aborted', attempts: 0 });
    expect(c.stats().queued).toBe(0);
    blocker.abort();
    await rejection(first);
    expect(fake.requests).toHaveLength(1);
  });

  it('lets thousands of calls share one signal and cancels them all with it', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void warnings.push(w);
    process.on('warning', onWarning);
    cleanups.push(async () => void process.off('warning', onWarning));
    const fake = await startFake(() => undefined);
    const c = client(fake.url, { concurrency: 4, timeoutMs: 10_000 });
    const stage = new AbortController();
    const calls = Array.from({ length: 2_000 }, () => rejection(c.chat(ask({ signal: stage.signal }))));
    await expect.poll(() => fake.requests.length).toBe(4);
    expect(c.stats()).toMatchObject({ inFlight: 4, queued: 1_996 });
    stage.abort();
    const errors = await Promise.all(calls);
    expect(errors.every((e) => e.kind === 'aborted')).toBe(true);
    expect(c.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    expect(fake.requests).toHaveLength(4);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const fake = await startFake(honoursN());
    const err = await rejection(client(fake.url).chat(ask({ signal: AbortSignal.abort() })));
    expect(err.kind).toBe('aborted');
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects promptly when the caller aborts during a retry-after wait', async () => {
    const fake = await startFake((_rec, res) => json(res, 503, { error: { message: 'later' } }, { 'retry-after': '30' }));
    const c = client(fake.url);
    const controller = new AbortController();
    const call = c.chat(ask({ signal: controller.signal }));
    await expect.poll(() => fake.requests.length).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    controller.abort();
    const err = await rejection(call);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(err.kind).toBe('aborted');
    expect(fake.requests).toHaveLength(1);
  });

  it('aborts calls in flight and refuses new ones once closed', async () => {
    const fake = await startFake(() => undefined);
    const c = client(fake.url, { timeoutMs: 10_000 });
    const call = c.chat(ask());
    await expect.poll(() => fake.requests.length).toBe(1);
    const settled = rejection(call);
    await c.close();
    expect((await settled).kind).toBe('aborted');
    expect((await rejection(c.chat(ask()))).kind).toBe('aborted');
  });
});

describe('createLlmClient usage and errors', () => {
  it('totals usage per tag combination and overall', async () => {
    const fake = await startFake(honoursN(2));
    const c = client(fake.url);
    await c.chat(ask({ n: 2, tags: { experiment: 'e1', iteration: '0', stage: 'judge' } }));
    await c.chat(ask({ n: 3, tags: { stage: 'judge', iteration: '0', experiment: 'e1' } }));
    await c.chat(ask({ tags: { experiment: 'e1', stage: 'generate' } }));
    await c.chat(ask());
    const snap = c.usage();
    expect(snap.total).toEqual({ calls: 4, failedCalls: 0, requests: 5, attempts: 5, promptTokens: 55, completionTokens: 35 });
    const judge = snap.byTags.find((e) => e.tags.stage === 'judge');
    expect(judge).toEqual({
      tags: { experiment: 'e1', iteration: '0', stage: 'judge' },
      calls: 2, failedCalls: 0, requests: 3, attempts: 3, promptTokens: 33, completionTokens: 25,
    });
    expect(snap.byTags.find((e) => e.tags.stage === 'generate')).toMatchObject({ calls: 1, promptTokens: 11, completionTokens: 5 });
    expect(snap.byTags.find((e) => Object.keys(e.tags).length === 0)).toMatchObject({ calls: 1, requests: 1 });
    expect(snap.byTags).toHaveLength(3);
  });

  it('counts failed calls and their attempts', async () => {
    const fake = await startFake((_rec, res) => json(res, 500, { error: { message: 'down' } }));
    const c = client(fake.url, { maxRetries: 1 });
    await rejection(c.chat(ask({ tags: { stage: 'judge' } })));
    expect(c.usage().byTags[0]).toMatchObject({ tags: { stage: 'judge' }, calls: 1, failedCalls: 1, requests: 0, attempts: 2 });
  });

  it('never puts the API key in an error message', async () => {
    const fake = await startFake((rec, res, i) =>
      json(res, i === 0 ? 401 : 500, { error: { message: `Incorrect API key provided: ${rec.headers.authorization}` } }),
    );
    const c = client(fake.url, { maxRetries: 1 });
    for (const _ of [1, 2]) {
      const err = await rejection(c.chat(ask()));
      expect(fake.requests.at(-1)!.headers.authorization).toContain(API_KEY);
      expect(err.message).toContain('Incorrect API key provided');
      for (const text of [err.message, String(err.stack), String(err.cause), String((err.cause as Error).stack), JSON.stringify(err), JSON.stringify(err.cause)]) {
        expect(text).not.toContain(API_KEY);
      }
      const logged: string[] = [];
      pino({}, { write: (line: string) => void logged.push(line) }).error({ err }, 'call failed');
      expect(logged.join('')).toContain('Incorrect API key provided');
      expect(logged.join('')).not.toContain(API_KEY);
    }
  });

  it('accepts a pino logger and logs a 429 pause at warn level only once per pause', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    const fake = await startFake((rec, res, i) =>
      i < 2 ? json(res, 429, { error: { message: 'x' } }, { 'retry-after-ms': '50' }) : honoursN()(rec, res, i),
    );
    const c = client(fake.url, {}, { logger });
    await c.chat(ask());
    const warns = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
    expect(warns.length).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).not.toContain(API_KEY);
  });
});

describe('createLlmClient files and fine-tuning', () => {
  it('uploads a file as multipart and creates, reads, lists and cancels a fine-tuning job', async () => {
    const job = { id: 'ftjob-1', object: 'fine_tuning.job', status: 'queued', model: 'base', training_file: 'file-1' };
    const fake = await startFake((rec, res) => {
      if (rec.path === '/v1/files') return json(res, 200, { id: 'file-1', object: 'file', bytes: rec.body.length, filename: 'train.jsonl', purpose: 'fine-tune' });
      if (rec.path === '/v1/fine_tuning/jobs') return json(res, 200, job);
      if (rec.path.startsWith('/v1/fine_tuning/jobs/ftjob-1/events')) {
        return json(res, 200, { object: 'list', data: [{ id: 'ev-2', object: 'fine_tuning.job.event', message: 'step 2' }], has_more: true });
      }
      if (rec.path === '/v1/fine_tuning/jobs/ftjob-1/cancel') return json(res, 200, { ...job, status: 'cancelled' });
      if (rec.path === '/v1/fine_tuning/jobs/ftjob-1') return json(res, 200, job);
      if (rec.path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'base', object: 'model' }] });
      json(res, 404, { error: { message: 'no route' } });
    });
    const c = client(fake.url);
    const file = await c.uploadFile('train.jsonl', '{"messages":[]}\n', 'fine-tune');
    expect(file.id).toBe('file-1');
    const upload = fake.requests[0]!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toContain('filename="train.jsonl"');
    expect(upload.body).toContain('{"messages":[]}');
    expect(upload.body).toMatch(/name="purpose"\r\n\r\nfine-tune/);

    await c.createFineTuningJob({ model: 'base', trainingFile: 'file-1', method: 'dpo', suffix: 'judge', seed: 5, hyperparameters: { nEpochs: 2, beta: 0.1 } });
    expect(fake.requests[1]!.json).toEqual({
      model: 'base', training_file: 'file-1', suffix: 'judge', seed: 5,
      method: { type: 'dpo', dpo: { hyperparameters: { n_epochs: 2, beta: 0.1 } } },
    });
    await c.createFineTuningJob({ model: 'base', trainingFile: 'file-1', method: 'supervised', hyperparameters: { learningRateMultiplier: 0.5, beta: 1 } });
    expect(fake.requests[2]!.json.method).toEqual({ type: 'supervised', supervised: { hyperparameters: { learning_rate_multiplier: 0.5 } } });

    expect((await c.retrieveFineTuningJob('ftjob-1')).status).toBe('queued');
    expect(await c.listFineTuningEvents('ftjob-1', 'ev-1')).toMatchObject({ events: [{ id: 'ev-2' }], hasMore: true });
    expect(fake.requests.at(-1)!.path).toMatch(/after=ev-1/);
    expect((await c.cancelFineTuningJob('ftjob-1')).status).toBe('cancelled');
    expect(await c.listModels()).toEqual([{ id: 'base', object: 'model' }]);
  });

  it('does not repeat a job creation that may have reached the server, but does after a 429', async () => {
    const job = { id: 'ftjob-1', object: 'fine_tuning.job', status: 'queued' };
    const fake = await startFake((_rec, res, i) =>
      i === 0 ? json(res, 500, { error: { message: 'oops' } }) : i === 1 ? json(res, 429, { error: { message: 'wait' } }) : json(res, 200, job),
    );
    const c = client(fake.url);
    const req = { model: 'base', trainingFile: 'file-1', method: 'supervised' as const };
    expect(await rejection(c.createFineTuningJob(req))).toMatchObject({ kind: 'transient', status: 500, attempts: 1 });
    expect((await c.createFineTuningJob(req)).id).toBe('ftjob-1');
    expect(fake.requests).toHaveLength(3);
  });
});
