// Lint: typescript-eslint's type-checked rules everywhere, and the rule that keeps the domain
// pure (no framework, I/O, clock or randomness), enforced here rather than promised.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const impureModules = [
  { group: ['@nestjs/*', '@nestjs'], message: 'The domain is framework-free: Nest belongs in libs/application and apps.' },
  { group: ['mongodb', 'better-sqlite3', '@kurrent/*', '@eventstore/*'], message: 'The domain does no I/O: storage is behind ports.' },
  { group: ['stripe'], message: 'The domain never talks to the processor: the gateway port does.' },
  { group: ['class-validator', 'class-transformer'], message: 'Shape validation belongs at the edge; business rules are plain code here.' },
  { group: ['graphql', '@apollo/*'], message: 'The domain knows nothing of the API.' },
  { group: ['node:*', 'fs', 'crypto', 'http', 'https', 'net', 'child_process'], message: 'The domain does no I/O and no randomness.' },
  { group: ['@ledger/*', '!@ledger/domain'], message: 'The domain depends on nothing else in the ledger.' },
];

const impureCalls = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'No clock in the domain: time arrives in the command.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'No clock in the domain: time arrives in the command.' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'No randomness in the domain: ids arrive in the command.' },
  { selector: "CallExpression[callee.name='randomUUID'], CallExpression[callee.property.name='randomUUID']", message: 'No randomness in the domain: ids arrive in the command.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.services/**', '.bench/**', 'reports/**', 'tools/**', 'docker/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      // Nest resolves constructor parameters from emitted metadata, so injected classes must stay value imports.
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/bench/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Adapters sit below the application layer: they implement ports, they never call up into it.
    files: ['libs/event-store/**/*.ts', 'libs/payments/**/*.ts', 'libs/read-store/**/*.ts', 'libs/mail/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@ledger/application'], message: 'Adapters do not depend on the application layer.' }] }],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    ignores: ['libs/domain/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: impureModules }],
      'no-restricted-syntax': ['error', ...impureCalls],
    },
  },
);
