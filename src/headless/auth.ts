import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const tokenCookie = 'lifeboat_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Where a request presented the token, if it did: the printed URL's query, the cookie, or a bearer header. */
export function presentedToken(req: IncomingMessage, url: URL): { token: string; via: 'query' | 'cookie' | 'header' } | undefined {
  const query = url.searchParams.get('token');
  if (query) return { token: query, via: 'query' };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice('Bearer '.length), via: 'header' };
  const cookie = cookieValue(req.headers.cookie, tokenCookie);
  if (cookie) return { token: cookie, via: 'cookie' };
  return undefined;
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const presented = presentedToken(req, url);
  return presented !== undefined && sameSecret(presented.token, token);
}

/**
 * Only pages we served may talk to us: a browser always sends Origin on WebSocket upgrades and POSTs, and
 * it must be our own loopback origin. The Host header is checked too, which defeats DNS rebinding.
 */
export function isSameOrigin(req: IncomingMessage, port: number): boolean {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!allowedHosts.has(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return [...allowedHosts].some((host) => origin === `http://${host}`);
}
