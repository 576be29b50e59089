import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' ws: wss:; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Resolves a URL path inside root; anything that would leave root (../, encoded or not) gives undefined. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return full === root || full.startsWith(root + path.sep) ? full : undefined;
}

/** Serves the built renderer; unknown paths get index.html so hash/history routes survive a reload. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let file = resolveInside(root, urlPath === '/' ? '/index.html' : urlPath);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!info?.isFile()) file = path.join(root, 'index.html');
  const index = await stat(file!).catch(() => undefined);
  if (!index?.isFile()) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The Lifeboat web interface is not built yet: run `npm run build:web`.\n' +
      'Веб-интерфейс Lifeboat ещё не собран: выполните `npm run build:web`.\n');
    return;
  }
  res.writeHead(200, {
    'content-type': contentTypes[path.extname(file!)] ?? 'application/octet-stream',
    'cache-control': file!.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
  });
  createReadStream(file!).pipe(res);
}
