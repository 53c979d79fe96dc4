import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const LIMITS = {
  GRAPHQL_MAX_DEPTH: '4',
  GRAPHQL_MAX_ALIASES: '3',
  GRAPHQL_MAX_DIRECTIVES: '3',
  GRAPHQL_MAX_TOKENS: '40',
  GRAPHQL_MAX_COST: '40',
  HTTP_BODY_LIMIT_BYTES: '4096',
  WS_MAX_PAYLOAD_BYTES: '4096',
  WS_MAX_SUBSCRIPTIONS: '2',
  WS_CONNECTION_INIT_TIMEOUT_MS: '300',
  WS_MAX_CONNECTIONS_PER_IP: '12',
};

const fields = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${name}${i}: version`).join(' ');
const typenames = (n: number) => '__typename '.repeat(n);

/** For each limit: the largest operation allowed, one just over it, and the error of the latter. */
const CASES: [string, string, string, RegExp][] = [
  // experiments(first: 1) { edges { node { id } } } is 4 deep; iterations makes 5.
  ['depth', '{ experiments(first: 1) { edges { node { id } } } }', '{ experiments(first: 1) { edges { node { iterations { id } } } } }', /nested to a depth of 5, more than the limit of 4/],
  ['aliases', `{ serviceInfo { ${fields('a', 3)} } }`, `{ serviceInfo { ${fields('a', 3)} } s: serviceInfo { version } }`, /aliases: 4, more than the limit of 3/],
  ['directives', '{ serviceInfo { version @skip(if: false) ...V @include(if: true) } } fragment V on ServiceInfo { role @include(if: true) }', '{ serviceInfo { ...V @skip(if: false) ...V @include(if: true) } } fragment V on ServiceInfo { role @include(if: true) }', /directives: 4, more than the limit of 3/],
  // `{ serviceInfo { version } }` is 6 tokens, each __typename one more.
  ['tokens', `{ serviceInfo { version ${typenames(34)}} }`, `{ serviceInfo { version ${typenames(35)}} }`, /Document contains more that 40 tokens/],
  // experiments(first: 10) { edges { node { id } } } costs 1 + 10 x 3 = 31, each __typename 1 more.
  ['cost', `{ experiments(first: 10) { edges { node { id } } } ${typenames(9)}}`, `{ experiments(first: 10) { edges { node { id } } } ${typenames(10)}}`, /cost of 41, more than the limit of 40/],
];

describe.skipIf(NO_DATABASE)(`operation and connection limits on both transports (${TEST_DB})`, () => {
  let app: TestApp;
  let resolved = 0;
  const post = async (body: string) => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  };

  beforeAll(async () => {
    app = await startTestApp(LIMITS);
    // Counts resolver calls: a refused operation must not reach any.
    const info = app.services.info;
    Object.defineProperty(app.services, 'info', { get: () => (resolved++, info) });
    const experiments = app.services.queries.experiments.bind(app.services.queries);
    app.services.queries.experiments = (...args) => (resolved++, experiments(...args));
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each(CASES)('allows the largest operation by %s and refuses one more over HTTP, before any resolver', async (_limit, allowed, over, error) => {
    const ok = await post(JSON.stringify({ query: allowed }));
    expect(ok.body.errors).toBeUndefined();
    const before = resolved;
    const refused = await post(JSON.stringify({ query: over }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors![0]!.message).toMatch(error);
    expect(refused.body.errors![0]!.extensions?.code).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
    expect(resolved).toBe(before);
  });

  it('prices a variable page size with the request\'s value on both transports, before any resolver', async () => {
    // experiments(first: $n) { edges { node { id } } } costs 1 + n x 3: 10 fits the limit of 40, 14 does not.
    const query = 'query Page($n: Int) { experiments(first: $n) { edges { node { id } } } }';
    const ok = await post(JSON.stringify({ query, variables: { n: 10 } }));
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    const before = resolved;
    const refused = await post(JSON.stringify({ query, variables: { n: 14 } }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ message: 'operation "Page" has a cost of 43, more than the limit of 40', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('over', query, { n: 14 });
    const overWs = await client.result('over');
    client.subscribe('ok', query, { n: 10 });
    const okWs = await client.result('ok');
    client.close();
    expect(overWs).toMatchObject({ type: 'error', payload: [{ message: 'operation "Page" has a cost of 43, more than the limit of 40', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    expect(okWs.type).toBe('next');
    expect(resolved).toBe(before + 1);
  });

  it.each(CASES)('allows the largest operation by %s and refuses one more over WebSocket, before any resolver', async (_limit, allowed, over, error) => {
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('ok', allowed);
    expect((await client.result('ok')).type).toBe('next');
    const before = resolved;
    client.subscribe('over', over);
    const refused = await client.result('over');
    client.close();
    expect(refused.type).toBe('error');
    const errors = refused.payload as { message: string; extensions: { code: string } }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(error);
    expect(errors[0]!.extensions.code).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
    expect(resolved).toBe(before);
  });

  it('accepts an HTTP body of exactly the cap and refuses one byte more with 413', async () => {
    const body = (size: number) => {
      const base = JSON.stringify({ query: '{ serviceInfo { version } }' });
      return `${base.slice(0, -1)}${' '.repeat(size - base.length)}}`;
    };
    expect(Buffer.byteLength(body(4096))).toBe(4096);
    expect((await post(body(4096))).status).toBe(200);
    const refused = await post(body(4097));
    expect(refused.status).toBe(413);
    expect(refused.body.errors).toEqual([{ message: 'the request body is larger than 4096 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }]);
  });

  it('answers a body that is not JSON with a JSON error, not a page with a stack', async () => {
    const response = await post('{"query": ');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('accepts a WebSocket message of exactly the cap and closes the socket on one byte more', async () => {
    const client = await RawWs.connect(wsUrl(app.url));
    const ping = (size: number) => `{"type":"ping"${' '.repeat(size - 15)}}`;
    expect(Buffer.byteLength(ping(4096))).toBe(4096);
    client.socket.send(ping(4096));
    expect(await client.next()).toEqual({ type: 'pong' });
    client.socket.send(ping(4097));
    expect((await client.closed).code).toBe(1009);
  });

  it('keeps memory flat while many oversized frames arrive', async () => {
    const frame = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const sendOne = async () => {
      // Acknowledged first: on a socket without connection_init the 300 ms init timeout
      // (WS_CONNECTION_INIT_TIMEOUT_MS) races the 2 MiB frame and, on a busy machine, closes it first (4408).
      const client = await RawWs.connect(wsUrl(app.url));
      client.socket.send(frame);
      return (await client.closed).code;
    };
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    await sendOne();
    const before = used();
    const codes: number[] = [];
    for (let round = 0; round < 20; round++) codes.push(...(await Promise.all(Array.from({ length: 10 }, sendOne))));
    // 400 MiB were sent; a server that buffered them would have grown by as much.
    expect(codes.every((c) => c === 1009)).toBe(true);
    expect(used() - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('runs at most WS_MAX_SUBSCRIPTIONS operations at once per connection', async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "subs") { id } }')).createExperiment.id;
    const client = await RawWs.connect(wsUrl(app.url));
    const query = `subscription { stageUpdated(experimentId: "${id}") { id } }`;
    client.subscribe('1', query);
    client.subscribe('2', query);
    client.subscribe('3', query);
    expect(await client.result('3')).toEqual({
      type: 'error',
      id: '3',
      payload: [{ message: 'too many operations on one connection: at most 2 at once; complete one first', extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }],
    });
    client.send({ type: 'complete', id: '1' });
    // Completion is processed in order: the next subscribe finds a free slot.
    client.subscribe('4', '{ serviceInfo { version } }');
    expect((await client.result('4')).type).toBe('next');
    client.close();
  });

  it('refuses a WebSocket upgrade past WS_MAX_CONNECTIONS_PER_IP with HTTP 429 that says why, and takes one again once a socket closes', async () => {
    const open = await Promise.all(Array.from({ length: 12 }, () => RawWs.connect(wsUrl(app.url))));
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(wsUrl(app.url), 'graphql-transport-ws');
      socket.once('open', () => reject(new Error('the 13th connection was accepted')));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.once('error', () => {});
    });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/too many WebSocket connections from \S+: at most 12 at once \(WS_MAX_CONNECTIONS_PER_IP\)/);
    open[0]!.close();
    await open[0]!.closed;
    const again = await eventually(async () => RawWs.connect(wsUrl(app.url)).catch(() => undefined), 5_000, 50);
    for (const client of [again, ...open.slice(1)]) client.close();
    await Promise.all([again, ...open.slice(1)].map((client) => client.closed));
  });

  it('closes a connection that sends no connection_init within the timeout', async () => {
    const client = await RawWs.open(wsUrl(app.url));
    expect(await client.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

});

describe.skipIf(NO_DATABASE)(`keep-alive (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ WS_KEEPALIVE_MS: '100' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('terminates a connection that stops answering pings and keeps one that answers', async () => {
    const silent = await RawWs.open(wsUrl(app.url), { autoPong: false });
    const answering = await RawWs.connect(wsUrl(app.url));
    silent.send({ type: 'connection_init' });
    expect((await silent.next()).type).toBe('connection_ack');
    // No pong within one keep-alive interval: terminated, without a close frame.
    expect((await silent.closed).code).toBe(1006);
    answering.subscribe('q', '{ serviceInfo { version } }');
    expect((await answering.result('q')).type).toBe('next');
    answering.close();
  });
});
