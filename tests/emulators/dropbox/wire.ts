/**
 * Dropbox's wire formats, as the emulator speaks them: replies (JSON exactly `application/json`,
 * 400s in plain text, 409 route errors with error_summary, 401 auth errors, 429 rate limits),
 * header-safe JSON, timestamps without fractions, and the content_hash (written here independently
 * of the engine's, so the two check each other).
 */
import { createHash } from 'node:crypto';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export class ReplyError extends Error {
  readonly reply: Reply;
  constructor(reply: Reply) {
    super(`emulator reply ${reply.status}`);
    this.reply = reply;
  }
}

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

/** 400: plain text, "Error in call to API function …". */
export const badRequest = (route: string, message: string): ReplyError =>
  new ReplyError({
    status: 400,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: `Error in call to API function "${route}": ${message}`,
  });

/** error_summary from a tagged union: tags joined by "/", then a trailing "/.." as Dropbox does. */
export function errorSummary(error: Record<string, unknown>): string {
  const tags: string[] = [];
  let node: unknown = error;
  while (typeof node === 'object' && node !== null && typeof (node as Record<string, unknown>)['.tag'] === 'string') {
    const rec = node as Record<string, unknown>;
    const tag = rec['.tag'] as string;
    tags.push(tag);
    const inner = rec[tag];
    node =
      typeof inner === 'object' && inner !== null
        ? inner
        : Object.values(rec).find((v) => typeof v === 'object' && v !== null && '.tag' in v);
  }
  return `${tags.join('/')}/..`;
}

/** 409: an endpoint-specific error. */
export const routeError = (error: Record<string, unknown>): ReplyError =>
  new ReplyError(json({ error_summary: errorSummary(error), error }, 409));

export const authError = (tag: 'expired_access_token' | 'invalid_access_token'): ReplyError =>
  new ReplyError(json({ error_summary: `${tag}/..`, error: { '.tag': tag } }, 401));

export const rateLimited = (reason: 'too_many_requests' | 'too_many_write_operations', retryAfter: number): ReplyError =>
  new ReplyError(
    json(
      { error_summary: `${reason}/..`, error: { reason: { '.tag': reason }, retry_after: retryAfter } },
      429,
      { 'Retry-After': String(retryAfter) },
    ),
  );

export const serverError = (status: number): ReplyError =>
  new ReplyError({ status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' });

/** JSON safe for an HTTP header: every char ≥ U+007F as \uXXXX (what the SDK sends and expects). */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** "%Y-%m-%dT%H:%M:%SZ", no fraction. */
export function dropboxTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** content_hash: sha256 over the concatenated sha256 of each 4 MiB block, hex. */
export function contentHash(data: Uint8Array): string {
  const block = 4 * 1024 * 1024;
  const digests: Buffer[] = [];
  for (let pos = 0; pos < data.byteLength; pos += block) {
    digests.push(createHash('sha256').update(data.subarray(pos, pos + block)).digest());
  }
  return createHash('sha256').update(Buffer.concat(digests)).digest('hex');
}

/** Void union members may be abbreviated: "add" ≡ {".tag":"add"}. */
export function unionTag(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { '.tag'?: unknown })['.tag'] === 'string') {
    return (value as { '.tag': string })['.tag'];
  }
  return undefined;
}

// Path patterns from the API spec (files.PathROrId, files.WritePathOrId, files.ReadPath).
export const listPathPattern = /^((\/(.|[\r\n])*)?|id:.*|(ns:[0-9]+(\/.*)?))$/s;
export const writePathPattern = /^((\/(.|[\r\n])*)|(ns:[0-9]+(\/.*)?)|(id:.*))$/s;
export const readPathPattern = /^((\/(.|[\r\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(\/.*)?))$/s;
