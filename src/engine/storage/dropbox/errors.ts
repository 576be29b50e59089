/**
 * Reading Dropbox's answers: what went wrong (error_summary and tags), whether trying again can
 * help (rate limits, server errors, dropped connections, namespace lock contention), and the typed
 * LifeboatError a user sees when it cannot.
 */
import { DropboxResponseError } from 'dropbox';
import { LifeboatError } from '../../../shared/errors.ts';
import { retryAfterMs } from '../retry.ts';
import type { RetryDecision } from '../retry.ts';

export interface DropboxFailure {
  status: number;
  /** error_summary ("path/not_found/..") or the plain-text body of a 400. */
  summary: string;
  /** The parsed `error` member (a tagged union), if the body was JSON. */
  error: unknown;
  headers: Headers | undefined;
}

export function dropboxFailure(err: unknown): DropboxFailure | undefined {
  if (!(err instanceof DropboxResponseError)) return undefined;
  const body: unknown = err.error;
  const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const summary =
    typeof obj?.error_summary === 'string' ? obj.error_summary : typeof body === 'string' ? body : '';
  const headers = err.headers instanceof Headers ? err.headers : undefined;
  return { status: err.status, summary, error: obj?.error, headers };
}

/** True if a tag appears anywhere in a tagged-union value (`{".tag": tag}` or a member named so). */
export function hasTag(value: unknown, tag: string, depth = 0): boolean {
  if (depth > 8 || typeof value !== 'object' || value === null) return value === tag;
  const rec = value as Record<string, unknown>;
  if (rec['.tag'] === tag) return true;
  return Object.values(rec).some((v) => hasTag(v, tag, depth + 1));
}

/** A tag in the error_summary path or the error object. */
export function failureHas(f: DropboxFailure, tag: string): boolean {
  return f.summary.split('/').includes(tag) || hasTag(f.error, tag);
}

/** The `correct_offset` of an incorrect_offset error, wherever it is nested. */
export function correctOffset(value: unknown, depth = 0): number | undefined {
  if (depth > 8 || typeof value !== 'object' || value === null) return undefined;
  const rec = value as Record<string, unknown>;
  if (rec['.tag'] === 'incorrect_offset' && typeof rec.correct_offset === 'number') return rec.correct_offset;
  for (const v of Object.values(rec)) {
    const found = correctOffset(v, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  const f = dropboxFailure(err);
  return f !== undefined && f.status === 409 && failureHas(f, 'not_found');
}

/** 401: the access token expired or is no longer valid. */
export function isAuthFailure(err: unknown): boolean {
  return dropboxFailure(err)?.status === 401;
}

const transientCodes = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|ENETDOWN|EHOSTUNREACH|UND_ERR_)/;

/** A request that never got an answer: dropped connection, reset, DNS hiccup, per-request timeout. */
export function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TimeoutError') return true;
  const code = errCode(err) ?? errCode(err.cause) ?? errCode((err.cause as { cause?: unknown } | undefined)?.cause);
  if (code && transientCodes.test(code)) return true;
  return err instanceof TypeError && /fetch failed|terminated|other side closed/i.test(err.message);
}

function errCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** How long a 429 asks us to wait: the JSON `retry_after` (seconds) or the Retry-After header. */
export function rateLimitDelayMs(f: DropboxFailure, body?: unknown): number | undefined {
  const fromHeader = retryAfterMs(f.headers?.get('retry-after'));
  const json = body as { error?: { retry_after?: unknown } } | undefined;
  const seconds = json?.error?.retry_after;
  if (typeof seconds === 'number') return Math.max(seconds * 1000, fromHeader ?? 0);
  return fromHeader;
}

/** Retry policy for one Dropbox call (401 is handled separately: refresh once, then sign in). */
export function classifyDropboxError(err: unknown): RetryDecision {
  if (err instanceof LifeboatError) return { retry: false };
  if (err instanceof DropboxResponseError) {
    const f = dropboxFailure(err)!;
    if (f.status === 429) return { retry: true, afterMs: rateLimitDelayMs(f, err.error) };
    if (f.status >= 500 || f.status === 408) return { retry: true, afterMs: retryAfterMs(f.headers?.get('retry-after')) };
    if (f.status === 409 && (failureHas(f, 'too_many_write_operations') || failureHas(f, 'content_hash_mismatch'))) {
      return { retry: true, afterMs: 1000 };
    }
    return { retry: false };
  }
  return isNetworkError(err) ? { retry: true } : { retry: false };
}

export const dropboxFullError = (details?: string): LifeboatError =>
  new LifeboatError('QUOTA_EXCEEDED', 'Dropbox is full.', {
    hint: 'Free up space in Dropbox (or upgrade the plan), then run the backup again. The backups already made are intact.',
    ...(details ? { details } : {}),
  });

export const signInAgainError = (details?: string): LifeboatError =>
  new LifeboatError('AUTH_REQUIRED', 'Sign in to Dropbox again.', {
    hint: 'Lifeboat no longer has access to this Dropbox account (the access was revoked or has expired).',
    ...(details ? { details } : {}),
  });

/** The error a user sees after retries (if any) are over. `what` names the file or folder. */
export function toLifeboatError(err: unknown, what: string, signal?: AbortSignal): LifeboatError {
  if (err instanceof LifeboatError) return err;
  if (signal?.aborted) return new LifeboatError('CANCELLED', 'Cancelled.');
  const f = dropboxFailure(err);
  const details = f ? `HTTP ${f.status} ${f.summary}`.trim() : err instanceof Error ? err.message : String(err);
  if (!f) {
    if (isNetworkError(err)) {
      return new LifeboatError('NETWORK', 'Could not reach Dropbox.', {
        hint: 'Check the internet connection; the backup can simply be run again.',
        details,
        cause: err,
      });
    }
    return new LifeboatError('INTERNAL', `Dropbox request for ${what} failed.`, { details, cause: err });
  }
  if (f.status === 401) return signInAgainError(details);
  if (failureHas(f, 'insufficient_space')) return dropboxFullError(details);
  if (f.status === 429 || f.status >= 500) {
    return new LifeboatError('NETWORK', 'Dropbox is busy or unavailable right now.', {
      hint: 'Lifeboat retried for a while; run the backup again later.',
      details,
      cause: err,
    });
  }
  if (f.status === 403 || failureHas(f, 'no_write_permission')) {
    return new LifeboatError('PERMISSION_DENIED', `Dropbox does not allow access to ${what}.`, { details, cause: err });
  }
  if (f.status === 409 && failureHas(f, 'not_found')) {
    return new LifeboatError('NOT_FOUND', `${what} does not exist in Dropbox.`, { details, cause: err });
  }
  return new LifeboatError('INTERNAL', `Dropbox refused the request for ${what}.`, { details, cause: err });
}
