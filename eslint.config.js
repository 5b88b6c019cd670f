import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries (STYLE.md): apps never import apps; contracts import nothing internal; platform
 * imports nothing internal but contracts; messaging builds on contracts + domain + platform; outbox on
 * messaging; the testing library is for specs and their shared fixtures only; the invariant checker (an ops tool reading every
 * service's records) imports nothing internal and nothing imports it but specs and its command; domain folders import no framework (pricing,
 * plain functions on money, and domain, the building blocks every domain shares, are the libraries they may use).
 * The browser portal (type:web) may use contracts only, and only their types: the validation classes
 * behind them stay on the server.
 */
export const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:pricing', 'type:domain', 'type:platform', 'type:messaging', 'type:outbox'] },
  { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:pricing', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:invariants', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:platform'] },
  { sourceTag: 'type:outbox', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:messaging'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:messaging', 'type:outbox'] },
  {
    sourceTag: 'type:spec',
    onlyDependOnLibsWithTags: [
      'type:contracts',
      'type:pricing',
      'type:domain',
      'type:platform',
      'type:messaging',
      'type:outbox',
      'type:testing',
      'type:invariants',
    ],
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'tmp/**', '.infra/**', '.nx/**', 'coverage/**'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Specs and the fixtures they share may use the testing library besides what their project may use.
    files: ['**/*.spec.ts', '**/*.fixtures.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: ['@bp/testing'], depConstraints }],
    },
  },
  {
    files: ['**/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          // @bp/pricing is plain functions on money, @bp/domain the building blocks (DomainError), shared by the services' domains;
          // the contracts' types name what the domain shares with the outside (its statuses), their classes stay out.
          paths: [{ name: '@bp/contracts', allowTypeImports: true, message: 'Domain code takes the contracts’ types only (import type).' }],
          patterns: [
            {
              group: ['@nestjs/*', 'mongoose', 'kafkajs', 'fastify', '@bp/*', '!@bp/pricing', '!@bp/domain', '!@bp/contracts'],
              message: 'Domain code is plain TypeScript: no framework, no infrastructure.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/portal/**/*.ts', 'apps/portal/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@bp/contracts', allowTypeImports: true, message: 'The browser takes the contracts’ types only (import type).' }],
          patterns: [{ group: ['node:*'], message: 'The portal runs in the browser.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
