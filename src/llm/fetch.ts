/**
 * The `fetch` the SDK uses for chat completions: one `Agent.request()` per call (undici's
 * dispatcher API) answered with a small Response-like object, instead of undici's WHATWG fetch.
 * fetch builds a Request, clones it and tees its body for possible redirects, and wraps both
 * bodies in web streams; at zero endpoint latency that machinery and its garbage were most of the
 * service's CPU per judgment. The SDK still builds the request (URL, headers, JSON body) and reads
 * the answer (status, errors, retry headers, JSON) as before.
 *
 * What the wire sees is unchanged: the SDK's headers plus fetch's `accept-encoding`, and
 * gzip/deflate/br answers are decoded (one coding at most, off the event loop, up to
 * MAX_RESPONSE_BYTES; anything else is a ResponseRefusedError, not retried). A redirect (a misconfigured base URL) is handed to undici's
 * fetch, which asks again and follows it exactly as before (method changes, credentials dropped
 * across origins). Only the SDK's JSON requests come here (string bodies); anything else goes to
 * fetch as well.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { fetch as undiciFetch } from 'undici';
import type { Dispatcher } from 'undici';
import { ResponseRefusedError } from './errors.js';

/**
 * Largest answer body accepted, as sent (the agent's `maxResponseSize`) and once decoded: a chat
 * completion of 64 samples of 32,768 tokens is about 10 MB.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

type Init = { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null } & Record<string, unknown>;
type RawHeaders = Record<string, string | string[] | undefined>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The part of `Headers` the SDK and this module's callers read: lookups and iteration. */
export class ResponseHeaders {
  constructor(private readonly raw: RawHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  /** Sorted by name, like `Headers`. */
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: string, name: string, headers: ResponseHeaders) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** What the SDK reads of a response: status, headers and the body as text or JSON (or cancelled). */
class DispatcherResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';
  readonly headers: ResponseHeaders;
  private readonly encoding: string | null;

  constructor(
    readonly url: string,
    readonly status: number,
    raw: RawHeaders,
    /** A Node Readable: the SDK cancels an unread body through its async iterator. */
    readonly body: Dispatcher.ResponseData['body'],
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ResponseHeaders(raw);
    const encoding = this.headers.get('content-encoding')?.trim().toLowerCase();
    this.encoding = encoding && encoding !== 'identity' ? encoding : null;
  }

  get bodyUsed(): boolean {
    return this.body.bodyUsed;
  }

  async text(): Promise<string> {
    if (!this.encoding) return this.body.text();
    return (await decode(Buffer.from(await this.body.arrayBuffer()), this.encoding)).toString('utf8');
  }

  async json(): Promise<unknown> {
    if (!this.encoding) return this.body.json();
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (!this.encoding) return this.body.arrayBuffer();
    const bytes = await decode(Buffer.from(await this.body.arrayBuffer()), this.encoding);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);

/**
 * Undoes the answer's content coding, in zlib's thread pool (not on the event loop), and never past
 * MAX_RESPONSE_BYTES. At most one coding: a chain such as `gzip, gzip` is how a few hundred bytes
 * become gigabytes, and no OpenAI-compatible server sends one. An unknown coding is left as it is
 * (as fetch does).
 */
async function decode(bytes: Buffer, encoding: string): Promise<Buffer> {
  const codings = encoding.split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  if (codings.length > 1) throw new ResponseRefusedError(`the endpoint's answer has ${codings.length} content codings (${encoding}); at most one is accepted`);
  const coding = codings[0];
  const options = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: MAX_RESPONSE_BYTES };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return await gunzip(bytes, options);
    // zlib-wrapped or raw deflate: servers send both
    if (coding === 'deflate') return await (bytes.length > 0 && (bytes[0]! & 0x0f) === 8 ? inflate(bytes, options) : inflateRaw(bytes, options));
    if (coding === 'br') return await brotliDecompress(bytes, { maxOutputLength: MAX_RESPONSE_BYTES });
    return bytes;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ResponseRefusedError(`the endpoint's answer decodes to more than ${MAX_RESPONSE_BYTES} bytes (${coding}); it is refused`);
    }
    throw error;
  }
}

/** A fetch for the SDK's JSON requests over `dispatcher` (its headers and body timeouts apply). */
export function dispatcherFetch(dispatcher: Dispatcher): (url: string | URL, init?: Init) => Promise<unknown> {
  const fallback = (url: string | URL, init: Init | undefined) => undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]);
  return async (input, init) => {
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') return fallback(input, init);
    const url = typeof input === 'string' ? new URL(input) : input;
    // flat [name, value, name, value, ...], undici's cheapest form
    const headers: string[] = [];
    let acceptEncoding = false;
    const given = init?.headers ?? [];
    const pairs = (typeof given === 'object' && Symbol.iterator in given ? given : Object.entries(given)) as Iterable<[string, string]>;
    for (const [name, value] of pairs) {
      if (name.toLowerCase() === 'accept-encoding') acceptEncoding = true;
      headers.push(name, value);
    }
    if (!acceptEncoding) headers.push('accept-encoding', url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate');
    const response = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: (init?.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod,
      headers,
      body: body ?? null,
      signal: init?.signal ?? null,
    });
    if (REDIRECTS.has(response.statusCode) && response.headers.location !== undefined) {
      await response.body.dump().catch(() => undefined);
      return fallback(input, init);
    }
    return new DispatcherResponse(url.href, response.statusCode, response.headers, response.body);
  };
}
