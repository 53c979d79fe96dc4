/**
 * The audit log: every mutation an operator or admin token runs, over HTTP or WebSocket, with who,
 * what, the arguments without file contents, and the outcome; readable by admin tokens only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const TOKENS = { reader: 'reader-audit-0123456789abcdef', operator: 'operator-audit-0123456789abcd', admin: 'admin-audit-0123456789abcdef0' };

type Entry = { actor: string; role: string; mutation: string; arguments: Record<string, unknown>; outcome: string; createdAt: string };
type Body = { data?: { auditLog?: { edges: { cursor: string; node: Entry }[]; pageInfo: { hasNextPage: boolean } } } | null; errors?: { message: string; extensions?: { code?: string } }[] };

describe.skipIf(NO_DATABASE)(`the audit log (${TEST_DB})`, () => {
  let app: TestApp;
  const post = async (token: string, query: string, variables: Record<string, unknown> = {}): Promise<Body> => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as Body;
  };
  const AUDIT = 'query ($first: Int, $after: String) { auditLog(first: $first, after: $after) { edges { cursor node { actor role mutation arguments outcome createdAt } } pageInfo { hasNextPage } } }';

  beforeAll(async () => {
    app = await startTestApp({ API_TOKENS: `reader:${TOKENS.reader},operator:${TOKENS.operator},admin:${TOKENS.admin}` });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('records who ran which mutation with what and how it ended, newest first, without file contents', async () => {
    const id = (dataOf(await post(TOKENS.operator, 'mutation { createExperiment(name: "audited") { id } }')) as { createExperiment: { id: string } }).createExperiment.id;
    const content = JSON.stringify({ text: 'What is 2 + 2? A secret instruction text.' });
    const client = await RawWs.connect(wsUrl(app.url), { authorization: `Bearer ${TOKENS.operator}` });
    client.subscribe('imp', 'mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c, format: JSONL, source: "unit") { accepted } }', { id, c: content });
    expect(JSON.stringify(await client.result('imp'))).toContain('"accepted":1');
    client.close();
    expect((await post(TOKENS.operator, 'mutation { cancelStage(stageId: "999999") { id } }')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await post(TOKENS.admin, 'mutation ($id: ID!) { deleteExperiment(id: $id) }', { id })).errors).toBeUndefined();

    const entries = (dataOf(await post(TOKENS.admin, AUDIT, { first: 10 })) as NonNullable<Body['data']>).auditLog!.edges.map((e) => e.node);
    expect(entries.map(({ createdAt: _, ...rest }) => rest)).toEqual([
      { actor: 'admin#3', role: 'admin', mutation: 'deleteExperiment', arguments: { id }, outcome: 'ok' },
      { actor: 'operator#2', role: 'operator', mutation: 'cancelStage', arguments: { stageId: '999999' }, outcome: 'NOT_FOUND' },
      {
        actor: 'operator#2',
        role: 'operator',
        mutation: 'importInstructions',
        arguments: { experimentId: id, content: `[${content.length} characters]`, format: 'JSONL', source: 'unit' },
        outcome: 'ok',
      },
      { actor: 'operator#2', role: 'operator', mutation: 'createExperiment', arguments: { name: 'audited' }, outcome: 'ok' },
    ]);
    for (const e of entries) expect(Date.parse(e.createdAt)).toBeGreaterThan(0);
    expect(JSON.stringify(entries)).not.toContain('secret instruction');

    const first = (dataOf(await post(TOKENS.admin, AUDIT, { first: 1 })) as NonNullable<Body['data']>).auditLog!;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = (dataOf(await post(TOKENS.admin, AUDIT, { first: 1, after: first.edges[0]!.cursor })) as NonNullable<Body['data']>).auditLog!;
    expect(next.edges.map((e) => e.node.mutation)).toEqual(['cancelStage']);
  });

  it('is readable by admin tokens only, on both transports', async () => {
    for (const token of [TOKENS.reader, TOKENS.operator]) {
      const body = await post(token, AUDIT);
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(body.data).toBeNull();
    }
    const client = await RawWs.connect(wsUrl(app.url), { authorization: `Bearer ${TOKENS.reader}` });
    client.subscribe('a', AUDIT);
    expect(JSON.stringify(await client.result('a'))).toContain('"code":"FORBIDDEN"');
    client.close();
  });
});
