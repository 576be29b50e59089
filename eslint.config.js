// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const electronBan = {
  name: 'electron',
  message: 'The engine runs in the CLI, the headless host and plain-Node tests: it must never import electron.',
};
const rawIpcBan = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Only the IPC adapters (src/main/ipc-adapter.ts, src/preload/index.ts) touch raw IPC.',
};
// A relative import that reaches into another layer's folder (../engine/x.ts, ../../main/y.ts).
const layerEscape = (layers, message) => ({ regex: `^\\.\\.?/(.*/)?(${layers.join('|')})(/|$)`, message });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'bench/.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [rawIpcBan] }],
    },
  },
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            { group: ['electron/*', 'electron-*'], message: electronBan.message },
            layerEscape(['main', 'preload', 'renderer', 'headless', 'cli'], 'The engine is the inner layer: it imports only src/shared.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            { regex: '^node:', message: 'src/shared is types and schemas only: no I/O.' },
            layerEscape(['engine', 'main', 'preload', 'renderer', 'headless', 'cli'], 'src/shared imports nothing of ours.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the contract only (window.lifeboat or the WebSocket).' }],
          patterns: [
            { regex: '^node:', message: 'The renderer runs sandboxed: no Node built-ins.' },
            layerEscape(['engine', 'main', 'preload', 'headless', 'cli'], 'The renderer imports only src/shared and its own files.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/ipc-adapter.ts', 'src/preload/index.ts', 'tests/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
