import { readdir, readFile } from 'node:fs/promises';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DOCUMENTS } from '../../codegen.js';

/**
 * Every operation the dashboard sends is a named document of dashboard/operations/*.graphql, validated
 * and typed by graphql-codegen (dashboard/js/operations.generated.js): a view that passed gql() or
 * subscribe() a string of its own would be checked by nothing. This reads each view's syntax tree.
 */
const DASHBOARD = 'dashboard/js';
const GENERATED = 'operations.generated.js';

/** The calls of `gql(...)` and `x.subscribe(...)` whose first argument is not a document imported from operations.generated.js, as "file:line text". */
function strayOperations(file: string, code: string): string[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const documents = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== `./${GENERATED}`) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) documents.add(element.name.text);
  }
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const sends = (ts.isIdentifier(callee) && callee.text === 'gql') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'subscribe');
      const first = node.arguments[0];
      if (sends && !(first && ts.isIdentifier(first) && documents.has(first.text))) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${file}:${line + 1} ${node.getText().slice(0, 60)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the dashboard operations', () => {
  it('are all documents of operations.generated.js: no view sends a query string of its own', async () => {
    const files = (await readdir(DASHBOARD)).filter((f) => f.endsWith('.js') && f !== GENERATED);
    expect(files).toContain('experiment-view.js');
    const stray = (await Promise.all(files.map(async (f) => strayOperations(f, await readFile(`${DASHBOARD}/${f}`, 'utf8'))))).flat();
    expect(stray).toEqual([]);
  });

  it('finds a string, a template, a spliced constant or a document from elsewhere passed to gql() or subscribe()', () => {
    const code = [
      "import { gql } from './api.js';",
      "import { live } from './ws.js';",
      "import { PairDocument } from './operations.generated.js';",
      "import { Other } from './elsewhere.js';",
      'const FIELDS = "id";',
      'const QUERY = `query ($id: ID!) { pair(id: $id) { ${FIELDS} } }`;',
      'await gql(PairDocument, { id: 1 });',
      "await gql('{ serviceInfo { version } }');",
      'await gql(`query { pair(id: 1) { ${FIELDS} } }`);',
      'await gql(QUERY, { id: 1 });',
      'await gql(Other);',
      "live.subscribe('subscription { stageUpdated(experimentId: 1) { id } }', () => ({}), { next() {} });",
      'live.subscribe(PairDocument, () => ({}), { next() {} });',
    ].join('\n');
    expect(strayOperations('fixture.js', code)).toEqual([
      "fixture.js:8 gql('{ serviceInfo { version } }')",
      'fixture.js:9 gql(`query { pair(id: 1) { ${FIELDS} } }`)',
      'fixture.js:10 gql(QUERY, { id: 1 })',
      'fixture.js:11 gql(Other)',
      "fixture.js:12 live.subscribe('subscription { stageUpdated(experimentId: 1)",
    ]);
  });

  it('are each sent by some view (an operation nobody sends is dead code)', async () => {
    const generated = await readFile(DASHBOARD_DOCUMENTS, 'utf8');
    const exported = [...generated.matchAll(/^export const (\w+Document) =/gm)].map((m) => m[1]!);
    expect(exported.length).toBeGreaterThan(20);
    const views = await Promise.all((await readdir(DASHBOARD)).filter((f) => f.endsWith('.js') && f !== GENERATED).map((f) => readFile(`${DASHBOARD}/${f}`, 'utf8')));
    const unused = exported.filter((name) => !views.some((code) => new RegExp(`\\b${name}\\b`).test(code)));
    expect(unused).toEqual([]);
  });
});
