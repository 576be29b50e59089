import { setTimeout as sleep } from 'node:timers/promises';
import { LifeboatError } from '../../shared/errors.ts';

/** What a backend decides about a failed attempt. */
export type RetryDecision = { retry: false } | { retry: true; afterMs?: number };

export interface RetryOptions {
  /** Attempts after the first (default 8: about two minutes of waiting at most). */
  retries?: number;
  baseMs?: number;
  maxMs?: number;
  signal?: AbortSignal;
  /** Classifies an error: transient (rate limit, 5xx, dropped connection) or final. */
  classify: (err: unknown) => RetryDecision;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** For tests: a clock that does not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, a final error happens, or retries run out. Exponential backoff
 * with full jitter (so many clients don't retry in lockstep), never shorter than a server's
 * Retry-After. Cancellation stops the waiting at once.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.retries ?? 8;
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 32_000;
  const wait = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const random = options.random ?? Math.random;
  for (let n = 0; ; n++) {
    options.signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (err) {
      const decision = options.classify(err);
      if (!decision.retry || n >= retries || options.signal?.aborted) throw err;
      const backoff = Math.min(max, base * 2 ** n) * random();
      const delayMs = Math.max(backoff, decision.afterMs ?? 0);
      options.onRetry?.({ attempt: n + 1, delayMs, error: err });
      try {
        await wait(delayMs, options.signal);
      } catch {
        throw new LifeboatError('CANCELLED', 'Cancelled.');
      }
    }
  }
}

/** Parses an HTTP Retry-After header (seconds or a date) into milliseconds. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
