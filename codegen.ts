/**
 * graphql-codegen: TypeScript types of schema.graphql for the CLI and the tests
 * (generated/graphql-types.ts, outside src/: a generated file is as long as the schema), so that a schema change breaks the build instead of drifting.
 * `npm run codegen` writes them; test/unit/codegen.test.ts fails when they are stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

export const GENERATED_SCHEMA_TYPES = 'generated/graphql-types.ts';

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
  },
};

export default config;
