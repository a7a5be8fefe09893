import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.local/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (spec/conventions.md).' },
      ],
      // Module boundaries (spec/conventions.md "Platform apart from domain"): an app never imports another
      // app; platform libraries never import domain code; system tests reach services only through their edges
      // (and the local-stack launcher in tools/).
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
            { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:platform', 'scope:domain'] },
          ],
        },
      ],
    },
  },
  {
    // A test that cannot fail is worse than none (issue 7 item 11): no expect that may not run (in a catch, an if),
    // every async expect awaited or returned, nothing focused or skipped.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.system-spec.ts', '**/*.deploy-spec.ts'],
    plugins: { jest },
    rules: {
      'jest/no-conditional-expect': 'error',
      'jest/valid-expect': ['error', { alwaysAwait: true }],
      'jest/valid-expect-in-promise': 'error',
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      // no-disabled-tests misses a skip chosen at run time (`(cond ? it : it.skip)(…)`); this catches any use.
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (spec/conventions.md).' },
        { selector: 'MemberExpression[object.name=/^(describe|it|test)$/][property.name=/^(skip|only)$/]', message: 'No skipped or focused tests.' },
      ],
    },
  },
);
