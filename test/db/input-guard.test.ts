/**
 * The input check at the GraphQL boundary: NUL characters, unpaired surrogates, oversized strings,
 * deep JSON, table-key names and fractional counts are BAD_USER_INPUT naming the argument, over
 * HTTP and WebSocket alike, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

type GqlError = { message: string; extensions?: { code?: string; field?: string } };

const CREATE = 'mutation ($name: String!, $config: ExperimentConfigInput) { createExperiment(name: $name, config: $config) { id } }';
const TEMPLATE = { system: '', user: '{question} {answer_a} {answer_b}', verdictA: 'A', verdictB: 'B' };

/** { a: { a: ... { a: 1 } } }, `depth` levels. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe.skipIf(NO_DATABASE)(`the input check at the GraphQL boundary (${TEST_DB})`, () => {
  let app: TestApp;
  let experimentId: string;
  const count = async () => dataOf(await app.gql<{ experiments: { edges: unknown[] } }>('{ experiments(first: 500) { edges { cursor } } }')).experiments.edges.length;

  beforeAll(async () => {
    app = await startTestApp();
    experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "guarded") { id } }')).createExperiment.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
    ['a NUL in a name', CREATE, { name: 'a\u0000b' }, 'name', /contains a NUL character \(at position 1\)/],
    ['an unpaired surrogate in a name', CREATE, { name: 'x\uD800y' }, 'name', /unpaired UTF-16 surrogate/],
    ['a NUL in a model', CREATE, { name: 'n', config: { generatorModel: 'm\u0000' } }, 'config.generatorModel', /NUL/],
    ['a NUL in a category', CREATE, { name: 'n', config: { categories: ['coding', 'ma\u0000th'] } }, 'config.categories.1', /NUL/],
    ['a NUL in a template', CREATE, { name: 'n', config: { judgeTemplate: { ...TEMPLATE, system: '\u0000' } } }, 'config.judgeTemplate.system', /NUL/],
    ['a 1 MB category', CREATE, { name: 'n', config: { categories: ['x'.repeat(1_000_000)] } }, 'config.categories.0', /must be at most 100 characters, got 1000000/],
    ['a NUL in a hyperparameter key', CREATE, { name: 'n', config: { training: { hyperparameters: { 'n_\u0000': 1 } } } }, 'config.training.hyperparameters.n_\u0000', /NUL/],
    ['a fractional token budget', CREATE, { name: 'n', config: { tokenBudget: 1.5 } }, 'config.tokenBudget', /must be a whole number, got 1.5/],
    ['a fractional budget update', 'mutation ($id: ID!) { setTokenBudget(experimentId: $id, tokenBudget: 2.5) { id } }', { id: '' }, 'tokenBudget', /whole number/],
    ['__proto__ as a bundled set', 'mutation ($id: ID!) { importBundledInstructions(experimentId: $id, name: "__proto__") { accepted } }', { id: '' }, 'name', /is not the name of a bundled set/],
    ['a 1 MB import source', 'mutation ($id: ID!, $s: String) { importInstructions(experimentId: $id, content: "", source: $s) { accepted } }', { id: '', s: 's'.repeat(1_000_000) }, 'source', /at most 200/],
    ['a NUL in a benchmark name', 'mutation { importBenchmark(name: "b\\u0000", content: "", format: REWARDBENCH) { created } }', {}, 'name', /NUL/],
    ['a NUL in a benchmark subset', 'mutation { importBenchmark(name: "b", content: "", format: REWARDBENCH, subset: "s\\u0000") { created } }', {}, 'subset', /NUL/],
    ['a NUL in an evaluated model', 'mutation { evaluateJudge(benchmarkId: "1", model: "m\\u0000") { id } }', {}, 'model', /NUL/],
    ['a NUL in a cursor', '{ experiments(after: "\\u0000") { edges { cursor } } }', {}, 'after', /NUL/],
  ];

  it.each(cases)('refuses %s over HTTP and WebSocket with BAD_USER_INPUT naming the argument', async (_name, query, variables, field, message) => {
    const before = await count();
    const vars = { ...variables, ...(variables.id === '' ? { id: experimentId } : {}) };
    const http = (await app.gql(query, vars)).errors?.[0] as GqlError | undefined;
    const client = await RawWs.connect(wsUrl(app.url));
    client.subscribe('op', query, vars);
    const reply = await client.result('op');
    client.close();
    const ws = (reply.type === 'error' ? (reply.payload as GqlError[]) : (reply.payload as { errors: GqlError[] }).errors)[0];
    for (const error of [http, ws]) {
      expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(error?.message).toMatch(message);
      expect(error?.message.startsWith(`${field}: `)).toBe(true);
    }
    expect(await count()).toBe(before);
  });

  it('refuses hyperparameters nested 5,000 deep over HTTP and WebSocket with BAD_USER_INPUT naming the argument', async () => {
    // Written by hand: JSON.stringify of 5,000 levels overflows the test's own stack.
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const variables = `{"name":"n","config":{"training":{"hyperparameters":${deep}}}}`;
    const before = await count();
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query":${JSON.stringify(CREATE)},"variables":${variables}}` });
    const http = ((await response.json()) as { errors: GqlError[] }).errors[0];
    const client = await RawWs.connect(wsUrl(app.url));
    client.socket.send(`{"type":"subscribe","id":"deep","payload":{"query":${JSON.stringify(CREATE)},"variables":${variables}}}`);
    const ws = ((await client.result('deep')).payload as { errors: GqlError[] }).errors[0];
    client.close();
    const field = `config.training.hyperparameters${'.a'.repeat(33)}`;
    for (const error of [http, ws]) expect(error).toMatchObject({ message: `${field}: is nested more than 32 levels deep`, extensions: { code: 'BAD_USER_INPUT', field } });
    expect(await count()).toBe(before);
  });

  it('lets ordinary values through: astral characters, long templates, JSON within the caps', async () => {
    const config = {
      categories: ['coding', 'math 🧮'],
      judgeTemplate: { ...TEMPLATE, system: 'x'.repeat(20_000) },
      // A value nested 30 deep under a key the OPENAI backend passes: within the JSON depth cap.
      training: { hyperparameters: { n_epochs: 2, batch_size: nested(30) } },
      tokenBudget: 100_000,
    };
    const response = await app.gql<{ createExperiment: { id: string } }>(CREATE, { name: 'fine 🎉', config });
    expect(response.errors).toBeUndefined();
    expect(dataOf(response).createExperiment.id).toMatch(/^\d+$/);
  });
});
