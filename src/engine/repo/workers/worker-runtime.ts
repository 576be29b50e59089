/**
 * Worker-thread side of WorkerPool: call serveTasks(handler) once in a worker script. Tasks may run
 * concurrently if the pool sends several, each gets its own AbortSignal and request channel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Transferable } from 'node:worker_threads';
import { LifeboatError } from '../../../shared/errors.ts';
import { cancelledError, fromWireError, toWireError } from './worker-protocol.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

export interface TaskContext<Msg, Reply> {
  /** Aborted when the caller cancels the task. */
  readonly signal: AbortSignal;
  /** The pool's `workerData`, given once at worker start (e.g. the repository key). */
  readonly workerData: unknown;
  /** Sends a message to the task's `onMessage` on the main thread and waits for its answer. */
  request(msg: Msg, transfer?: readonly Transferable[]): Promise<Reply>;
}

export interface TaskOutput<Res> {
  value: Res;
  /** ArrayBuffers inside `value` to move (not copy) to the main thread. */
  transfer?: readonly Transferable[];
}

export type TaskHandler<Req, Res, Msg = never, Reply = never> = (
  req: Req,
  ctx: TaskContext<Msg, Reply>,
) => Promise<TaskOutput<Res>> | TaskOutput<Res>;

interface RunningTask {
  abort: AbortController;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
  nextSeq: number;
}

export function serveTasks<Req, Res, Msg = never, Reply = never>(
  handler: TaskHandler<Req, Res, Msg, Reply>,
): void {
  const port = parentPort;
  if (!port) throw new LifeboatError('INTERNAL', 'serveTasks() must run inside a worker thread.');
  const tasks = new Map<number, RunningTask>();
  const post = (m: FromWorker, transfer?: readonly Transferable[]) =>
    port.postMessage(m, transfer as Transferable[]);

  async function run(id: number, req: Req): Promise<void> {
    const task: RunningTask = { abort: new AbortController(), pending: new Map(), nextSeq: 0 };
    tasks.set(id, task);
    const ctx: TaskContext<Msg, Reply> = {
      signal: task.abort.signal,
      workerData,
      request(msg, transfer) {
        if (task.abort.signal.aborted) return Promise.reject(cancelledError('The task'));
        const seq = task.nextSeq++;
        return new Promise<Reply>((resolve, reject) => {
          task.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
          post({ t: 'msg', id, seq, value: msg }, transfer);
        });
      },
    };
    try {
      const out = await handler(req, ctx);
      post({ t: 'done', id, value: out.value }, out.transfer);
    } catch (err) {
      post({ t: 'fail', id, error: toWireError(err) });
    } finally {
      tasks.delete(id);
    }
  }

  port.on('message', (m: ToWorker) => {
    switch (m.t) {
      case 'run':
        void run(m.id, m.req as Req);
        break;
      case 'reply': {
        const p = tasks.get(m.id)?.pending;
        const waiter = p?.get(m.seq);
        if (!waiter) break;
        p!.delete(m.seq);
        if (m.ok) waiter.resolve(m.value);
        else waiter.reject(fromWireError(m.error));
        break;
      }
      case 'cancel': {
        const task = tasks.get(m.id);
        if (!task) break;
        task.abort.abort(cancelledError('The task'));
        for (const w of task.pending.values()) w.reject(cancelledError('The task'));
        task.pending.clear();
        break;
      }
    }
  });
  post({ t: 'ready' });
}
