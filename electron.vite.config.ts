import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { bundledClientsFromEnv } from './src/engine/auth/bundled-clients.ts';

// import.meta.url, not import.meta.dirname: electron-vite bundles a config (and what it imports, like
// tests/build/probe.config.ts importing this one) and rewrites only import.meta.url to the original file.
const root = dirname(fileURLToPath(import.meta.url));

/**
 * Worker-thread scripts, built as entries of the main bundle: out/main/<name>.js next to the code
 * that starts them, which is where src/engine/repo/worker-url.ts looks (the name must be the source
 * file's). A test (tests/build) checks that every worker the engine starts is listed here.
 */
export const workerEntries: Record<string, string> = {
  'file-worker': resolve(root, 'src/engine/repo/workers/file-worker.ts'),
  'restore-worker': resolve(root, 'src/engine/repo/restore-worker.ts'),
  'sqlite-check-worker': resolve(root, 'src/engine/jobs/drill/sqlite-check-worker.ts'),
};

/**
 * The main-process build. All its JavaScript (entries and shared chunks) sits in one folder, so a
 * worker's `new URL('./x-worker.ts', import.meta.url)` finds `x-worker.js` from whichever chunk
 * starts it. `extraEntries`: the build test adds a probe that runs the bundled engine without Electron.
 */
export function mainConfig(outDir = resolve(root, 'out/main'), extraEntries: Record<string, string> = {}) {
  return {
    // The OAuth clients a release build carries (src/engine/auth/bundled-clients.ts), from the build's environment.
    define: { __LIFEBOAT_OAUTH_CLIENTS__: JSON.stringify(bundledClientsFromEnv(process.env)) },
    build: {
      outDir,
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/main/index.ts'), ...workerEntries, ...extraEntries },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  };
}

/**
 * Desktop build: main (ESM, node deps from package.json stay external and ship in node_modules;
 * worker scripts are extra entries), a sandboxed preload (one self-contained CommonJS file: sandboxed
 * preloads can neither be ESM nor require chunks or packages), and the React renderer (also built
 * alone by vite.web.config.ts).
 */
export default defineConfig({
  main: mainConfig(),
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
