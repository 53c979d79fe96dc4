import { GraphQLError, buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { RenderedBatch, assertSharable, selectionKey, sharedSubscribe } from '../../src/http/subscribe.js';
import { EventBatch } from '../../src/resolvers/subscriptions.js';

type Row = { id: number; text: string };

/** A schema whose subscription yields the same row objects to everybody, and counts how often a field runs. */
function setup(rows: Row[]) {
  const schema = buildSchema(`
    type Row { id: Int! text(upper: Boolean): String! broken: String! }
    type Query { ok: Boolean }
    type Subscription { rows(from: Int): Row! plain: Row! }
  `);
  const calls = { text: 0, contexts: new Set<unknown>() };
  const row = schema.getType('Row') as unknown as { getFields(): Record<string, { resolve?: unknown }> };
  row.getFields().text!.resolve = (r: Row, args: { upper?: boolean }, context: unknown) => {
    calls.text++;
    calls.contexts.add(context);
    return args.upper ? r.text.toUpperCase() : r.text;
  };
  row.getFields().broken!.resolve = () => {
    throw new Error('secret detail');
  };
  const subscription = schema.getSubscriptionType()!.getFields();
  subscription.rows!.subscribe = async function* () {
    yield new EventBatch('rows', rows.slice(0, 2));
    yield new EventBatch('rows', rows.slice(2));
  };
  subscription.plain!.subscribe = async function* () {
    yield { plain: rows[0] };
    yield { plain: rows[1] };
  };
  const subscribe = sharedSubscribe({ context: () => ({}), formatError: (e) => ({ message: e.message === 'secret detail' ? 'masked' : e.message }) });
  return { schema, calls, subscribe };
}

async function drain(stream: unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of stream as AsyncIterable<unknown>) {
    out.push(item instanceof RenderedBatch ? item.payloads.map((p) => JSON.parse(p.toString()) as unknown) : item);
  }
  return out;
}

describe('shared rendering of batched subscription events', () => {
  const rows: Row[] = [
    { id: 1, text: 'one' },
    { id: 2, text: 'two' },
    { id: 3, text: 'three' },
  ];

  it('executes each value once per distinct selection, whatever the root arguments, and keeps batches in order', async () => {
    const { schema, calls, subscribe } = setup(rows);
    const a = await subscribe({ schema, document: parse('subscription { rows(from: 1) { id text } }') });
    const b = await subscribe({ schema, document: parse('subscription S($f: Int) { rows(from: $f) { id text } }'), variableValues: { f: 7 } });
    const upper = await subscribe({ schema, document: parse('subscription ($u: Boolean) { rows { id text(upper: $u) } }'), variableValues: { u: true } });
    const [ra, rb, ru] = await Promise.all([drain(a), drain(b), drain(upper)]);
    const expected = [
      [{ data: { rows: { id: 1, text: 'one' } } }, { data: { rows: { id: 2, text: 'two' } } }],
      [{ data: { rows: { id: 3, text: 'three' } } }],
    ];
    expect(ra).toEqual(expected);
    expect(rb).toEqual(expected);
    expect(ru).toEqual([
      [{ data: { rows: { id: 1, text: 'ONE' } } }, { data: { rows: { id: 2, text: 'TWO' } } }],
      [{ data: { rows: { id: 3, text: 'THREE' } } }],
    ]);
    // Three rows x two distinct selections; one fresh context per rendered batch.
    expect(calls.text).toBe(6);
    expect(calls.contexts.size).toBe(4);
  });

  it('renders aliases and field errors per selection, errors formatted', async () => {
    const { schema, subscribe } = setup(rows);
    const aliased = await drain(await subscribe({ schema, document: parse('subscription { r: rows { id } }') }));
    expect(aliased[1]).toEqual([{ data: { r: { id: 3 } } }]);
    const failing = await drain(await subscribe({ schema, document: parse('subscription { rows { id broken } }') }));
    expect(failing[0]).toEqual([
      { data: null, errors: [{ message: 'masked' }] },
      { data: null, errors: [{ message: 'masked' }] },
    ]);
  });

  it('executes events that are not batches as graphql-js does, each with a fresh context (loaders never serve stale rows)', async () => {
    const { schema, calls, subscribe } = setup(rows);
    const own = { subscription: 'context' };
    expect(await drain(await subscribe({ schema, document: parse('subscription { plain { id text } }'), contextValue: own }))).toEqual([
      { data: { plain: { id: 1, text: 'one' } } },
      { data: { plain: { id: 2, text: 'two' } } },
    ]);
    expect(calls.contexts.size).toBe(2);
    expect(calls.contexts.has(own)).toBe(false);
  });

  it('returns errors of the source stream (bad arguments) as a result, not a stream', async () => {
    const { schema, subscribe } = setup(rows);
    const result = await subscribe({ schema, document: parse('subscription ($f: Int) { rows(from: $f) { id } }'), variableValues: { f: 'x' } });
    expect(result).toMatchObject({ errors: [expect.any(GraphQLError)] });
  });

  it('keys a selection by what shapes its result and by nothing else', () => {
    const schema = buildSchema('type Query { a: Int } type R { id: Int t(u: Boolean): String } type Subscription { rows(from: Int): R }');
    const key = (query: string, variableValues?: Record<string, unknown>) => selectionKey({ schema, document: parse(query), variableValues });
    expect(key('subscription { rows(from: 1) { id } }')).toBe(key('subscription X($f: Int) { rows(from: $f) { id } }', { f: 9 }));
    expect(key('subscription { rows { id } }')).not.toBe(key('subscription { x: rows { id } }'));
    expect(key('subscription { rows { id } }')).not.toBe(key('subscription { rows { id t } }'));
    expect(key('subscription ($u: Boolean) { rows { t(u: $u) } }', { u: true })).not.toBe(key('subscription ($u: Boolean) { rows { t(u: $u) } }', { u: false }));
    expect(key('subscription { rows { ...F } } fragment F on R { id }')).not.toBe(key('subscription { rows { ...F } } fragment F on R { t }'));
  });

  it('refuses a schema whose subscription field has a resolver of its own', () => {
    const schema = buildSchema('type Query { a: Int } type Subscription { n: Int }');
    expect(() => assertSharable(schema)).not.toThrow();
    schema.getSubscriptionType()!.getFields().n!.resolve = () => 1;
    expect(() => assertSharable(schema)).toThrow(/subscription field n has a resolver/);
  });
});
