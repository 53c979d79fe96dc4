/**
 * One input check at the GraphQL boundary, for every argument of every field, before its resolver
 * (or subscription source) runs, on both transports. A value that fails is a BAD_USER_INPUT naming
 * the argument path (`config.categories.2`), so no service ever sees:
 *
 * - a string with a NUL character (PostgreSQL refuses them in text: it was a 500) or an unpaired
 *   UTF-16 surrogate (it was stored silently as U+FFFD);
 * - a string longer than the cap of its kind (`STRING_CAPS`, by argument name; `DEFAULT_STRING_CAP`
 *   otherwise). File contents are capped by the HTTP body limit and checked line by line by their
 *   importer, which names the line, so `content` is left to it;
 * - JSON nested deeper than `JSON_MAX_DEPTH` or with more than `JSON_MAX_NODES` values (it was a
 *   stack overflow), with its strings and keys checked as above;
 * - a fractional number where a count is meant (`WHOLE_NUMBERS`).
 */
import { defaultFieldResolver, isObjectType } from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { badInput } from '../domain/errors.js';

/** Caps in UTF-16 code units by argument (or input field) name. */
export const STRING_CAPS: Readonly<Record<string, number>> = {
  name: 200,
  model: 256,
  generatorModel: 256,
  judgeModel: 256,
  baseModel: 256,
  categories: 100,
  keepCategories: 100,
  subset: 200,
  subsets: 200,
  source: 200,
  after: 200,
  system: 20_000,
  user: 20_000,
  verdictA: 500,
  verdictB: 500,
  verdictTie: 500,
};
export const DEFAULT_STRING_CAP = 1_000;
/** Arguments whose text is checked by their own parser (with line numbers) and capped by the body limit. */
const FILE_CONTENTS = new Set(['content']);
export const JSON_MAX_DEPTH = 32;
export const JSON_MAX_NODES = 10_000;
/**
 * Arguments that name an entry of a built-in table: only such names pass (`__proto__` would
 * otherwise find the table's prototype).
 */
const TABLE_KEYS: Readonly<Record<string, RegExp>> = {
  'importBundledInstructions.name': /^[a-z0-9][a-z0-9-]*$/,
  'importBundledBenchmark.name': /^[a-z0-9][a-z0-9-]*$/,
};
/** Numbers that count something (tokens): a fraction is a mistake. */
const WHOLE_NUMBERS = new Set(['tokenBudget']);

// A lone high surrogate (not followed by a low one) or a lone low one (not preceded by a high one).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Wraps the resolver of every field that takes arguments (a subscription's `subscribe`) with their check. */
export function guardInputs(schema: GraphQLSchema): GraphQLSchema {
  const subscription = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      if (type === subscription) field.subscribe = checked(field.subscribe);
      else field.resolve = checked(field.resolve);
    }
  }
  return schema;
}

function checked(inner: GraphQLFieldResolver<unknown, unknown> | undefined): GraphQLFieldResolver<unknown, unknown> {
  return (source, args: Record<string, unknown>, context, info) => {
    for (const [name, value] of Object.entries(args)) {
      const keyPattern = TABLE_KEYS[`${info.fieldName}.${name}`];
      if (keyPattern && typeof value === 'string' && !keyPattern.test(value)) throw badInput(name, `"${value.slice(0, 50)}" is not the name of a bundled set (lower-case letters, digits and dashes)`);
      checkValue(value, name, name, JSON_FIELDS.has(name) ? { json: true, depth: 0, nodes: { n: 0 } } : { json: false });
    }
    return (inner ?? defaultFieldResolver)(source, args, context, info);
  };
}

/** Names of JSON-typed input fields (scalar JSON in schema.graphql): free-form below their name. */
const JSON_FIELDS = new Set(['hyperparameters']);

/** Where a value sits: inside a JSON value (one node count for all of it) or a typed input. */
type Walk = { json: false } | { json: true; depth: number; nodes: { n: number } };

/** Checks `value` found at `path`; `key` is the name that chooses its cap (a list's items share their list's). */
function checkValue(value: unknown, path: string, key: string, walk: Walk): void {
  if (typeof value === 'string') return checkString(value, path, walk.json ? '' : key, walk.json);
  if (typeof value === 'number') {
    if (!walk.json && WHOLE_NUMBERS.has(key) && !Number.isInteger(value)) throw badInput(path, `must be a whole number, got ${value}`);
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  if (walk.json) {
    if (walk.depth > JSON_MAX_DEPTH) throw badInput(path, `is nested more than ${JSON_MAX_DEPTH} levels deep`);
    if (++walk.nodes.n > JSON_MAX_NODES) throw badInput(path, `has more than ${JSON_MAX_NODES} values`);
  }
  const inner = (k: string): Walk => (walk.json ? { ...walk, depth: walk.depth + 1 } : JSON_FIELDS.has(k) ? { json: true, depth: 0, nodes: { n: 0 } } : walk);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkValue(item, `${path}.${i}`, key, walk.json ? inner('') : walk));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}.${k.slice(0, 50)}`;
    if (walk.json) checkString(k, at, '', true);
    checkValue(v, at, k, inner(k));
  }
}

function checkString(value: string, path: string, key: string, json: boolean): void {
  if (FILE_CONTENTS.has(key) && !json) return;
  const cap = json ? DEFAULT_STRING_CAP : (STRING_CAPS[key] ?? DEFAULT_STRING_CAP);
  if (value.length > cap) throw badInput(path, `must be at most ${cap} characters, got ${value.length}`);
  const nul = value.indexOf('\u0000');
  if (nul >= 0) throw badInput(path, `contains a NUL character (at position ${nul})`);
  if (LONE_SURROGATE.test(value)) throw badInput(path, 'contains an unpaired UTF-16 surrogate (not valid Unicode text)');
}
