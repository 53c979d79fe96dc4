// ESLint flat config (eslint 10, typescript-eslint 8). `npm run lint` = `eslint .`
//
// - typescript-eslint `recommended`, plus three type-aware rules that catch lost or misused
//   promises (type information comes from tsconfig.json through `projectService`);
// - eslint's own recommended rules (listed below: `@eslint/js` is not a dependency);
// - the layering of ARCHITECTURE.md with `no-restricted-imports`, and no import cycles in src
//   (`import-x/no-cycle`).
import { defineConfig } from 'eslint/config';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const TEST_FILES = ['test/**/*.ts', '**/*.test.ts', '**/*.spec.ts'];

/**
 * eslint's `recommended` rule set (what `@eslint/js` configs.recommended holds): the rules
 * of eslint 10.15 whose meta.docs.recommended is true. The ones TypeScript already checks are
 * turned off again for .ts files by typescript-eslint's `eslintRecommended`, which
 * `tseslint.configs.recommended` includes after this.
 */
const eslintRecommended = Object.fromEntries(
  [
    'constructor-super', 'for-direction', 'getter-return', 'no-async-promise-executor',
    'no-case-declarations', 'no-class-assign', 'no-compare-neg-zero', 'no-cond-assign',
    'no-const-assign', 'no-constant-binary-expression', 'no-constant-condition',
    'no-control-regex', 'no-debugger', 'no-delete-var', 'no-dupe-args', 'no-dupe-class-members',
    'no-dupe-else-if', 'no-dupe-keys', 'no-duplicate-case', 'no-empty', 'no-empty-character-class',
    'no-empty-pattern', 'no-empty-static-block', 'no-ex-assign', 'no-extra-boolean-cast',
    'no-fallthrough', 'no-func-assign', 'no-global-assign', 'no-import-assign',
    'no-invalid-regexp', 'no-irregular-whitespace', 'no-loss-of-precision',
    'no-misleading-character-class', 'no-new-native-nonconstructor', 'no-nonoctal-decimal-escape',
    'no-obj-calls', 'no-octal', 'no-prototype-builtins', 'no-redeclare', 'no-regex-spaces',
    'no-self-assign', 'no-setter-return', 'no-shadow-restricted-names', 'no-sparse-arrays',
    'no-this-before-super', 'no-unassigned-vars', 'no-undef', 'no-unexpected-multiline',
    'no-unreachable', 'no-unsafe-finally', 'no-unsafe-negation', 'no-unsafe-optional-chaining',
    'no-unused-labels', 'no-unused-private-class-members', 'no-unused-vars',
    'no-useless-assignment', 'no-useless-backreference', 'no-useless-catch', 'no-useless-escape',
    'no-with', 'preserve-caught-error', 'require-yield', 'use-isnan', 'valid-typeof',
  ].map((rule) => [rule, 'error']),
);

const OPENAI_MESSAGE = 'Only src/llm talks to model endpoints: import the llm client (src/llm/index.ts), not openai.';

/**
 * Builds a `no-restricted-imports` rule entry for one layer. (A file gets one such entry, the last
 * that matches it, so each also carries the rule every layer but src/llm shares: no `openai`.)
 */
const restrictImports = (message, { paths = [], patterns = [] }, { openai = true } = {}) => [
  'error',
  {
    paths: [...paths.map((name) => ({ name, message })), ...(openai ? [{ name: 'openai', message: OPENAI_MESSAGE }] : [])],
    patterns: [...(patterns.length > 0 ? [{ group: patterns, message }] : []), ...(openai ? [{ group: ['openai/*'], message: OPENAI_MESSAGE }] : [])],
  },
];

export default defineConfig(
  {
    // Generated, vendored or data folders. (node_modules is ignored by default; listed anyway.)
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'coverage/**',
      '.data/**',
      'bench/.promptfoo/**',
      'migrations/**',
      'test-artifacts/**',
      // Deliberate violations, linted only by test/unit/layering.test.ts (with ignores off).
      'test/fixtures/lint/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: eslintRecommended,
  },
  tseslint.configs.recommended,

  // ----- TypeScript: type information for the async rules ---------------------------------
  {
    files: TS_FILES,
    languageOptions: {
      parserOptions: {
        // One TypeScript program for the whole repo, from tsconfig.json (its `include` decides
        // which .ts files are part of it).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Passing an async function where a void callback is expected (event handlers,
      // `setTimeout`, `app.get(path, async (req, res) => ...)`) is the usual Node idiom here, so
      // arguments are not checked; conditions, spreads and other void returns still are.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],

      // `_`-prefixed names mark parameters/bindings kept on purpose (interface-shaped
      // callbacks, positional args, destructuring to drop a key, `catch (_err)`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // ----- Tests ---------------------------------------------------------------------------------
  {
    files: TEST_FILES,
    rules: {
      // Tests assert on shapes they just built; `rows[0]!.id` is clearer than a guard there.
      // (Off in `recommended` anyway, which src relies on with `noUncheckedIndexedAccess`:
      // stated here so that a stricter preset added later keeps it allowed in tests.)
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },

  // ----- Plain JavaScript (this file, scripts): no type information ----------------------------
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Node scripts: the build and start launchers, the `ste` shim.
    files: ['scripts/**/*.mjs', 'bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', Atomics: 'readonly', SharedArrayBuffer: 'readonly', Int32Array: 'readonly' } },
  },
  {
    // CommonJS scripts: the graphql-codegen plugin that codegen's CommonJS build `require`s.
    files: ['scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // ----- The dashboard (dashboard/): plain ES modules run by the browser -----------------------
  {
    files: ['dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      // The browser globals the dashboard uses (no `globals` package: listed by hand).
      globals: Object.fromEntries(
        ['document', 'window', 'location', 'localStorage', 'fetch', 'URL', 'URLSearchParams', 'WebSocket', 'Node', 'CustomEvent', 'setTimeout', 'clearTimeout']
          .map((name) => [name, 'readonly']),
      ),
    },
  },

  // ----- Layering (ARCHITECTURE.md) --------------------------------------------------------------
  // resolvers -> services -> db, with domain/ and config/ as leaves everyone may use. Each rule
  // names what the layer may not reach; `import-x/no-cycle` forbids cycles anywhere in src.
  // (Dynamic `import()` is not covered by no-restricted-imports.)
  {
    files: ['src/**/*.ts'],
    ignores: ['src/llm/**'],
    rules: {
      'no-restricted-imports': restrictImports(OPENAI_MESSAGE, {}),
    },
  },
  {
    files: ['src/**/*.ts', 'test/fixtures/lint/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Sources import './x.js' for './x.ts' (NodeNext); the cycle check must follow those into .ts files and parse them.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': restrictImports('src/domain is the shared vocabulary: pure, it imports nothing else of the service.', {
        patterns: ['../*', 'drizzle-orm', 'drizzle-orm/*', 'pg', 'graphql', 'graphql/*'],
      }),
    },
  },
  {
    files: ['src/config/**'],
    rules: {
      'no-restricted-imports': restrictImports('src/config is a leaf: it reads and validates the environment and imports no other part of the service.', {
        patterns: ['../*'],
      }),
    },
  },
  {
    files: ['src/sim/**'],
    rules: {
      'no-restricted-imports': restrictImports('The simulator stands alone behind HTTP: it may read src/domain (the prompt contract) and src/config, nothing else of the service.', {
        patterns: ['**/services/**', '**/db/**', '**/http/**', '**/resolvers/**', '**/queue/**', '**/events/**', '**/llm/**', '**/cli/**'],
      }),
    },
  },
  {
    files: ['src/http/**'],
    rules: {
      'no-restricted-imports': restrictImports('The HTTP layer reaches data only through services (app-services.ts), never src/db or the queue.', {
        patterns: ['**/db/**', '**/queue/**'],
      }),
    },
  },
  {
    files: ['src/resolvers/**'],
    rules: {
      'no-restricted-imports': restrictImports('Resolvers must not touch the database layer: go through a service in src/services.', {
        patterns: ['**/db/**', '**/queue/**'],
      }),
    },
  },
  {
    files: ['src/services/**'],
    rules: {
      'no-restricted-imports': restrictImports('Services are transport-agnostic: no GraphQL/Apollo/graphql-ws, resolver or HTTP imports here.', {
        paths: ['graphql', 'graphql-ws'],
        patterns: ['graphql/*', 'graphql-ws/*', '@apollo/*', '@graphql-tools/*', '**/resolvers/**', '**/http/**'],
      }),
    },
  },
  {
    files: ['src/db/**'],
    rules: {
      'no-restricted-imports': restrictImports('The db layer is the bottom layer: it may use src/domain and src/config, never services, resolvers or HTTP.', {
        patterns: ['**/services/**', '**/resolvers/**', '**/http/**'],
      }),
    },
  },
);
