// Worker script for worker-pool.test.ts (runs in a real worker thread, on Node's type stripping).
import { threadId } from 'node:worker_threads';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { serveTasks } from '../../../src/engine/repo/workers/worker-runtime.ts';

export type TestReq =
  | { op: 'echo'; value: unknown }
  | { op: 'sum'; buf: ArrayBuffer }
  | { op: 'sleep'; ms: number }
  | { op: 'spin'; ms: number }
  | { op: 'crash' }
  | { op: 'typed-error' }
  | { op: 'ask'; n: number }
  | { op: 'make-buffer'; size: number };

serveTasks<TestReq, unknown, number, number>(async (req, ctx) => {
  switch (req.op) {
    case 'echo':
      return { value: { value: req.value, threadId, workerData: ctx.workerData } };
    case 'sum': {
      const bytes = new Uint8Array(req.buf);
      let s = 0;
      for (const b of bytes) s += b;
      return { value: s };
    }
    case 'sleep':
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, req.ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(ctx.signal.reason as Error);
        });
      });
      return { value: threadId };
    case 'spin': {
      const end = Date.now() + req.ms; // ignores cancellation on purpose
      while (Date.now() < end);
      return { value: 'spun' };
    }
    case 'crash':
      setImmediate(() => {
        throw new Error('boom');
      });
      await new Promise(() => {});
      return { value: null };
    case 'typed-error':
      throw new LifeboatError('SOURCE_UNREADABLE', 'cannot read x', { hint: 'fix it' });
    case 'ask': {
      let total = 0;
      for (let i = 1; i <= req.n; i++) total += await ctx.request(i);
      return { value: total };
    }
    case 'make-buffer': {
      const buf = new ArrayBuffer(req.size);
      new Uint8Array(buf).fill(7);
      return { value: buf, transfer: [buf] };
    }
  }
});
