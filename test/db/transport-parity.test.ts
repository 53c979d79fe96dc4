/**
 * The same fault gives the same `extensions.code` over HTTP and WebSocket: one table, both
 * transports. Faults that exist on one transport only (a subscription sent over HTTP, an
 * automatic persisted query) are refused with a client code, never INTERNAL_SERVER_ERROR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

type GqlError = { message: string; extensions?: { code?: string } };
type Request = { query: string; variables?: Record<string, unknown>; operationName?: string };

describe.skipIf(NO_DATABASE)(`one code per fault on both transports (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  const overHttp = async (body: Record<string, unknown>): Promise<{ status: number; code: string | undefined }> => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as { errors?: GqlError[] };
    return { status: response.status, code: json.errors?.[0]?.extensions?.code };
  };
  const overWs = async (request: Request): Promise<string | undefined> => {
    const client = await RawWs.connect(wsUrl(app.url));
    client.send({ type: 'subscribe', id: 'op', payload: request });
    const reply = await client.result('op');
    client.close();
    const errors = reply.type === 'error' ? (reply.payload as GqlError[]) : (reply.payload as { errors?: GqlError[] }).errors;
    return errors?.[0]?.extensions?.code;
  };

  const cases: [string, Request, string][] = [
    ['a variable of the wrong type', { query: 'query ($n: Int) { experiments(first: $n) { edges { cursor } } }', variables: { n: 'ten' } }, 'BAD_USER_INPUT'],
    ['a required variable missing', { query: 'query ($id: ID!) { experiment(id: $id) { id } }', variables: {} }, 'BAD_USER_INPUT'],
    ['an enum variable out of range', { query: 'mutation ($f: BenchmarkFormat!) { importBenchmark(name: "x", content: "", format: $f) { created } }', variables: { f: 'CSV' } }, 'BAD_USER_INPUT'],
    ['an input object with an unknown field', { query: 'mutation ($c: ExperimentConfigInput) { createExperiment(name: "x", config: $c) { id } }', variables: { c: { nope: 1 } } }, 'BAD_USER_INPUT'],
    ['a syntax error', { query: '{ experiments { ' }, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', { query: '{ experimentz { edges { cursor } } }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown operation name', { query: 'query A { serviceInfo { version } } query B { serviceInfo { version } }', operationName: 'C' }, 'OPERATION_RESOLUTION_FAILURE'],
    ['several operations and no name', { query: 'query A { serviceInfo { version } } query B { serviceInfo { version } }' }, 'OPERATION_RESOLUTION_FAILURE'],
    ['a bad id', { query: '{ experiment(id: "abc") { id } }' }, 'BAD_USER_INPUT'],
  ];

  it.each(cases)('%s: the same code over HTTP and WebSocket', async (_name, request, code) => {
    const http = await overHttp(request);
    const ws = await overWs(request);
    expect({ http: http.code, ws }).toEqual({ http: code, ws: code });
    expect(http.status).toBe(code === 'BAD_USER_INPUT' && !request.variables ? 200 : 400);
  });

  it('refuses a subscription sent over HTTP as a bad request', async () => {
    const http = await overHttp({ query: 'subscription { stageUpdated(experimentId: "1") { id } }' });
    expect(http).toEqual({ status: 400, code: 'BAD_REQUEST' });
  });

  it('does not take automatic persisted queries', async () => {
    const hash = 'ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38';
    const byHash = await overHttp({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(byHash).toEqual({ status: 200, code: 'PERSISTED_QUERY_NOT_SUPPORTED' });
    const mismatch = await overHttp({ query: '{ serviceInfo { version } }', extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(mismatch).toEqual({ status: 200, code: 'PERSISTED_QUERY_NOT_SUPPORTED' });
  });
});

describe.skipIf(NO_DATABASE)(`one code per limit on both transports (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    // Without tokens the read budget is per address: both transports draw on the same one.
    app = await startTestApp({ QUERIES_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const limits: [string, string, string, number][] = [
    ['queries over QUERIES_PER_MINUTE', '{ serviceInfo { version } }', 'RATE_LIMITED', 429],
  ];

  it.each(limits)('%s: the same code over HTTP and WebSocket', async (_name, query, code, status) => {
    for (let spent = 0; spent < 2; spent++) await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ serviceInfo { version } }' }) });
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const http = (await response.json()) as { errors?: GqlError[] };
    const client = await RawWs.connect(wsUrl(app.url));
    client.send({ type: 'subscribe', id: 'op', payload: { query } });
    const reply = await client.result('op');
    client.close();
    expect({ http: http.errors?.[0]?.extensions?.code, ws: (reply.payload as GqlError[])[0]?.extensions?.code, type: reply.type }).toEqual({ http: code, ws: code, type: 'error' });
    expect(response.status).toBe(status);
  });
});
