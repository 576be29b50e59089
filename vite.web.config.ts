import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser build of the renderer, served as static files by the headless host.
// (The Electron build uses the same src/renderer through electron.vite.config.ts.)
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './', // relative asset URLs: works from any mount path and from file://
  plugins: [react()],
  build: {
    // LIFEBOAT_WEB_OUT: a separate build for parallel test runs (served with LIFEBOAT_WEB_ROOT).
    outDir: process.env.LIFEBOAT_WEB_OUT ?? fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Served from localhost or disk, never over a slow link: one ~500 kB bundle is fine.
    chunkSizeWarningLimit: 1024,
  },
});
