/**
 * graphql-ws's `subscribe` for this API: graphql-js's subscribe (source stream, then the selection
 * executed on each event), plus batched events rendered once for everybody.
 *
 * A subscription resolver may yield an EventBatch: several values of its field at once, in order.
 * Each value is executed against the subscription's selection once per distinct selection, by
 * whichever subscriber reaches it first, and the JSON of that result is kept beside the value (the
 * live service hands every subscriber at the same place the same row objects). The transport gets
 * a RenderedBatch: the payload bytes of one `next` message per value. With 500 dashboards watching
 * one iteration, a judgment is executed and serialised once, not 500 times.
 *
 * Sharing a result between subscribers is sound because a subscription field's value is its event
 * (no subscription field has a resolver of its own: `assertSharable` checks it at start) and the
 * data does not depend on who asks (access is decided per operation, before anything runs). The
 * selection key therefore holds the root field's response key, directives and sub-selection, the
 * fragments and the values of the variables used there: not the root field's arguments.
 */
import { Kind, createSourceEventStream, execute, getOperationAST, print, visit } from 'graphql';
import type { ExecutionArgs, ExecutionResult, FieldNode, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { EventBatch } from '../resolvers/subscriptions.js';

/** The `next` payloads of an EventBatch, as JSON bytes, one per value in order. */
export class RenderedBatch {
  constructor(readonly payloads: readonly Buffer[]) {}
}

export type SharedSubscribeOptions = {
  /**
   * A fresh GraphQL context (loaders) for each event, and one per rendered batch, so that nested
   * loads batch across its values: never the subscription's own, whose loaders would serve what
   * they read when it started.
   */
  context: () => unknown;
  formatError: (error: GraphQLError) => GraphQLFormattedError;
};

type Stream = AsyncIterableIterator<ExecutionResult | RenderedBatch>;

export function sharedSubscribe(o: SharedSubscribeOptions): (args: ExecutionArgs) => Promise<Stream | ExecutionResult> {
  // Two levels, both dropped with what they are keyed by: a batch's values array (subscribers at
  // the same place get the very same array) -> selection key -> the rendered batch; and each value
  // -> selection key -> its payload, for batches that differ but share values.
  const batches = new WeakMap<readonly unknown[], Map<string, Promise<RenderedBatch>>>();
  const values = new WeakMap<object, Map<string, Promise<Buffer>>>();

  const renderValue = async (args: ExecutionArgs, field: string, value: unknown, contextValue: unknown): Promise<Buffer> => {
    const result = await execute({ ...args, contextValue, rootValue: { [field]: value } });
    const payload = result.errors ? { ...result, errors: result.errors.map(o.formatError) } : result;
    return Buffer.from(JSON.stringify(payload));
  };
  const renderBatch = async (args: ExecutionArgs, key: string, event: EventBatch): Promise<RenderedBatch> => {
    const contextValue = o.context();
    const payloads = event.values.map((value) => {
      if (typeof value !== 'object' || value === null) return renderValue(args, event.field, value, contextValue);
      return lookup(values, value, key) ?? remember(values, value, key, renderValue(args, event.field, value, contextValue));
    });
    return new RenderedBatch(await Promise.all(payloads));
  };

  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterator(source)) return source as ExecutionResult;
    const key = selectionKey(args);
    const map = (event: unknown): Promise<ExecutionResult | RenderedBatch> | ExecutionResult => {
      // A fresh context per event: loaders cache what they load, and a subscription lives for hours.
      if (!(event instanceof EventBatch)) return execute({ ...args, contextValue: o.context(), rootValue: event });
      return lookup(batches, event.values, key) ?? remember(batches, event.values, key, renderBatch(args, key, event));
    };
    const stream: Stream = {
      async next() {
        const step = await source.next();
        if (step.done) return { done: true, value: undefined };
        try {
          return { done: false, value: await map(step.value) };
        } catch (error) {
          await source.return?.();
          throw error;
        }
      },
      async return() {
        await source.return?.();
        return { done: true, value: undefined };
      },
      async throw(error: unknown) {
        await source.return?.();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  };
}

function lookup<O extends object, T>(cache: WeakMap<O, Map<string, Promise<T>>>, owner: O, key: string): Promise<T> | undefined {
  return cache.get(owner)?.get(key);
}

/** Keeps `value` for (owner, key) unless it fails: a failure is not kept, so the next caller tries again. */
function remember<O extends object, T>(cache: WeakMap<O, Map<string, Promise<T>>>, owner: O, key: string, value: Promise<T>): Promise<T> {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  const entries = byKey;
  entries.set(key, value);
  value.catch(() => entries.delete(key));
  return value;
}

/** Throws when a subscription field has a resolver of its own (its results could not be shared). */
export function assertSharable(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    if (field.resolve) throw new Error(`subscription field ${field.name} has a resolver: shared rendering (src/http/subscribe.ts) needs its value to be the event`);
  }
}

/** What a subscription's result depends on besides its event: see the module comment. */
export function selectionKey(args: ExecutionArgs): string {
  const operation = getOperationAST(args.document, args.operationName);
  const root = operation?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  if (!operation || !root) return print(args.document) + JSON.stringify(args.variableValues ?? {});
  const fragments = args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const used = new Set<string>();
  const collect = { Variable: (node: { name: { value: string } }) => void used.add(node.name.value) };
  for (const node of [...(root.directives ?? []), ...(root.selectionSet ? [root.selectionSet] : []), ...fragments]) visit(node, collect);
  const variables = Object.fromEntries([...used].sort().map((name) => [name, args.variableValues?.[name] ?? null]));
  return JSON.stringify([
    (root.alias ?? root.name).value,
    (root.directives ?? []).map((d) => print(d)),
    root.selectionSet ? print(root.selectionSet) : '',
    fragments.map((f) => print(f)),
    variables,
  ]);
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterator<unknown>).next === 'function';
}
