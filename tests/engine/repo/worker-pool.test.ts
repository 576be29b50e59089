import { afterEach, describe, expect, it } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { WorkerPool } from '../../../src/engine/repo/worker-pool.ts';
import type { TestReq } from './worker-pool.test-worker.ts';

const url = new URL('./worker-pool.test-worker.ts', import.meta.url);
let pool: WorkerPool<TestReq, unknown, number, number> | undefined;

function makePool(
  opts: { size?: number; maxInFlightBytes?: number; cancelGraceMs?: number; maxQueued?: number } = {},
) {
  pool = new WorkerPool<TestReq, unknown, number, number>({
    url,
    workerData: { key: 'k' },
    size: 2,
    ...opts,
  });
  return pool;
}

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('WorkerPool', () => {
  it('runs tasks in parallel on several workers and passes workerData', async () => {
    const p = makePool();
    const all = Promise.all([1, 2, 3, 4].map(() => p.run({ op: 'sleep', ms: 150 })));
    expect(p.stats()).toMatchObject({ size: 2, busy: 2, queued: 2 });
    const ids = await all;
    expect(new Set(ids).size).toBe(2); // both threads did work
    const echo = (await p.run({ op: 'echo', value: [1, 'a'] })) as { value: unknown; workerData: unknown };
    expect(echo.value).toEqual([1, 'a']);
    expect(echo.workerData).toEqual({ key: 'k' });
  });

  it('moves ArrayBuffers both ways without copying', async () => {
    const p = makePool();
    const buf = new ArrayBuffer(1 << 20);
    new Uint8Array(buf).fill(1);
    const sum = await p.run({ op: 'sum', buf }, { transfer: [buf] });
    expect(sum).toBe(1 << 20);
    expect(buf.byteLength).toBe(0); // detached: it was moved
    const out = (await p.run({ op: 'make-buffer', size: 1000 })) as ArrayBuffer;
    expect(out.byteLength).toBe(1000);
  });

  it('answers mid-task messages through onMessage', async () => {
    const p = makePool();
    const seen: number[] = [];
    const total = await p.run(
      { op: 'ask', n: 5 },
      {
        onMessage: async (n) => {
          seen.push(n);
          await new Promise((r) => setTimeout(r, 5));
          return n * 10;
        },
      },
    );
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(total).toBe(150);
  });

  it('limits in-flight bytes (backpressure) and bounds the queue', async () => {
    const p = makePool({ maxInFlightBytes: 100, maxQueued: 1 });
    const running: Promise<unknown>[] = [];
    running.push(p.run({ op: 'sleep', ms: 100 }, { cost: 80 }));
    running.push(p.run({ op: 'sleep', ms: 100 }, { cost: 80 }));
    await new Promise((r) => setTimeout(r, 20));
    // one worker is idle, but the second task would exceed 100 bytes in flight
    expect(p.stats()).toMatchObject({ busy: 1, queued: 1, inFlightBytes: 80 });
    let spaced = false;
    const space = p.waitForSpace().then(() => (spaced = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(spaced).toBe(false);
    await running[0];
    await space;
    expect(p.stats().inFlightBytes).toBe(80);
    await Promise.all(running);
    expect(p.stats()).toMatchObject({ busy: 0, queued: 0, inFlightBytes: 0 });
  });

  it('cancels queued and running tasks', async () => {
    const p = makePool({ size: 1 });
    const ac = new AbortController();
    const running = p.run({ op: 'sleep', ms: 5000 }, { signal: ac.signal });
    const queuedAc = new AbortController();
    const queued = p.run({ op: 'sleep', ms: 10 }, { signal: queuedAc.signal });
    queuedAc.abort();
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    ac.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await p.run({ op: 'echo', value: 1 })).toMatchObject({ value: 1 }); // worker is free again
    const pre = new AbortController();
    pre.abort();
    await expect(p.run({ op: 'echo', value: 1 }, { signal: pre.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('replaces a worker that ignores cancellation', async () => {
    const p = makePool({ size: 1, cancelGraceMs: 100 });
    const ac = new AbortController();
    const spinning = p.run({ op: 'spin', ms: 3000 }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    ac.abort();
    await expect(spinning).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await p.run({ op: 'echo', value: 2 })).toMatchObject({ value: 2 });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('rejects the task of a crashed worker with a clear error and keeps working', async () => {
    const p = makePool();
    const err = await p.run({ op: 'crash' }, { label: 'report.csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).code).toBe('INTERNAL');
    expect((err as LifeboatError).message).toMatch(/crashed while working on report\.csv/);
    expect((err as LifeboatError).details).toMatch(/boom/);
    const results = await Promise.all([1, 2, 3].map((v) => p.run({ op: 'echo', value: v })));
    expect(results.map((r) => (r as { value: number }).value)).toEqual([1, 2, 3]);
  });

  it('passes typed errors through with code and hint', async () => {
    const p = makePool();
    const err = await p.run({ op: 'typed-error' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err).toMatchObject({ code: 'SOURCE_UNREADABLE', message: 'cannot read x', hint: 'fix it' });
  });

  it('close() rejects pending work and refuses new tasks', async () => {
    const p = makePool({ size: 1 });
    const a = expect(p.run({ op: 'sleep', ms: 5000 })).rejects.toMatchObject({ code: 'CANCELLED' });
    const b = expect(p.run({ op: 'sleep', ms: 5000 })).rejects.toMatchObject({ code: 'CANCELLED' });
    await p.close();
    await a;
    await b;
    await expect(p.run({ op: 'echo', value: 1 })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('fails clearly when the worker script cannot start', async () => {
    pool = new WorkerPool<TestReq, unknown, number, number>({
      url: new URL('./no-such-worker.ts', import.meta.url),
      size: 1,
      name: 'test worker',
    });
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++)
      errors.push(await pool.run({ op: 'echo', value: 1 }).catch((e: unknown) => e));
    expect(errors.every((e) => e instanceof LifeboatError && e.code === 'INTERNAL')).toBe(true);
    expect((errors[3] as LifeboatError).message).toMatch(/could not start/);
  });
});
