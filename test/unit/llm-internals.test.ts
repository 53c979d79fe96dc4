/** The llm module's pure parts: the endpoint limiter (under fake timers), backoff, classification, scrubbing. */
import { APIConnectionError, APIConnectionTimeoutError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APIError } from 'openai';
import { classifyError, FAILURE_TEXT_MAX, makeScrubber, MalformedResponseError, refusesMaxTokens, scrubErrorChain, shortFailure } from '../../src/llm/errors.js';
import { EndpointLimiter } from '../../src/llm/limiter.js';
import { backoffDelay } from '../../src/llm/retry.js';
import { reportedTokens, storableModelText } from '../../src/llm/storable.js';

/** Records the order and fake-clock time at which acquires resolve. */
function tracker() {
  const granted: Array<{ id: string; at: number }> = [];
  const take = (l: EndpointLimiter, id: string, cost = 0, opts: { signal?: AbortSignal; retry?: boolean } = {}) =>
    l.acquire(cost, opts.signal, opts.retry).then(
      () => void granted.push({ id, at: Date.now() }),
      (err: unknown) => void granted.push({ id: `${id}:rejected:${String(err)}`, at: Date.now() }),
    );
  return { granted, take };
}

describe(EndpointLimiter.name, () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants slots first in, first out and never more than the concurrency', async () => {
    const l = new EndpointLimiter({ concurrency: 2, requestsPerMinute: 0, tokensPerMinute: 0 });
    const { granted, take } = tracker();
    for (const id of ['a', 'b', 'c', 'd', 'e']) void take(l, id);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['a', 'b']);
    expect(l.inFlight).toBe(2);
    expect(l.queued).toBe(3);
    l.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['a', 'b', 'c']);
    l.release();
    l.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(l.inFlight).toBe(2);
  });

  it('serves waiting retries before fresh requests', async () => {
    const l = new EndpointLimiter({ concurrency: 1, requestsPerMinute: 0, tokensPerMinute: 0 });
    const { granted, take } = tracker();
    void take(l, 'running');
    void take(l, 'fresh');
    void take(l, 'retry', 0, { retry: true });
    await vi.advanceTimersByTimeAsync(0);
    l.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['running', 'retry']);
  });

  it('spaces requests to the requests-per-minute rate without polling', async () => {
    const l = new EndpointLimiter({ concurrency: 100, requestsPerMinute: 60, tokensPerMinute: 0 });
    const { granted, take } = tracker();
    for (const id of ['a', 'b', 'c']) void take(l, id);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(granted.map((g) => g.at - 1_000_000)).toEqual([0, 1_000, 2_000]);
  });

  it('lets a request larger than the burst run into debt and corrects the charge after the call', async () => {
    // 6000 tokens per minute: 100 per second, burst 100
    const l = new EndpointLimiter({ concurrency: 100, requestsPerMinute: 0, tokensPerMinute: 6_000 });
    const { granted, take } = tracker();
    void take(l, 'big', 500);
    void take(l, 'small', 50);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['big']);
    // the big one used only 200 tokens: 300 come back, the bucket is at -100 and needs 1.5 s for 50
    l.correctTokens(200 - 500);
    await vi.advanceTimersByTimeAsync(1_499);
    expect(granted).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted.map((g) => [g.id, g.at - 1_000_000])).toEqual([['big', 0], ['small', 1_500]]);
  });

  it('holds back new requests until a pause ends', async () => {
    const l = new EndpointLimiter({ concurrency: 10, requestsPerMinute: 0, tokensPerMinute: 0 });
    const { granted, take } = tracker();
    expect(l.pauseUntil(Date.now() + 400)).toBe(true);
    expect(l.pauseUntil(Date.now() + 100)).toBe(false);
    void take(l, 'a');
    void take(l, 'b');
    await vi.advanceTimersByTimeAsync(399);
    expect(granted).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted.map((g) => g.id)).toEqual(['a', 'b']);
  });

  it('drops an aborted waiter from the queue and lets the next one through', async () => {
    const l = new EndpointLimiter({ concurrency: 1, requestsPerMinute: 0, tokensPerMinute: 0 });
    const { granted, take } = tracker();
    const ac = new AbortController();
    void take(l, 'running');
    void take(l, 'aborted', 0, { signal: ac.signal });
    void take(l, 'next');
    await vi.advanceTimersByTimeAsync(0);
    ac.abort('stop');
    await vi.advanceTimersByTimeAsync(0);
    expect(l.queued).toBe(1);
    l.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['running', 'aborted:rejected:stop', 'next']);
  });

  it('rejects queued and later acquires once closed', async () => {
    const l = new EndpointLimiter({ concurrency: 1, requestsPerMinute: 0, tokensPerMinute: 0 });
    const { granted, take } = tracker();
    void take(l, 'running');
    void take(l, 'queued');
    await vi.advanceTimersByTimeAsync(0);
    l.close('closed');
    void take(l, 'late');
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.id)).toEqual(['running', 'queued:rejected:closed', 'late:rejected:closed']);
  });
});

describe(backoffDelay.name, () => {
  it('draws uniformly below the capped exponential', () => {
    expect(backoffDelay(1, 500, 30_000, () => 0.999999)).toBeCloseTo(500, 0);
    expect(backoffDelay(4, 500, 30_000, () => 0.5)).toBe(2_000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0);
  });
});

describe(classifyError.name, () => {
  const headers = (h: Record<string, string> = {}) => new Headers(h);
  const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it('treats 408, 409, 429 and 5xx as transient and reads retry-after', () => {
    expect(classifyError(new RateLimitError(429, undefined, 'slow', headers({ 'retry-after': '1.5' })))).toMatchObject({
      transient: true, status: 429, retryAfterMs: 1_500, notProcessed: true,
    });
    expect(classifyError(new InternalServerError(502, undefined, 'bad gateway', headers()))).toMatchObject({ transient: true, status: 502 });
  });

  it('marks a 429 as rate limiting (not counted against maxRetries), and an insufficient_quota 429 as permanent', () => {
    const limited = new RateLimitError(429, { message: 'slow', type: 'requests', code: 'rate_limit_exceeded' }, 'slow', headers());
    expect(classifyError(limited)).toMatchObject({ transient: true, status: 429, rateLimited: true });
    const quota = new RateLimitError(429, { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }, 'quota', headers());
    expect(classifyError(quota)).toMatchObject({ transient: false, status: 429 });
    expect(classifyError(quota).rateLimited).toBeUndefined();
    expect(classifyError(new InternalServerError(500, undefined, 'boom', headers())).rateLimited).toBeUndefined();
  });

  it('recognises the refusal of max_tokens by its param and code, not by its text', () => {
    const message = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
    const refusal = (error: Record<string, unknown>) => new BadRequestError(400, { message, type: 'invalid_request_error', ...error }, message, headers());
    expect(refusesMaxTokens(refusal({ param: 'max_tokens', code: 'unsupported_parameter' }))).toBe(true);
    expect(refusesMaxTokens(refusal({ param: 'temperature', code: 'unsupported_parameter' }))).toBe(false);
    expect(refusesMaxTokens(refusal({ param: null, code: null }))).toBe(false);
    expect(refusesMaxTokens(new Error(message))).toBe(false);
  });

  it('treats connection resets, refusals, timeouts and malformed bodies as transient', () => {
    const refused = new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: withCode('ECONNREFUSED') }) });
    expect(classifyError(refused)).toMatchObject({ transient: true, notProcessed: true });
    expect(classifyError(withCode('ECONNRESET'))).toMatchObject({ transient: true, notProcessed: false });
    expect(classifyError(new Error('socket hang up'))).toMatchObject({ transient: true });
    expect(classifyError(new TypeError('terminated'))).toMatchObject({ transient: true });
    expect(classifyError(new APIConnectionTimeoutError())).toMatchObject({ transient: true });
    expect(classifyError(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ transient: true });
    expect(classifyError(new MalformedResponseError('no choices'))).toMatchObject({ transient: true });
  });

  it('treats an unknown host, a bad certificate and programming errors as permanent', () => {
    const dns = new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: withCode('ENOTFOUND') }) });
    expect(classifyError(dns)).toMatchObject({ transient: false });
    expect(classifyError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT'))).toMatchObject({ transient: false });
    expect(classifyError(new RangeError('bad'))).toMatchObject({ transient: false });
  });
});

describe(makeScrubber.name, () => {
  it('removes the key, bearer tokens, key-like query parameters and URL credentials', () => {
    const scrub = makeScrubber('my-local-key-123');
    expect(scrub('key my-local-key-123 rejected')).toBe('key *** rejected');
    expect(scrub('Authorization: Bearer abc.def')).toBe('Authorization: Bearer ***');
    expect(scrub('got sk-proj-abcdefghij here')).toBe('got sk-*** here');
    expect(scrub('GET https://h/v1/models?api-key=zzz&x=1')).toBe('GET https://h/v1/models?api-key=***&x=1');
    expect(scrub('http://user:pass@host/v1')).toBe('http://***:***@host/v1');
  });

  it('removes the key echoed URL-encoded, in hex, in base64 or base64url at any alignment, or split in parts', () => {
    const key = 'gw/key+With=Symbols&0123456789abcdefXYZ';
    const scrub = makeScrubber(key);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const echoes = [
      `invalid key ${encodeURIComponent(key)} in query`,
      `hex ${Buffer.from(key).toString('hex')}`,
      `Authorization: Basic ${b64(`user:${key}`)}`,
      `basic ${b64(`u:${key}`)} and ${b64(`uu:${key}`)} and ${b64(key)}`,
      `url-safe ${b64(`x${key}`).replace(/\+/g, '-').replace(/\//g, '_')}`,
      `first part ${key.slice(0, 20)} ... second part ${key.slice(20)}`,
    ];
    const forms = [key, encodeURIComponent(key), Buffer.from(key).toString('hex'), b64(key)];
    for (const echo of echoes) {
      const out = scrub(echo);
      expect(out, echo).toContain('***');
      for (const form of forms) for (let i = 0; i + 12 <= form.length; i++) expect(out, echo).not.toContain(form.slice(i, i + 12));
    }
    expect(scrub('an ordinary error message about model gpt-4o-mini')).toBe('an ordinary error message about model gpt-4o-mini');
  });

  it('scrubs messages and stacks along a cause chain in place', () => {
    const inner = new Error('inner my-local-key-123');
    const outer = new Error('outer my-local-key-123', { cause: inner });
    scrubErrorChain(outer, makeScrubber('my-local-key-123'));
    expect([outer.message, inner.message, outer.stack, inner.stack].join('\n')).not.toContain('my-local-key-123');
  });
});

describe(shortFailure.name, () => {
  const headers = new Headers();
  it('keeps the status, type, code and a short message of a JSON error body', () => {
    const err = APIError.generate(429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, undefined, headers);
    expect(shortFailure(err)).toBe('429 Rate limit reached for requests (requests, rate_limit_exceeded)');
  });

  it('reduces an HTML page to a short line of its text', () => {
    const page = `<!DOCTYPE html><html><head><style>body{color:red}</style><script>var k="x";</script><title>502 Bad Gateway</title></head><body><h1>Bad   Gateway</h1>${'<p>filler text</p>'.repeat(500)}</body></html>`;
    const text = shortFailure(APIError.generate(502, undefined, page, headers));
    expect(text.startsWith('502 502 Bad Gateway Bad Gateway filler text')).toBe(true);
    expect(text).not.toMatch(/[<>]|color:red|var k/);
    expect(text.length).toBeLessThanOrEqual(FAILURE_TEXT_MAX + 5);
  });

  it('shortens other errors', () => {
    expect(shortFailure(new Error(`socket ${'x'.repeat(1_000)}`))).toHaveLength(FAILURE_TEXT_MAX + 1);
  });
});

describe('what a response says, as PostgreSQL can store it', () => {
  it('replaces each NUL and unpaired surrogate with U+FFFD, keeping pairs and other text as they are', () => {
    expect(storableModelText('plain [[A]]')).toBe('plain [[A]]');
    expect(storableModelText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    expect(storableModelText('\ud800x\udc00 \ud83d\ude00 \udbff')).toBe('\uFFFDx\uFFFD \u{1F600} \uFFFD');
  });

  it('takes a token count only when it is a whole number an integer column holds', () => {
    expect([0, 1, 2 ** 31 - 1].map(reportedTokens)).toEqual([0, 1, 2 ** 31 - 1]);
    expect([12.5, -1, 2 ** 31, Number.NaN, Infinity, '12', null, undefined].map(reportedTokens)).toEqual(Array(8).fill(undefined));
  });
});
