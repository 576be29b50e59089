/** Runtime options shared by the server database sources (never persisted with a job). */
import type { ToolSearch } from './tools/find-tool.ts';

export interface DatabaseSourceOptions {
  /** From the keychain; never part of a saved config. */
  password?: string;
  /** Environment whose PATH is searched and that tools run with (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Search the usual install folders too (default true). */
  wellKnownToolDirs?: boolean;
  /** Parent folder for the short-lived 0600 password files (default: the OS temp folder). */
  tempDir?: string;
}

export function toolSearch(toolsDir: string | undefined, options: DatabaseSourceOptions): ToolSearch {
  return {
    ...(toolsDir ? { dirs: [toolsDir] } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.wellKnownToolDirs === false ? { wellKnownDirs: false } : {}),
  };
}

/** Human size for test() details: 12.3 MB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
