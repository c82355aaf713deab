import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist-browser/**', '**/node_modules/**', '**/src/generated/**', '**/.test-results/**', '**/.turbo/**', 'infra/**', '**/.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through the app env schema (env.ts / main.ts).' },
      ],
    },
  },
  {
    // Plain CommonJS scripts run by Node directly; TypeScript's checks do not apply to them.
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-undef': 'off' },
  },
  {
    files: ['**/main.ts', '**/env.ts', '**/bin.ts', '**/bin/**', 'packages/testing/**', '**/test/**', 'bench/**', 'scripts/**', '**/*.test.ts', '**/*.config.*', 'jest.preset.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
