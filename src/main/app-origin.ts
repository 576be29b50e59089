import { pathToFileURL } from 'node:url';

/** Where the window's page comes from, and the one test for "is this URL our own page". */
export interface AppOrigin {
  /** The dev server URL in development, or undefined when the built file is loaded. */
  readonly devServerUrl: string | undefined;
  /** The built renderer's index.html (loaded when there is no dev server). */
  readonly indexFile: string;
  /** The URL the window starts on. */
  readonly entryUrl: string;
  isAppUrl(url: string): boolean;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Accepts the dev server only when the app is not packaged and the URL is http(s) on loopback: a
 * packaged app must never hand its IPC trust to whatever page an environment variable names.
 */
export function pickDevServerUrl(envUrl: string | undefined, isPackaged: boolean): string | undefined {
  if (isPackaged || !envUrl) return undefined;
  const url = parse(envUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !loopbackHosts.has(url.hostname)) {
    return undefined;
  }
  return url.href;
}

export function createAppOrigin(options: { devServerUrl: string | undefined; indexFile: string }): AppOrigin {
  const { devServerUrl, indexFile } = options;
  const dev = devServerUrl ? parse(devServerUrl) : null;
  const fileUrl = pathToFileURL(indexFile);
  return {
    devServerUrl: dev?.href,
    indexFile,
    entryUrl: dev?.href ?? fileUrl.href,
    isAppUrl(raw: string): boolean {
      const url = parse(raw);
      if (!url) return false;
      // Compare parsed origins, never string prefixes (security checklist item 13).
      if (dev) return url.origin === dev.origin;
      // file: URLs all share the opaque origin "null", so the exact index file is what identifies us.
      return url.protocol === 'file:' && url.host === fileUrl.host && url.pathname === fileUrl.pathname;
    },
  };
}
