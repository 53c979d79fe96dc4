import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';
import { createLogger } from '../../src/logger.js';

const TOKENS = {
  reader: 'reader-0123456789abcdef0123',
  operator: 'operator-0123456789abcdef01',
  httpLimited: 'operator-http-0123456789abcdef',
  wsLimited: 'operator-ws-0123456789abcdef',
  aliased: 'operator-aliased-0123456789ab',
  admin: 'admin-0123456789abcdef012345',
};
const PER_MINUTE = 4;

type Body = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

describe.skipIf(NO_DATABASE)(`access control on both transports (${TEST_DB})`, () => {
  let app: TestApp;
  let created = 0;
  const post = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, url?: string) => {
    const response = await fetch(url ?? app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const ws = (token: string) => RawWs.connect(wsUrl(app.url), { authorization: `Bearer ${token}` });
  const count = async () => (dataOf((await post('{ experiments(first: 500) { edges { node { id } } } }', {}, as(TOKENS.reader))).body) as { experiments: { edges: unknown[] } }).experiments.edges.length;

  beforeAll(async () => {
    app = await startTestApp({
      API_TOKENS: `reader:${TOKENS.reader},operator:${TOKENS.operator},operator:${TOKENS.httpLimited},operator:${TOKENS.wsLimited},operator:${TOKENS.aliased},admin:${TOKENS.admin}`,
      MUTATIONS_PER_MINUTE: String(PER_MINUTE),
    });
    const create = app.services.experiments.create.bind(app.services.experiments);
    app.services.experiments.create = (...args) => {
      created++;
      return create(...args);
    };
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses HTTP requests with no token, a wrong token, or the token in the wrong place', async () => {
    const query = '{ serviceInfo { version } }';
    const refused = [
      await post(query),
      await post(query, {}, as(`${TOKENS.reader}x`)),
      await post(query, {}, { authorization: TOKENS.reader }),
      await post(query, {}, { 'x-api-key': TOKENS.reader }),
      await post(query, {}, {}, `${app.url}?token=${TOKENS.reader}&access_token=${TOKENS.reader}`),
    ];
    for (const r of refused) {
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const exportUrl = app.url.replace('/graphql', '/exports/iterations/1/judgments.jsonl');
    expect((await fetch(exportUrl)).status).toBe(401);
    expect((await fetch(exportUrl, { headers: as(TOKENS.reader) })).status).toBe(404); // no such iteration: past the token check
    expect((await post(query, {}, as(TOKENS.reader))).body.data).toEqual({ serviceInfo: { version: expect.any(String) } });
  });

  it('closes WebSocket connections with no token, a wrong token, or the token in the wrong place, before any operation', async () => {
    const url = wsUrl(app.url);
    const attempts: [string, Record<string, unknown> | undefined, Record<string, string>?][] = [
      [url, undefined],
      [url, { authorization: `Bearer ${TOKENS.admin}!` }],
      [url, { token: `${TOKENS.admin}!` }],
      [url, { authorization: TOKENS.admin }],
      [url, undefined, as(TOKENS.admin)],
      [`${url}?token=${TOKENS.admin}`, undefined],
    ];
    for (const [target, payload, headers] of attempts) {
      const client = await RawWs.open(target, { headers });
      client.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
      client.subscribe('1', '{ serviceInfo { version } }');
      expect(await client.closed).toEqual({ code: 4401, reason: 'Unauthorized: send a valid API token in connection_init' });
    }
    const client = await RawWs.connect(url, { token: TOKENS.reader });
    client.subscribe('1', '{ serviceInfo { version } }');
    expect((await client.result('1')).payload).toEqual({ data: { serviceInfo: { version: expect.any(String) } } });
    client.close();
  });

  it('lets a reader query and subscribe but not run a mutation, on either transport', async () => {
    const before = await count();
    const http = await post('mutation { createExperiment(name: "nope") { id } }', {}, as(TOKENS.reader));
    expect(http.status).toBe(403);
    expect(http.body.errors).toEqual([{ message: 'createExperiment needs the operator role; the token has reader', extensions: { code: 'FORBIDDEN' } }]);
    const client = await ws(TOKENS.reader);
    client.subscribe('m', 'mutation { createExperiment(name: "nope") { id } }');
    expect(await client.result('m')).toEqual({ type: 'error', id: 'm', payload: [{ message: 'createExperiment needs the operator role; the token has reader', extensions: { code: 'FORBIDDEN' } }] });
    client.subscribe('s', 'subscription { stageUpdated(experimentId: "424242") { id } }');
    expect(JSON.stringify(await client.result('s'))).toContain('NOT_FOUND');
    client.close();
    expect(created).toBe(0);
    expect(await count()).toBe(before);
  });

  it('lets an operator start work but not delete, even through a fragment; an admin deletes', async () => {
    const id = (dataOf((await post('mutation { createExperiment(name: "doomed") { id } }', {}, as(TOKENS.operator))).body) as { createExperiment: { id: string } }).createExperiment.id;
    const sneaky = await post(`mutation ($id: ID!) { ...D } fragment D on Mutation { deleteExperiment(id: $id) }`, { id }, as(TOKENS.operator));
    expect(sneaky.body.errors?.[0]).toEqual({ message: 'deleteExperiment needs the admin role; the token has operator', extensions: { code: 'FORBIDDEN' } });
    const client = await ws(TOKENS.operator);
    client.subscribe('d', `mutation { deleteExperiment(id: "${id}") }`);
    expect(((await client.result('d')).payload as Body['errors'])![0]!.extensions?.code).toBe('FORBIDDEN');
    client.close();
    expect((await post('mutation ($id: ID!) { deleteExperiment(id: $id) }', { id }, as(TOKENS.admin))).body).toEqual({ data: { deleteExperiment: id } });
    expect((await post('query ($id: ID!) { experiment(id: $id) { id } }', { id }, as(TOKENS.reader))).body.data).toEqual({ experiment: null });
    const again = await post('mutation ($id: ID!) { deleteExperiment(id: $id) }', { id }, as(TOKENS.admin));
    expect(again.body.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  it(`allows ${PER_MINUTE} mutations a minute per token over HTTP and refuses the next with RATE_LIMITED`, async () => {
    const mutation = 'mutation { cancelStage(stageId: "999999") { id } }';
    for (let i = 0; i < PER_MINUTE; i++) expect((await post(mutation, {}, as(TOKENS.httpLimited))).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const limited = await post(mutation, {}, as(TOKENS.httpLimited));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(limited.body.errors?.[0]?.message).toMatch(/^rate limit reached: at most 4 mutations a minute per token; retry in \d+ s$/);
    // Other tokens and queries are not affected.
    expect((await post('{ serviceInfo { version } }', {}, as(TOKENS.httpLimited))).status).toBe(200);
    expect((await post(mutation, {}, as(TOKENS.wsLimited))).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('counts every mutation field of an operation, aliases and fragment spreads included, on both transports', async () => {
    const aliased = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `e${i}: createExperiment(name: "aliased ${n}-${i}") { id }`).join(' ')} }`;
    const before = created;
    const over = await post(aliased(5), {}, as(TOKENS.aliased));
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0]?.message).toMatch(/^rate limit reached: at most 4 mutations a minute per token \(this operation has 5\); retry in \d+ s$/);
    expect(created).toBe(before);
    expect(Object.keys(dataOf((await post(aliased(3), {}, as(TOKENS.aliased))).body) as object)).toEqual(['e0', 'e1', 'e2']);
    expect(created).toBe(before + 3);
    const spread = await post('mutation { ...two } fragment two on Mutation { a: createExperiment(name: "f1") { id } b: createExperiment(name: "f2") { id } }', {}, as(TOKENS.aliased));
    expect(spread.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const client = await ws(TOKENS.aliased);
    client.subscribe('two', aliased(2));
    expect(((await client.result('two')).payload as Body['errors'])![0]!.extensions).toEqual({ code: 'RATE_LIMITED' });
    client.close();
    expect(created).toBe(before + 3);
  });

  it(`applies the same limit to mutations sent over WebSocket`, async () => {
    const client = await ws(TOKENS.wsLimited);
    // One was spent over HTTP in the test above: the bucket is the token's, whatever the transport.
    for (let i = 1; i < PER_MINUTE; i++) {
      client.subscribe(`m${i}`, 'mutation { cancelStage(stageId: "999999") { id } }');
      expect(JSON.stringify(await client.result(`m${i}`))).toContain('NOT_FOUND');
    }
    client.subscribe('over', 'mutation { cancelStage(stageId: "999999") { id } }');
    const over = await client.result('over');
    expect(over.type).toBe('error');
    expect((over.payload as Body['errors'])![0]!.extensions).toEqual({ code: 'RATE_LIMITED' });
    client.close();
  });
});

describe.skipIf(NO_DATABASE)(`error masking in production (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: 'production' });
    app.services.queries.experiments = async () => {
      throw new Error('relation "secret_table" does not exist at 10.0.0.7:5432');
    };
    app.services.pipeline.experiment = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
    };
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('sends an internal error as INTERNAL_SERVER_ERROR with no detail over HTTP and WebSocket', async () => {
    const http = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ experiments { edges { node { id } } } }' }) });
    const text = await http.text();
    expect(JSON.parse(text).errors).toEqual([{ message: 'Internal server error', path: ['experiments'], extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) } }]);
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('q', '{ experiments { edges { node { id } } } }');
    client.subscribe('s', 'subscription { stageUpdated(experimentId: "1") { id } }');
    const results = [await client.result('q'), await client.result('s')];
    client.close();
    for (const r of results) expect(JSON.stringify(r)).toContain('"code":"INTERNAL_SERVER_ERROR"');
    for (const body of [text, JSON.stringify(results)]) expect(body).not.toMatch(/secret_table|10\.0\.0\.7|ECONNREFUSED|stack/);
  });

  it('refuses introspection and gives no field suggestions', async () => {
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('i', '{ __schema { types { name } } }');
    client.subscribe('t', '{ experimentz { edges { cursor } } }');
    const ws = [await client.result('i'), await client.result('t')];
    client.close();
    const http = await Promise.all(
      ['{ __schema { types { name } } }', '{ experimentz { edges { cursor } } }'].map(async (query) =>
        (await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).text(),
      ),
    );
    expect(http[0]).toMatch(/introspection/i);
    expect(JSON.stringify(ws[0])).toMatch(/introspection/i);
    for (const body of [http[1]!, JSON.stringify(ws[1])]) {
      expect(body).toContain('Cannot query field \\"experimentz\\" on type \\"Query\\".');
      expect(body).not.toMatch(/Did you mean/);
    }
  });
});

describe.skipIf(NO_DATABASE)(`internal errors outside production (${TEST_DB})`, () => {
  let app: TestApp;
  const lines: { level: number; msg: string; errorId?: string; err?: { message: string } }[] = [];
  beforeAll(async () => {
    const logger = createLogger('error', { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await startTestApp({}, {}, { logger });
    app.services.queries.experiments = async () => {
      throw new Error('Failed query: select * from "secret_table" where "token" = $1\nparams: sk-live-123 at /srv/app/src/db/x.ts:12');
    };
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('show no SQL, parameters or paths to the client on either transport, and log each once under the id the client gets', async () => {
    const query = '{ experiments { edges { node { id } } } }';
    const http = (await (await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as {
      errors: { message: string; extensions: { code: string; errorId: string } }[];
    };
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('q', query);
    const ws = (await client.result('q')).payload as { errors?: { message: string; extensions: { code: string; errorId: string } }[] };
    client.close();
    const errors = [http.errors[0]!, ws.errors![0]!];
    for (const error of errors) expect(error).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    for (const body of [JSON.stringify(http), JSON.stringify(ws)]) expect(body).not.toMatch(/secret_table|sk-live|\/srv\/|params|stacktrace/);
    const logged = lines.filter((l) => l.msg === 'internal error');
    expect(logged.map((l) => l.errorId)).toEqual(errors.map((e) => e.extensions.errorId));
    expect(logged[0]!.err!.message).toContain('secret_table');
  });
});

describe.skipIf(NO_DATABASE)(`ERROR_DETAILS on (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ ERROR_DETAILS: 'true' });
    app.services.queries.experiments = async () => {
      throw new Error('Failed query: select * from "secret_table" where "token" = $1\nparams: sk-live-123', {
        cause: new Error("ENOENT: no such file or directory, open '/srv/app/data/secret.json'"),
      });
    };
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("adds the internal error's message without SQL, parameters or paths, the same on both transports", async () => {
    const query = '{ experiments { edges { node { id } } } }';
    const http = (await (await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as Body;
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('q', query);
    const ws = (await client.result('q')).payload as Body;
    client.close();
    for (const body of [http, ws]) {
      expect(body.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['experiments'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/), details: "ENOENT: no such file or directory, open '<path>'" },
        },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/select|sk-live|\/srv\//);
    }
  });
});
