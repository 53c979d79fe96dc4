import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { getNamedType, getNullableType, isInterfaceType, isListType, isObjectType } from 'graphql';
import { allRules, DEFAULT_LIST_SIZE, LIST_SIZES, listSizes, UNBOUNDED_LISTS, variableCostErrors } from '../../src/http/limits.js';
import type { OperationLimits } from '../../src/http/limits.js';
import { MAX_PAGE_SIZE } from '../../src/services/read/queries.js';

const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
const LIMITS: OperationLimits = { maxDepth: 6, maxAliases: 4, maxDirectives: 3, maxCost: 100, introspection: true };

function errorsOf(query: string, limits: Partial<OperationLimits> = {}): string[] {
  return validate(schema, parse(query), allRules({ ...LIMITS, ...limits })).map((e) => e.message);
}

/** A query whose deepest field is at `depth` (`{ serviceInfo { version } }` has depth 2). */
function deep(depth: number): string {
  let inner = 'id';
  for (let level = depth - 1; level >= 2; level--) inner = `${level % 2 === 0 ? 'iterations' : 'experiment'} { ${inner} }`;
  return `{ experiment(id: "1") { ${inner} } }`;
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: serviceInfo { version }`).join(' ')} }`;
const directives = (n: number) => `{ serviceInfo { ${Array.from({ length: n }, (_, i) => `v${i}: version @include(if: true)`).join(' ')} } }`;

describe('operation limits (validation rules shared by HTTP and WebSocket)', () => {
  it('accepts the deepest allowed operation and refuses one level more', () => {
    const noCost = { maxCost: 1e9 };
    expect(errorsOf(deep(6), noCost)).toEqual([]);
    expect(errorsOf(deep(7), noCost)).toEqual(['the operation is nested to a depth of 7, more than the limit of 6']);
  });

  it('counts depth through named and inline fragments', () => {
    const named = `query Deep { experiment(id: "1") { ...I } } fragment I on Experiment { iterations { experiment { iterations { experiment { iterations { id } } } } } }`;
    expect(errorsOf(named, { maxCost: 1e9 })).toEqual(['operation "Deep" is nested to a depth of 7, more than the limit of 6']);
    const inline = `{ experiment(id: "1") { ... on Experiment { iterations { experiment { iterations { experiment { iterations { id } } } } } } } }`;
    expect(errorsOf(inline, { maxCost: 1e9 })).toEqual(['the operation is nested to a depth of 7, more than the limit of 6']);
  });

  it('accepts the allowed aliases and refuses one more, also when a fragment repeats them', () => {
    expect(errorsOf(aliases(4))).toEqual([]);
    expect(errorsOf(aliases(5))).toEqual(['the operation uses aliases: 5, more than the limit of 4']);
    const reused = `{ ...F ...F a: serviceInfo { version } } fragment F on Query { x: serviceInfo { version } y: serviceInfo { version } }`;
    expect(errorsOf(reused)).toEqual(['the operation uses aliases: 5, more than the limit of 4']);
  });

  it('accepts the allowed directives and refuses one more, counting fragments at every spread', () => {
    expect(errorsOf(directives(3))).toEqual([]);
    expect(errorsOf(directives(4))).toEqual(['the operation uses directives: 4, more than the limit of 3']);
    const spread = `{ serviceInfo { ...V ...V @skip(if: false) } } fragment V on ServiceInfo { version @include(if: true) }`;
    expect(errorsOf(spread)).toEqual([]);
    expect(errorsOf(`{ serviceInfo { ...V ...V ...V ...V } } fragment V on ServiceInfo { version @include(if: true) }`)).toEqual([
      'the operation uses directives: 4, more than the limit of 3',
    ]);
  });

  it('prices lists at their page size and refuses an operation that costs one more than the limit', () => {
    // experiments: 1 + 10 x (edges 1 + node 1 + id 1) = 31; each __typename adds 1.
    const priced = (extra: number) => `{ experiments(first: 10) { edges { node { id } } } ${'__typename '.repeat(extra)}}`;
    expect(errorsOf(priced(69))).toEqual([]);
    expect(errorsOf(priced(70))).toEqual(['the operation has a cost of 101, more than the limit of 100']);
  });

  it('prices a variable page at 1 until the variables are known, the default page without `first`, and a fixed size for plain lists', () => {
    const cost = (query: string) => Number(/cost of (\d+)/.exec(errorsOf(query, { maxCost: 1 })[0] ?? '')?.[1]);
    expect(cost('query ($n: Int) { experiments(first: $n) { edges { node { id } } } }')).toBe(1 + 1 * 3);
    expect(cost('{ experiments { edges { node { id } } } }')).toBe(1 + 50 * 3);
    expect(cost('{ experiment(id: "1") { iterations { id } } }')).toBe(1 + 1 + DEFAULT_LIST_SIZE);
  });

  it('prices a variable page with the request: its value, the operation default, the field default, never above the largest page', () => {
    const limits = { ...LIMITS, maxCost: 1 };
    const cost = (query: string, variables: Record<string, unknown> | null, operationName?: string) =>
      Number(/cost of (\d+)/.exec(variableCostErrors(schema, parse(query), operationName, variables, limits)[0]?.message ?? '')?.[1]);
    const paged = 'query ($n: Int) { experiments(first: $n) { edges { node { id } } } }';
    expect(cost(paged, { n: 10 })).toBe(1 + 10 * 3);
    expect(cost(paged, { n: 100_000 })).toBe(1 + MAX_PAGE_SIZE * 3);
    expect(cost(paged, {})).toBe(1 + 50 * 3);
    expect(cost(paged, null)).toBe(1 + 50 * 3);
    expect(cost('query ($n: Int = 7) { experiments(first: $n) { edges { node { id } } } }', {})).toBe(1 + 7 * 3);
    // In a fragment, and only the operation the request runs.
    const two = 'query A($n: Int) { experiments(first: $n) { ...E } } query B { serviceInfo { version } } fragment E on ExperimentConnection { edges { node { id } } }';
    expect(cost(two, { n: 4 }, 'A')).toBe(1 + 4 * 3);
    expect(variableCostErrors(schema, parse(two), 'B', { n: 4 }, limits).map((e) => e.message)).toEqual(['operation "B" has a cost of 2, more than the limit of 1']);
    // Under the limit: no error; over it: the message, the code and HTTP 400.
    expect(variableCostErrors(schema, parse(paged), undefined, { n: 33 }, { ...LIMITS, maxCost: 100 })).toEqual([]);
    const [over] = variableCostErrors(schema, parse(paged), undefined, { n: 34 }, { ...LIMITS, maxCost: 100 });
    expect(over?.message).toBe('the operation has a cost of 103, more than the limit of 100');
    expect(over?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } });
  });

  it('measures a chain of fragments that doubles at every step without exponential work, and refuses it', () => {
    const steps = 40;
    const fragments = Array.from({ length: steps }, (_, i) => `fragment F${i} on ServiceInfo { ${i === steps - 1 ? 'version' : `...F${i + 1} ...F${i + 1}`} }`);
    const query = `{ serviceInfo { ...F0 } } ${fragments.join(' ')}`;
    const started = Date.now();
    const errors = errorsOf(query, { maxCost: 1_000_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors.some((e) => e.includes('cost of'))).toBe(true);
  });

  it('refuses recursive fragments (graphql-js) without looping', () => {
    const errors = errorsOf(`{ serviceInfo { ...A } } fragment A on ServiceInfo { version ...B } fragment B on ServiceInfo { ...A }`);
    expect(errors.some((e) => /Cannot spread fragment "A" within itself/.test(e))).toBe(true);
  });

  it('does not count introspection fields towards depth or cost, and refuses introspection when it is off', () => {
    const introspection = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }';
    expect(errorsOf(introspection)).toEqual([]);
    expect(errorsOf(introspection, { introspection: false })[0]).toMatch(/introspection/i);
    expect(errorsOf('{ __typename serviceInfo { version } }', { introspection: false })).toEqual([]);
  });

  it('stops parsing a document past the token limit', () => {
    // `{ serviceInfo { version } }` is 6 tokens.
    expect(() => parse('{ serviceInfo { version } }', { maxTokens: 6 })).not.toThrow();
    expect(() => parse('{ serviceInfo { version } }', { maxTokens: 5 })).toThrow(/more that 5 tokens/);
  });

  it('prices bounded lists without `first` at the bound the service enforces, exactly', () => {
    const cost = (query: string, limits: Partial<OperationLimits> = {}) => Number(/cost of (\d+)/.exec(errorsOf(query, { maxCost: 1, maxDepth: 10, ...limits }).join(' '))?.[1]);
    // stage 1 + failures (1 + 100 x error 1)
    expect(cost('{ stage(id: "1") { failures { error } } }')).toBe(1 + 1 + 100);
    expect(cost('{ stage(id: "1") { failures { itemKey error attempts } } }')).toBe(1 + 1 + 100 * 3);
    // Stage.log: `last` (default 100, at most 1000), a variable at the cap.
    expect(cost('{ stage(id: "1") { log { line } } }')).toBe(1 + 1 + 100);
    expect(cost('{ stage(id: "1") { log(last: 5) { line } } }')).toBe(1 + 1 + 5);
    expect(cost('{ stage(id: "1") { log(last: 5000) { line } } }')).toBe(1 + 1 + 1000);
    expect(cost('query ($n: Int) { stage(id: "1") { log(last: $n) { id line } } }')).toBe(1 + 1 + 1000 * 2);
    // Evaluation item samples: at most 64 per order.
    // evaluation 1 + items 1 + edges 1 + node 1 + chosenFirst 1 + samples (1 + 64 x verdict 1)
    expect(cost('{ evaluation(id: "1") { items(first: 1) { edges { node { chosenFirst { samples { verdict } } } } } } }')).toBe(5 + 1 + 64);
    // The configured endpoints and trainers.
    const configured = { listSizes: listSizes({ endpoints: 3, trainers: 2 }) };
    expect(cost('{ serverConfiguration { endpoints { name } trainers { name type } } }', configured)).toBe(1 + (1 + 3) + (1 + 2 * 2));
    // A list nothing bounds yet keeps DEFAULT_LIST_SIZE.
    expect(cost('{ benchmarks { id name } }')).toBe(1 + DEFAULT_LIST_SIZE * 2);
  });

  it('classifies every list of objects without `first`: bounded, configured or knowingly unbounded', () => {
    const found: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || type.name.endsWith('Connection') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        if (!isListType(getNullableType(field.type)) || !(isObjectType(named) || isInterfaceType(named)) || field.args.some((a) => a.name === 'first')) continue;
        found.push(`${type.name}.${field.name}`);
      }
    }
    const classified = [...Object.keys(LIST_SIZES), 'ServerConfiguration.endpoints', 'ServerConfiguration.trainers', 'ServerConfiguration.prices', ...UNBOUNDED_LISTS];
    expect(found.sort()).toEqual(classified.sort());
  });
});
