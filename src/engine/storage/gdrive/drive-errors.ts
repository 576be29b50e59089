/**
 * Reading Google API failures (gaxios errors carrying Google's JSON envelope
 * `{ error: { code, message, errors: [{ domain, reason, message }] } }`) and deciding what they
 * mean for us: retry (rate limits as 403 or 429, 408, 5xx, dropped connections), ask for a new
 * token (401), or stop with a typed error (quota, permission, not found, bad request).
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { RetryDecision } from '../retry.ts';
import { retryAfterMs } from '../retry.ts';

export interface DriveFailure {
  status?: number;
  reason?: string;
  message: string;
  retryAfter?: string;
  /** No HTTP response at all: connection refused/reset, DNS, timeout, truncated body. */
  network: boolean;
}

const rateLimitReasons = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'sharingRateLimitExceeded']);
const networkCodes = /^(E[A-Z0-9_]+|ERR_STREAM_PREMATURE_CLOSE|UND_ERR_[A-Z_]+|TimeoutError)$/;
const networkMessages =
  /socket hang up|premature close|network|ECONN|EPIPE|timed? ?out|aborted due to timeout|terminated/i;

/** A transient problem we detected ourselves (short body, checksum mismatch after upload). */
export class TransientDriveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientDriveError';
  }
}

/** A resumable upload session the server no longer knows (404/410): the upload starts over. */
export class UploadSessionLost extends LifeboatError {
  constructor(details: string) {
    super('NETWORK', 'The Google Drive upload session expired.', { details });
    this.name = 'UploadSessionLost';
  }
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const v = rec[name] ?? rec[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(data: unknown): unknown {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes =
      data instanceof ArrayBuffer
        ? Buffer.from(data)
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    data = bytes.toString('utf8');
  }
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return data;
    }
  }
  return data;
}

/** What a thrown value says about the HTTP exchange; undefined for anything that is not one. */
export function describeDriveError(err: unknown): DriveFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & {
    status?: number;
    code?: string | number;
    response?: { status?: number; headers?: unknown; data?: unknown };
  };
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  if (status !== undefined && e.response) {
    const body = parseBody(e.response.data) as
      | {
          error?: { message?: string; errors?: { reason?: string; message?: string }[] } | string;
          error_description?: string;
        }
      | string
      | undefined;
    let reason: string | undefined;
    let message = e.message;
    if (body && typeof body === 'object') {
      if (typeof body.error === 'object' && body.error) {
        reason = body.error.errors?.[0]?.reason;
        message = body.error.message ?? body.error.errors?.[0]?.message ?? message;
      } else if (typeof body.error === 'string') {
        reason = body.error;
        message = body.error_description ?? body.error;
      }
    }
    const retryAfter = headerOf(e.response.headers, 'retry-after');
    return {
      status,
      ...(reason ? { reason } : {}),
      message,
      ...(retryAfter ? { retryAfter } : {}),
      network: false,
    };
  }
  if (err instanceof TransientDriveError) return { message: err.message, network: true };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
  const isNetwork =
    (code !== undefined && networkCodes.test(code)) ||
    (causeCode !== undefined && networkCodes.test(causeCode)) ||
    e.name === 'FetchError' ||
    (e.name === 'GaxiosError' && networkMessages.test(e.message));
  if (!isNetwork) return undefined;
  return { message: e.message, network: true };
}

export function statusOf(err: unknown): number | undefined {
  return describeDriveError(err)?.status;
}

/** withRetry's classifier for every Drive request (POST and PATCH included). */
export function classifyDriveError(err: unknown): RetryDecision {
  if (err instanceof UploadSessionLost) return { retry: false };
  if (err instanceof LifeboatError) return err.code === 'NETWORK' ? { retry: true } : { retry: false };
  if (
    err instanceof Error &&
    (err.name === 'AbortError' || (err as { code?: unknown }).code === 'AbortError')
  ) {
    return { retry: false };
  }
  const f = describeDriveError(err);
  if (!f) return { retry: false };
  if (f.network) return { retry: true };
  const s = f.status!;
  if (s === 429 || s === 408 || s >= 500) {
    const afterMs = retryAfterMs(f.retryAfter);
    return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
  }
  if (s === 403 && f.reason && rateLimitReasons.has(f.reason)) return { retry: true };
  return { retry: false };
}

/** The typed error a user sees for a Drive failure that retrying did not (or may not) fix. */
export function toLifeboatError(err: unknown, what: string, signal?: AbortSignal): LifeboatError {
  if (err instanceof LifeboatError) return err;
  if (signal?.aborted) return new LifeboatError('CANCELLED', 'Cancelled.');
  const f = describeDriveError(err);
  const details = err instanceof Error ? err.message : String(err);
  if (!f) {
    return new LifeboatError('INTERNAL', `Google Drive request failed: ${what}.`, { details, cause: err });
  }
  if (f.network) {
    return new LifeboatError('NETWORK', 'Cannot reach Google Drive.', {
      hint: 'Check the internet connection; the backup continues where it stopped next time.',
      details: `${what}: ${f.message}`,
      cause: err,
    });
  }
  const s = f.status!;
  const d = `${what}: HTTP ${s}${f.reason ? ` ${f.reason}` : ''}: ${f.message}`;
  if (s === 403 && (f.reason === 'storageQuotaExceeded' || f.reason === 'quotaExceeded')) {
    return new LifeboatError('QUOTA_EXCEEDED', 'Google Drive is full.', {
      hint: 'Free up space in Google Drive (empty its trash too), buy more storage, or remove old backups with a retention policy.',
      details: d,
      cause: err,
    });
  }
  if (s === 401) {
    return new LifeboatError('AUTH_REQUIRED', 'Google Drive did not accept the sign-in.', {
      hint: 'Sign in to Google Drive again.',
      details: d,
      cause: err,
    });
  }
  if (s === 429 || s >= 500 || (s === 403 && f.reason && rateLimitReasons.has(f.reason))) {
    return new LifeboatError('NETWORK', 'Google Drive is busy and did not answer in time.', {
      hint: 'Try again later; the backup continues where it stopped.',
      details: d,
      cause: err,
    });
  }
  if (s === 403) {
    return new LifeboatError('PERMISSION_DENIED', 'Google Drive refused access.', {
      hint: 'Lifeboat can only use folders it created itself. Sign in again, or choose a new folder.',
      details: d,
      cause: err,
    });
  }
  if (s === 404)
    return new LifeboatError('NOT_FOUND', `Not found on Google Drive: ${what}.`, { details: d, cause: err });
  return new LifeboatError('INTERNAL', 'Google Drive rejected a request.', { details: d, cause: err });
}
