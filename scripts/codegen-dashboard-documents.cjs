/**
 * A graphql-codegen plugin (codegen.ts, `npm run codegen`) that writes dashboard/js/operations.generated.js:
 * plain JavaScript the browser loads as it is, exporting each operation of dashboard/operations/*.graphql
 * as `<Name>Document`, its full text (the operation and every fragment it spreads, in the order they
 * are first used) as a string. Each constant is cast with JSDoc to `Document<Result, Variables>`, the
 * result and variables types that typescript-operations writes to the file named by the `typesPath`
 * option; dashboard/js/api.js (gql) and ws.js (subscribe) take a Document, so the views that read a
 * result are type-checked against the fields their operation selects (tsconfig.dashboard.json).
 *
 * CommonJS: codegen's loader `require`s local plugins in its CommonJS build and `import`s them in
 * its ESM one, and a .cjs file answers both.
 *
 * Options: `typesPath` (required), the module the JSDoc imports types from, relative to the output.
 * Fails (stopping codegen) on an anonymous operation or an operation name used twice: every
 * document the dashboard sends has a name of its own.
 */
'use strict';

const { Kind, print, visit } = require('graphql');

/** A JavaScript literal of the text: a template literal (readable, multi-line) when nothing in it needs escaping. */
const literal = (text) => (/[`\\]|\$\{/.test(text) ? JSON.stringify(text) : `\`\n${text}\n\``);

const KIND_SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

/** The fragments an operation spreads, directly or through other fragments, in first-use order. */
function fragmentsOf(definition, fragments) {
  const used = [];
  const walk = (node) => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.includes(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`dashboard operations: fragment ${name} is not defined`);
        used.push(name);
        walk(fragment);
      },
    });
  };
  walk(definition);
  return used.map((name) => fragments.get(name));
}

module.exports = {
  plugin(_schema, documents, config) {
    const typesPath = config.typesPath;
    const definitions = documents.flatMap((source) => source.document?.definitions ?? []);
    const fragments = new Map(definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    const operations = definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const names = new Set();
    const blocks = operations.map((operation) => {
      const name = operation.name?.value;
      if (!name) throw new Error(`dashboard operations: every operation needs a name (an anonymous ${operation.operation} found)`);
      if (names.has(name)) throw new Error(`dashboard operations: the name ${name} is used twice`);
      names.add(name);
      const text = [operation, ...fragmentsOf(operation, fragments)].map((d) => print(d)).join('\n\n');
      const type = `${name}${KIND_SUFFIX[operation.operation]}`;
      return [
        `/** The ${operation.operation} ${name}. */`,
        `export const ${name}Document = /** @type {Document<import('${typesPath}').${type}, import('${typesPath}').${type}Variables>} */ (${literal(text)});`,
      ].join('\n');
    });
    return [
      '// Generated from dashboard/operations/*.graphql by graphql-codegen (codegen.ts, scripts/codegen-dashboard-documents.cjs): do not edit, run `npm run codegen`.',
      '',
      '/**',
      ' * The text of an operation, typed with its result and variables (phantom properties: only the type checker sees them).',
      ' * @template TResult, TVariables',
      ' * @typedef {string & { readonly __result: TResult, readonly __variables: TVariables }} Document',
      ' */',
      '',
      blocks.join('\n\n'),
      '',
    ].join('\n');
  },
  validate(_schema, _documents, config, outputFile) {
    if (!outputFile.endsWith('.js')) throw new Error(`codegen-dashboard-documents writes JavaScript: ${outputFile} does not end in .js`);
    if (typeof config.typesPath !== 'string') throw new Error('codegen-dashboard-documents needs the typesPath option');
  },
};
