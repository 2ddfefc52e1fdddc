// Layering, after VS Code's common/browser/node split: the rules below are the enforcement, the per-folder
// tsconfigs are the second line. test/fixtures/layering holds files that must fail these rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const forbidNode = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'Node built-ins belong in electron/ (the host side); reach them through the API contract.',
  })),
  patterns: [
    { group: ['node:*'], message: 'Node built-ins belong in electron/.' },
    { group: ['electron', 'electron/*'], message: 'Only electron/ may import electron.' },
  ],
};

export default tseslint.config(
  {
    // test/fixtures hold deliberately bad code (layering violations); test/layering.test.ts lints them on purpose.
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'test/golden/**',
      'coverage/**',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts', 'test/fixtures/layering/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbidNode.paths.concat([
            { name: 'react-dom', message: 'shared/ is UI-free.' },
            { name: 'react', message: 'shared/ is UI-free.' },
          ]),
          patterns: forbidNode.patterns.concat([
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing above it.' },
          ]),
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
          'process',
          'Buffer',
          'require',
          '__dirname',
        ].map((name) => ({ name, message: `${name} is not available in shared/ (pure domain code).` })),
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx', 'test/fixtures/layering/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbidNode.paths,
          patterns: forbidNode.patterns.concat([
            {
              group: ['**/electron/**'],
              message: 'renderer/ reaches the host only through the API contract in shared/api.',
            },
          ]),
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'No Node in the renderer.' }],
    },
  },
  {
    files: [
      'electron/**/*.ts',
      'scripts/**/*.mjs',
      'bin/**/*.mjs',
      'bench/**/*.mjs',
      'test/**/*.ts',
      '*.js',
      '*.ts',
    ],
    ignores: ['test/fixtures/layering/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'The host never imports UI code.' }] },
      ],
    },
  },
);
