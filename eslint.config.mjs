// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Rules the code base meets; a new rule comes with the fixes it asks for. */
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'apps/ui/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Non-null assertions mark what a check just before guarantees; `any` stays refused.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Nest's injection tokens need the runtime imports of decorated constructors.
      '@typescript-eslint/no-require-imports': 'error',
      eqeqeq: ['error', 'always'],
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-control-regex': 'off',
    },
  },
  {
    // No SQL in controllers or the idempotency code: they go through queries, commands and lib functions.
    files: ['apps/**/*.controller.ts', 'apps/api/src/idempotency/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|mergeInto)$/]',
          message: 'No SQL here: use a query, a command or a lib function.',
        },
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'No SQL here: use a query, a command or a lib function.' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: ['kysely', 'pg', '@electric-sql/pglite'].map((name) => ({ name, allowTypeImports: true, message: 'No database driver here.' })) },
      ],
    },
  },
  // Tests read answers of any shape.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        crypto: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
