/**
 * graphql-codegen: TypeScript types of schema.graphql for the CLI and the tests
 * (generated/graphql-types.ts, outside src/: a generated file is as long as the schema), so that a schema change breaks the build instead of drifting.
 * `npm run codegen` writes them; test/unit/codegen.test.ts fails when they are stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

export const GENERATED_SCHEMA_TYPES = 'generated/graphql-types.ts';
/** The CLI's operations (src/cli/operations/*.graphql), each a typed document: see src/cli/client.ts. */
export const GENERATED_CLI_OPERATIONS = 'generated/cli-operations.ts';

/**
 * The dashboard's operations (dashboard/operations/*.graphql): their result and variables types
 * (typescript-operations), and dashboard/js/operations.generated.js, each operation's text as a
 * constant typed with them by JSDoc (scripts/codegen-dashboard-documents.cjs), which the views pass
 * to gql() and subscribe(); tsconfig.dashboard.json checks the views against them.
 */
export const DASHBOARD_OPERATION_TYPES = 'generated/dashboard-operations.ts';
export const DASHBOARD_DOCUMENTS = 'dashboard/js/operations.generated.js';
const DASHBOARD_OPERATIONS = 'dashboard/operations/*.graphql';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    [GENERATED_SCHEMA_TYPES]: {
      plugins: [{ add: { content: '// Generated from schema.graphql by graphql-codegen (codegen.ts): do not edit, run `npm run codegen`.' } }, 'typescript'],
      config: {
        // DateTime is an ISO-8601 string in UTC on the wire, JSON any JSON value.
        scalars: { DateTime: { input: 'string', output: 'string' }, JSON: { input: 'unknown', output: 'unknown' } },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
    [DASHBOARD_OPERATION_TYPES]: {
      documents: DASHBOARD_OPERATIONS,
      plugins: [{ add: { content: '// Generated from dashboard/operations/*.graphql by graphql-codegen (codegen.ts): do not edit, run `npm run codegen`.' } }, 'typescript-operations'],
      config: {
        scalars: { DateTime: { input: 'string', output: 'string' }, JSON: { input: 'unknown', output: 'unknown' } },
        // typescript-operations 6 has no enumsAsTypes: its enums are string-literal unions by default, said here.
        enumType: 'string-literal',
        useTypeImports: true,
      },
    },
    [DASHBOARD_DOCUMENTS]: {
      documents: DASHBOARD_OPERATIONS,
      plugins: ['scripts/codegen-dashboard-documents.cjs'],
      config: { typesPath: '../../generated/dashboard-operations.js' },
    },
    // The CLI's operations, validated against schema.graphql (an operation selecting a removed
    // field fails `npm run codegen`), each exported as `XxxDocument` with its result and variable types.
    [GENERATED_CLI_OPERATIONS]: {
      documents: 'src/cli/operations/*.graphql',
      plugins: [
        {
          add: {
            content: [
              '// Generated from src/cli/operations/*.graphql by graphql-codegen (codegen.ts): do not edit, run `npm run codegen`.',
              '/* eslint-disable @typescript-eslint/no-explicit-any -- typed-document-node\'s TypedDocumentString class */',
            ],
          },
        },
        'typescript-operations',
        'typed-document-node',
      ],
      config: {
        // The same scalars as the schema types.
        scalars: { DateTime: { input: 'string', output: 'string' }, JSON: { input: 'unknown', output: 'unknown' } },
        // Enums and input types come from the schema types file, not a second copy of them.
        importSchemaTypesFrom: GENERATED_SCHEMA_TYPES,
        importExtension: '.js',
        namespacedImportName: 'Types',
        useTypeImports: true,
        skipTypename: true,
        // Each `XxxDocument` is a TypedDocumentString: the query text with its fragments, no parse at run time.
        documentMode: 'string',
      },
    },
  },
};

export default config;
