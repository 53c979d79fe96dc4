/**
 * Read limits: queries and subscriptions per minute per token (per address without tokens), and
 * running subscriptions per token over all its connections; the same code on both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const TOKENS = { httpReader: 'reader-http-0123456789abcdef', wsReader: 'reader-ws-0123456789abcdef01', subscriber: 'reader-subs-0123456789abcdef', other: 'reader-other-0123456789abcde' };
const PER_MINUTE = 3;
const SUBSCRIPTIONS = 2;
type Body = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
const QUERY = '{ serviceInfo { version } }';
const SUBSCRIPTION = 'subscription { stageUpdated(experimentId: "1") { id } }';

describe.skipIf(NO_DATABASE)(`read limits with tokens (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      API_TOKENS: Object.values(TOKENS).map((t) => `reader:${t}`).join(','),
      QUERIES_PER_MINUTE: String(PER_MINUTE),
      MAX_SUBSCRIPTIONS_PER_TOKEN: String(SUBSCRIPTIONS),
    });
  });
  afterAll(async () => {
    await app?.stop();
  });
  const post = async (token: string, query = QUERY) => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Body };
  };
  const ws = (token: string) => RawWs.connect(wsUrl(app.url), { authorization: `Bearer ${token}` });

  it(`allows ${PER_MINUTE} queries a minute per token over HTTP, then 429 RATE_LIMITED; other tokens are not affected`, async () => {
    for (let i = 0; i < PER_MINUTE; i++) expect(await post(TOKENS.httpReader)).toMatchObject({ status: 200, body: { data: { serviceInfo: expect.anything() } } });
    const over = await post(TOKENS.httpReader);
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    expect(over.body.data).toBeUndefined();
    expect(over.body.errors).toHaveLength(1);
    expect(over.body.errors![0]!.extensions).toEqual({ code: 'RATE_LIMITED' });
    expect(over.body.errors![0]!.message).toMatch(/^rate limit reached: at most 3 queries and subscriptions a minute per token \(QUERIES_PER_MINUTE\); retry in \d+ s$/);
    expect((await post(TOKENS.other)).status).toBe(200);
  });

  it('counts queries and subscriptions over WebSocket against the same budget, with an error for the refused operation only', async () => {
    const client = await ws(TOKENS.wsReader);
    client.subscribe('q1', QUERY);
    expect((await client.result('q1')).type).toBe('next');
    client.subscribe('s1', SUBSCRIPTION);
    client.subscribe('q2', QUERY);
    expect((await client.result('q2')).type).toBe('next');
    client.subscribe('q3', QUERY);
    const over = await client.result('q3');
    expect(over).toEqual({
      id: 'q3',
      type: 'error',
      payload: [{ message: expect.stringMatching(/^rate limit reached: at most 3 queries and subscriptions a minute per token \(QUERIES_PER_MINUTE\); retry in \d+ s$/), extensions: { code: 'RATE_LIMITED' } }],
    });
    // The HTTP budget of that token is spent too: one budget per token on both transports.
    expect((await post(TOKENS.wsReader)).status).toBe(429);
    client.close();
  });
});

describe.skipIf(NO_DATABASE)(`subscription cap without tokens: per address (${TEST_DB})`, () => {
  let app: TestApp;
  let subscription = '';
  beforeAll(async () => {
    app = await startTestApp({ MAX_SUBSCRIPTIONS_PER_TOKEN: String(SUBSCRIPTIONS) });
    const experiment = await app.services.experiments.create('watched', null);
    subscription = `subscription { stageUpdated(experimentId: "${experiment.id}") { id } }`;
  });
  afterAll(async () => {
    await app?.stop();
  });
  const refusal = (id: string) => ({
    id,
    type: 'error',
    payload: [{ message: 'too many subscriptions: at most 2 at once per address over all its connections (MAX_SUBSCRIPTIONS_PER_TOKEN); complete one first', extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }],
  });

  it(`runs at most ${SUBSCRIPTIONS} subscriptions per address over all its connections, and frees a slot on complete and on close`, async () => {
    const a = await RawWs.connect(wsUrl(app.url));
    const b = await RawWs.connect(wsUrl(app.url));
    a.subscribe('s1', subscription);
    b.subscribe('s2', subscription);
    b.subscribe('s3', subscription);
    expect(await b.result('s3')).toEqual(refusal('s3'));
    // Queries are not subscriptions: they still run.
    b.subscribe('q', QUERY);
    expect((await b.result('q')).type).toBe('next');
    // Completing one frees its slot.
    b.send({ type: 'complete', id: 's2' });
    b.subscribe('s4', subscription);
    b.subscribe('s5', subscription);
    expect(await b.result('s5')).toEqual(refusal('s5'));
    // Closing a connection frees all of its slots.
    a.close();
    await a.closed;
    await eventuallyAccepted(b, subscription);
    b.subscribe('s6', subscription);
    expect(await b.result('s6')).toEqual(refusal('s6'));
    b.close();
  });
});

/** Subscribes until one is not refused (the server sees the close a moment after the client). */
async function eventuallyAccepted(client: RawWs, query: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    client.subscribe(`retry${i}`, query);
    const reply = await Promise.race([client.result(`retry${i}`), new Promise<null>((resolve) => setTimeout(() => resolve(null), 200))]);
    if (reply === null) return;
    expect(reply).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }] });
  }
  throw new Error('no slot was freed by closing the other connection');
}
