import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((f) => ({
          group: [`**/${f}/*`, `../${f}/*`, `../../${f}/*`],
          message: `src/${from} must not import src/${f}: imports point down the layers (sql → dialects → engine/pool → orm).`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer('util', ['sql', 'dialects', 'pool', 'engine', 'orm']),
  layer('sql', ['dialects', 'pool', 'engine', 'orm']),
  layer('dialects', ['pool', 'engine', 'orm']),
  layer('pool', ['sql', 'dialects', 'engine', 'orm']),
  layer('engine', ['orm']),
  layer('orm', ['pool', 'dialects']),
);
