// ESLint flat config (eslint 10, typescript-eslint 8). `npm run lint` = `eslint .`
//
// - typescript-eslint `recommended`, plus three type-aware rules that catch lost or misused
//   promises (type information comes from tsconfig.json through `projectService`);
// - eslint's own recommended rules (listed below: `@eslint/js` is not a dependency);
// - layering between src/resolvers (GraphQL), src/services (domain) and src/db (storage),
//   with `no-restricted-imports`.
import { defineConfig } from 'eslint/config';
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

/** Builds a `no-restricted-imports` rule entry for one layer. */
const restrictImports = (message, { paths = [], patterns = [] }) => [
  'error',
  {
    paths: paths.map((name) => ({ name, message })),
    patterns: patterns.length > 0 ? [{ group: patterns, message }] : [],
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

  // ----- The dashboard (dashboard/): plain ES modules run by the browser -----------------------
  {
    files: ['dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      // The browser globals the dashboard uses (no `globals` package: listed by hand).
      globals: Object.fromEntries(
        ['document', 'window', 'location', 'localStorage', 'fetch', 'URL', 'WebSocket', 'Node', 'CustomEvent', 'setTimeout', 'clearTimeout']
          .map((name) => [name, 'readonly']),
      ),
    },
  },

  // ----- Layering ----------------------------------------------------------------------------------
  // GraphQL (resolvers) -> services -> db. Each layer reaches down only through the one below.
  // (Dynamic `import()` is not covered by no-restricted-imports.)
  {
    files: ['src/resolvers/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        'Resolvers must not touch the database layer: go through a service in src/services.',
        { patterns: ['**/db/**'] },
      ),
    },
  },
  {
    files: ['src/services/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        'Services are transport-agnostic: no GraphQL/Apollo/graphql-ws or resolver imports here.',
        {
          paths: ['graphql', 'graphql-ws'],
          patterns: ['graphql/*', 'graphql-ws/*', '@apollo/*', '@graphql-tools/*', '**/resolvers/**'],
        },
      ),
    },
  },
  {
    files: ['src/db/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        'The db layer is the bottom layer: it must not import services or resolvers.',
        { patterns: ['**/services/**', '**/resolvers/**'] },
      ),
    },
  },
);
