/**
 * Finds an installed Electron executable without loading the `electron` package: since Electron 42,
 * `require('electron')` downloads the binary on first use, which hangs or fails offline. Used by
 * scripts/start.mjs (run by Node 24 directly, so no electron import and no bundler-only syntax here).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ElectronBinaryProbe {
  /** node_modules/electron */
  electronDir: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  exists?: (file: string) => boolean;
  readText?: (file: string) => string | undefined;
}

/** The executable's path inside an Electron dist folder, as the electron package's install.js names it. */
export function executableInDist(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The Electron executable to run, or null when none is installed. Honours ELECTRON_EXEC_PATH (what
 * electron-vite uses) and ELECTRON_OVERRIDE_DIST_PATH (what the electron package uses), then the
 * package's own path.txt + dist/ written by a completed download.
 */
export function findElectronBinary(probe: ElectronBinaryProbe): string | null {
  const env = probe.env ?? process.env;
  const exists = probe.exists ?? fs.existsSync;
  const readText = probe.readText ?? readIfPresent;
  const platform = probe.platform ?? process.platform;
  const recorded = readText(path.join(probe.electronDir, 'path.txt'))?.trim() || undefined;

  let candidate: string | null = null;
  if (env.ELECTRON_EXEC_PATH) candidate = env.ELECTRON_EXEC_PATH;
  else if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    candidate = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, recorded ?? executableInDist(platform));
  } else if (recorded) candidate = path.join(probe.electronDir, 'dist', recorded);
  return candidate !== null && exists(candidate) ? candidate : null;
}
