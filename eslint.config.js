// Lint, including the layer rule (as VS Code does with its environment folders):
//   - `electron` may be imported only by src/main/electron/** and src/preload/**;
//   - src/renderer never imports src/main (nor src/preload, nor Node built-ins);
//   - src/shared imports nothing from main, preload, renderer or cli, and no Node built-ins;
//   - src/main domain modules and src/cli never import the renderer;
//   - production code (src/**, tests aside) never imports the test lab (lab/).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronOnly = {
  name: 'electron',
  message: 'Only src/main/electron/** and src/preload/** may import electron; domain modules stay plain Node.',
};
const electronPatterns = [{ group: ['electron', 'electron/*'], message: electronOnly.message }];
const noRenderer = { group: ['**/renderer/**', '**/renderer'], message: 'Nothing outside src/renderer may import the renderer.' };
const noMain = { group: ['**/main/**', '**/main'], message: 'This layer may not import src/main; talk through the shared contract.' };
const noPreload = { group: ['**/preload/**', '**/preload'], message: 'Use the typed window.rampart API, not the preload module.' };
const noCli = { group: ['**/cli/**', '**/cli'], message: 'Nothing may import the CLI entry.' };
const noLab = { group: ['**/lab/**', '**/lab'], message: 'Production code never imports the test lab (lab/).' };
const noNode = { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'net'], message: 'This layer runs in the browser sandbox: no Node built-ins.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.lab/**', 'e2e/screenshots/**', '**/*.tsbuildinfo'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { patterns: [...electronPatterns, noRenderer, noCli] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...electronPatterns, noRenderer, noCli, noLab] }] },
  },
  {
    files: ['src/main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noRenderer, noCli, noLab] }] },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noRenderer, noMain, noCli, noLab] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...electronPatterns, noRenderer, noMain, noPreload, noCli, noNode, noLab] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [...electronPatterns, noMain, noPreload, noCli, noNode, noLab] }] },
  },
);
