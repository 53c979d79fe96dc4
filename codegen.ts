/**
 * graphql-codegen: TypeScript types of schema.graphql for the CLI and the tests
 * (generated/graphql-types.ts, outside src/: a generated file is as long as the schema), so that a schema change breaks the build instead of drifting.
 * `npm run codegen` writes them; test/unit/codegen.test.ts fails when they are stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

export const GENERATED_SCHEMA_TYPES = 'generated/graphql-types.ts';

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
  },
};

export default config;
