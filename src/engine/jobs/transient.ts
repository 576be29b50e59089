import { LifeboatError, type ErrorCode } from '../../shared/errors.ts';
import type { RetryDecision } from '../storage/retry.ts';

/**
 * Errors worth trying again a little later within the same run: the network dropped (the backends
 * already retried single requests), or another program holds the repository lock (a restic prune).
 * Everything else, notably WRONG_PASSWORD, AUTH_REQUIRED and QUOTA_EXCEEDED, needs a person or a
 * different day, and retrying would only hammer the service or lock out the account.
 */
export const transientCodes: readonly ErrorCode[] = ['NETWORK', 'REPO_LOCKED'];

export function isTransient(err: unknown): boolean {
  return err instanceof LifeboatError && transientCodes.includes(err.code);
}

export function classifyRunError(err: unknown): RetryDecision {
  return isTransient(err) ? { retry: true } : { retry: false };
}

/** How a run retries transient failures (tests make it instant). */
export interface RunRetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const defaultRunRetry: RunRetryPolicy = { retries: 3, baseMs: 15_000, maxMs: 120_000 };
