/**
 * POSTs a JSON body for webhooks and the Telegram API: a timeout per attempt, retries with
 * exponential backoff on network errors, 5xx and 429 (honouring Retry-After), and redirects
 * followed only on the same host and never from https to http, so a notification (and its
 * Authorization header or bot token) cannot be bounced to someone else's server.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import { retryAfterMs, withRetry } from '../../storage/retry.ts';

export interface PostOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Per attempt, including reading the answer. Default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first. Default 3. */
  retries?: number;
  /** First backoff step (doubled each time, with jitter). Default 1 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Strings that must never appear in an error (a bot token inside the URL). */
  redact?: string[];
  /** Reads a service's own retry hint from a 429 answer (Telegram puts it in the JSON). */
  retryAfterFromBody?: (body: string) => number | undefined;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface PostResult {
  status: number;
  body: string;
  attempts: number;
}

const maxRedirects = 3;
/** A retry hint longer than this is not worth holding a run's notifications for. */
const maxRetryAfterMs = 60_000;
const maxBodyChars = 64 * 1024;

/** A failed attempt: carries the HTTP status when there was an answer. */
export class HttpPostError extends LifeboatError {
  readonly status: number | undefined;
  readonly responseBody: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** Filled in by postJson when it gives up. */
  attempts = 1;

  constructor(
    err: { code: LifeboatError['code']; message: string; hint?: string },
    extra: { status?: number; body?: string; retryable: boolean; retryAfterMs?: number },
  ) {
    super(err.code, err.message, err.hint ? { hint: err.hint } : {});
    this.status = extra.status;
    this.responseBody = extra.body;
    this.retryable = extra.retryable;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

export async function postJson(opts: PostOptions): Promise<PostResult> {
  const scrub = (text: string): string =>
    (opts.redact ?? []).filter((s) => s.length > 0).reduce((t, s) => t.replaceAll(s, '***'), text);
  let attempts = 0;
  try {
    return await withRetry(
      async () => {
        attempts++;
        return { ...(await attempt(opts, scrub)), attempts };
      },
      {
        retries: opts.retries ?? 3,
        baseMs: opts.baseDelayMs ?? 1000,
        maxMs: opts.maxDelayMs ?? 15_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        ...(opts.random ? { random: opts.random } : {}),
        classify: (err) =>
          err instanceof HttpPostError && err.retryable
            ? { retry: true, ...(err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : {}) }
            : { retry: false },
      },
    );
  } catch (err) {
    if (err instanceof HttpPostError) err.attempts = attempts;
    if (err instanceof LifeboatError) throw err;
    throw new LifeboatError('INTERNAL', scrub(err instanceof Error ? err.message : String(err)));
  }
}

async function attempt(opts: PostOptions, scrub: (t: string) => string): Promise<PostResult> {
  const doFetch = opts.fetch ?? fetch;
  let url = new URL(opts.url);
  const origin = url;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  for (let hop = 0; ; hop++) {
    let res: Response;
    let body: string;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers },
        body: opts.body,
        redirect: 'manual',
        signal,
      });
      body = (await res.text()).slice(0, maxBodyChars);
    } catch (err) {
      if (opts.signal?.aborted)
        throw new LifeboatError('CANCELLED', 'Sending the notification was cancelled.');
      const timedOut = timeout.aborted;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const reason = timedOut
        ? 'no answer in time'
        : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new HttpPostError(
        {
          code: 'NETWORK',
          message: scrub(`Could not reach ${url.host}: ${reason}.`),
          hint: 'Check the internet connection and the address.',
        },
        { retryable: true },
      );
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      url = nextHop(origin, url, res, hop, scrub);
      continue;
    }
    if (res.ok) return { status: res.status, body, attempts: 0 };
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    const hinted = opts.retryAfterFromBody?.(body);
    const after = hinted ?? retryAfterMs(res.headers.get('retry-after'));
    if (after !== undefined && after > maxRetryAfterMs) {
      throw new HttpPostError(
        {
          code: 'QUOTA_EXCEEDED',
          message: scrub(`${url.host} asks to wait ${Math.round(after / 1000)} s before sending again.`),
        },
        { status: res.status, body, retryable: false },
      );
    }
    throw new HttpPostError(
      {
        code:
          res.status === 401 || res.status === 403
            ? 'AUTH_REQUIRED'
            : res.status === 429
              ? 'QUOTA_EXCEEDED'
              : 'NETWORK',
        message: scrub(`${url.host} answered HTTP ${res.status}${body ? `: ${body.slice(0, 300)}` : ''}`),
      },
      {
        status: res.status,
        body: scrub(body),
        retryable,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      },
    );
  }
}

/** The next URL of a redirect, if it is safe to POST the same body there. */
function nextHop(origin: URL, current: URL, res: Response, hop: number, scrub: (t: string) => string): URL {
  const location = res.headers.get('location');
  const refuse = (why: string): never => {
    throw new HttpPostError(
      {
        code: 'INVALID_ARGUMENT',
        message: scrub(`${current.host} redirected the notification (HTTP ${res.status}) ${why}.`),
        hint: 'Enter the final address of the webhook in the settings.',
      },
      { status: res.status, retryable: false },
    );
  };
  if (!location) return refuse('without saying where');
  if (hop >= maxRedirects) return refuse('too many times');
  // 303 means "fetch something else with GET": not a place to deliver a POST.
  if (res.status === 303) return refuse('to a page');
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    return refuse('to an invalid address');
  }
  if (next.hostname !== origin.hostname) return refuse(`to another server (${next.hostname})`);
  if (origin.protocol === 'https:' && next.protocol !== 'https:') return refuse('to an unencrypted address');
  return next;
}
