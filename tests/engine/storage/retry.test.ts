import { describe, expect, it, vi } from 'vitest';
import { retryAfterMs, withRetry } from '../../../src/engine/storage/retry.ts';

const noWait = { sleep: async () => undefined, random: () => 1 };

describe('withRetry', () => {
  it('retries transient errors and returns the first success', async () => {
    const attempt = vi.fn().mockRejectedValueOnce(new Error('503')).mockRejectedValueOnce(new Error('429')).mockResolvedValue('ok');
    await expect(withRetry(attempt, { ...noWait, classify: () => ({ retry: true }) })).resolves.toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('stops at once on a final error', async () => {
    const attempt = vi.fn().mockRejectedValue(new Error('quota'));
    await expect(withRetry(attempt, { ...noWait, classify: () => ({ retry: false }) })).rejects.toThrow('quota');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('gives up after the configured retries', async () => {
    const attempt = vi.fn().mockRejectedValue(new Error('down'));
    await expect(withRetry(attempt, { ...noWait, retries: 3, classify: () => ({ retry: true }) })).rejects.toThrow('down');
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it('backs off exponentially with a cap and honours Retry-After', async () => {
    const delays: number[] = [];
    const attempt = vi.fn().mockRejectedValue(new Error('x'));
    await withRetry(attempt, {
      retries: 6,
      baseMs: 100,
      maxMs: 1000,
      random: () => 1,
      sleep: async (ms) => void delays.push(ms),
      classify: (_e) => ({ retry: true, afterMs: delays.length === 5 ? 5000 : undefined }),
    }).catch(() => undefined);
    expect(delays).toEqual([100, 200, 400, 800, 1000, 5000]);
  });

  it('cancellation stops waiting', async () => {
    const controller = new AbortController();
    const attempt = vi.fn().mockImplementation(async () => {
      controller.abort();
      throw new Error('x');
    });
    await expect(withRetry(attempt, { signal: controller.signal, classify: () => ({ retry: true }) })).rejects.toThrow();
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('parses Retry-After', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
