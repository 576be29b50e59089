/**
 * Where a worker thread's script is. Run from source (Node 24 runs .ts), it is the .ts file next to
 * the module that starts it. In the desktop bundle every worker is an entry of the main build
 * (electron.vite.config.ts): `<name>.js` in the same folder as the code that starts it, where the
 * .ts file is not. Callers pass the source URL, `new URL('./x-worker.ts', import.meta.url)`, so both
 * layouts resolve from the same line.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundled .js sibling when it exists, else the .ts source when it exists, else undefined. */
export function findWorkerScript(source: URL): URL | undefined {
  if (source.protocol !== 'file:') return undefined;
  const bundled = new URL(source.href.replace(/\.ts$/, '.js'));
  for (const url of [bundled, source]) if (existsSync(fileURLToPath(url))) return url;
  return undefined;
}

/** Like findWorkerScript, but falls back to the source, so a missing script fails loudly when started. */
export function workerScript(source: URL): URL {
  return findWorkerScript(source) ?? source;
}
