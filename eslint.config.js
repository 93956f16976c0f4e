import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.scratch/**', 'docs/api/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use an RxJS scheduler (timer) so time is testable.' },
      ],
    },
  },
  {
    files: ['spec/**', 'bench/**', 'examples/**', 'scripts/**', 'src/cli/**', 'bin/**', 'eslint.config.js'],
    rules: { 'no-restricted-globals': 'off' },
  },
);
