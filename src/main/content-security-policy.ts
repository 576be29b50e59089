/**
 * The page's Content-Security-Policy, sent as a response header in addition to the renderer's meta tag.
 * Production gets exactly the strict policy. The Vite dev server additionally needs an inline module
 * script (React Fast Refresh preamble) and its HMR WebSocket, so only a dev-server origin gets those.
 */
const strict: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function contentSecurityPolicy(devServerUrl?: string): string {
  const directives = Object.fromEntries(Object.entries(strict).map(([name, values]) => [name, [...values]]));
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    directives['script-src']?.push("'unsafe-inline'");
    directives['connect-src']?.push(`${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`);
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
