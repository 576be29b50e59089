/**
 * The desktop main build (electron.vite.config.ts) plus one extra entry, the probe that runs the
 * bundled engine in plain Node (bundle.test.ts). Output folder: LIFEBOAT_PROBE_OUT.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { mainConfig } from '../../electron.vite.config.ts';

const outDir = process.env.LIFEBOAT_PROBE_OUT;
if (!outDir) throw new Error('Set LIFEBOAT_PROBE_OUT to the folder to build into.');

export default defineConfig({
  main: mainConfig(outDir, { probe: fileURLToPath(new URL('./bundle-probe.ts', import.meta.url)) }),
});
