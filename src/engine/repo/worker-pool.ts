/**
 * A small pool of worker_threads for CPU-heavy work (chunk, hash, compress, encrypt), one task per
 * worker at a time. Typed request/response, plus optional mid-task messages from the worker that the
 * caller answers (`onMessage`), which is how the file worker asks "which of these chunks are new?".
 *
 * Backpressure: tasks carry a cost in bytes; a task starts only while the running tasks' cost stays
 * under `maxInFlightBytes` (one task always may run). `waitForSpace()` lets a producer (the scanner)
 * pause while the queue is full. ArrayBuffers listed in `transfer` are moved, never copied.
 * The worker script must call `serveTasks()` from ./workers/worker-runtime.ts.
 */
import { getCompileCacheDir } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Transferable } from 'node:worker_threads';
import { LifeboatError } from '../../shared/errors.ts';
import { cancelledError, fromWireError, toWireError } from './workers/worker-protocol.ts';
import type { FromWorker, ToWorker } from './workers/worker-protocol.ts';

export interface WorkerPoolOptions {
  /** The worker script: `workerScript(new URL('./x-worker.ts', import.meta.url))` (worker-url.ts). */
  url: URL;
  /** Given to every worker once at start (structured clone). */
  workerData?: unknown;
  /** Number of workers; default os.availableParallelism(). */
  size?: number;
  /** Bound on the summed cost of running tasks; default 256 MiB. */
  maxInFlightBytes?: number;
  /** waitForSpace() waits while more tasks than this are queued; default 2 × size. */
  maxQueued?: number;
  /** How long a cancelled task may take to stop before its worker is terminated; default 2 s. */
  cancelGraceMs?: number;
  /** Used in error messages ("the file reader"). */
  name?: string;
}

export interface RunOptions<Msg, Reply> {
  /** ArrayBuffers inside the request to move to the worker. */
  transfer?: readonly Transferable[];
  /** Bytes this task holds while it runs (for backpressure); default: size of `transfer` buffers. */
  cost?: number;
  signal?: AbortSignal;
  /** Answers the worker's ctx.request(); the returned value (or promise) is sent back. */
  onMessage?: (msg: Msg) => Reply | Promise<Reply>;
  /** Describes the task in error messages, e.g. a file path. */
  label?: string;
}

interface Task {
  id: number;
  req: unknown;
  opts: RunOptions<unknown, unknown>;
  cost: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  settled: boolean;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  ready: boolean;
  /** Set when the worker is being stopped (cancel timeout, crash, close). */
  dead: boolean;
  graceTimer?: NodeJS.Timeout;
  /** The uncaught error that is ending the worker (its 'exit' follows). */
  error?: Error;
}

export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
  inFlightBytes: number;
}

const maxStartupFailures = 3;

export class WorkerPool<Req, Res, Msg = never, Reply = never> {
  readonly size: number;
  private readonly opts: Required<Omit<WorkerPoolOptions, 'workerData'>> & { workerData: unknown };
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private inFlightBytes = 0;
  private nextId = 1;
  private closed = false;
  private startupFailures = 0;
  private brokenError: Error | undefined;
  private spaceWaiters: (() => void)[] = [];

  constructor(options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.opts = {
      url: options.url,
      workerData: options.workerData,
      size: this.size,
      maxInFlightBytes: options.maxInFlightBytes ?? 256 * 1024 * 1024,
      maxQueued: options.maxQueued ?? 2 * this.size,
      cancelGraceMs: options.cancelGraceMs ?? 2000,
      name: options.name ?? 'background worker',
    };
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  stats(): PoolStats {
    return {
      size: this.size,
      busy: this.slots.filter((s) => s.task).length,
      queued: this.queue.length,
      inFlightBytes: this.inFlightBytes,
    };
  }

  /** Runs one task on the next free worker. Rejects with CANCELLED on abort or close. */
  run(req: Req, options: RunOptions<Msg, Reply> = {}): Promise<Res> {
    if (this.brokenError) return Promise.reject(this.brokenError);
    if (this.closed) return Promise.reject(cancelledError('The task (worker pool closed)'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelledError('The task'));
    return new Promise<Res>((resolve, reject) => {
      const cost = options.cost ?? (options.transfer ?? []).reduce<number>((n, t) => n + byteSize(t), 0);
      const task: Task = {
        id: this.nextId++,
        req,
        opts: options as RunOptions<unknown, unknown>,
        cost,
        resolve: resolve as (v: unknown) => void,
        reject,
        settled: false,
      };
      if (signal) {
        task.onAbort = () => this.cancel(task);
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Resolves when the queue has room (fewer than maxQueued waiting). For producers. */
  waitForSpace(): Promise<void> {
    if (this.queue.length < this.opts.maxQueued || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Terminates every worker; queued and running tasks reject with CANCELLED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = cancelledError('The task (worker pool closed)');
    for (const t of this.queue.splice(0)) this.settle(t, err);
    const exits: Promise<unknown>[] = [];
    for (const slot of this.slots) {
      if (slot.task) this.settle(slot.task, err);
      slot.dead = true;
      clearTimeout(slot.graceTimer);
      exits.push(slot.worker.terminate());
    }
    this.wakeSpaceWaiters();
    await Promise.allSettled(exits);
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.url, { workerData: this.opts.workerData, ...compileCacheEnv() });
    const slot: Slot = { worker, task: undefined, ready: false, dead: false };
    worker.on('message', (m: FromWorker) => this.onWorkerMessage(slot, m));
    // Handled at 'exit', not 'error': Node delivers the worker's last messages (its 'ready') before
    // 'exit' only, so a task crash is not mistaken for a worker that could not start.
    worker.on('error', (err) => (slot.error = err));
    worker.on('exit', (code) =>
      this.onWorkerGone(slot, slot.error ?? new Error(`worker exited with code ${code}`)),
    );
    worker.unref(); // an idle pool must not keep the process alive; a busy worker is ref'ed
    return slot;
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.task && !s.dead);
      if (!slot) break;
      const next = this.queue[0]!;
      if (this.inFlightBytes > 0 && this.inFlightBytes + next.cost > this.opts.maxInFlightBytes) break;
      this.queue.shift();
      slot.task = next;
      slot.worker.ref();
      this.inFlightBytes += next.cost;
      try {
        this.post(slot, { t: 'run', id: next.id, req: next.req }, next.opts.transfer);
      } catch (err) {
        // e.g. DataCloneError: the request itself is invalid; the worker is unaffected.
        this.release(slot);
        this.settle(next, err instanceof Error ? err : new Error(String(err)));
      }
    }
    this.wakeSpaceWaiters();
  }

  private post(slot: Slot, m: ToWorker, transfer?: readonly Transferable[]): void {
    slot.worker.postMessage(m, transfer as Transferable[] | undefined);
  }

  private onWorkerMessage(slot: Slot, m: FromWorker): void {
    if (m.t === 'ready') {
      slot.ready = true;
      this.startupFailures = 0;
      return;
    }
    const task = slot.task;
    if (!task || task.id !== m.id) return; // a late message of a cancelled task
    if (m.t === 'msg') {
      void this.answer(slot, task, m.seq, m.value);
      return;
    }
    this.release(slot);
    if (m.t === 'done') this.settle(task, undefined, m.value);
    else this.settle(task, fromWireError(m.error));
    this.dispatch();
  }

  private async answer(slot: Slot, task: Task, seq: number, value: unknown): Promise<void> {
    let reply: ToWorker;
    try {
      const handler = task.opts.onMessage;
      if (!handler)
        throw new LifeboatError('INTERNAL', 'The worker sent a message but the task has no onMessage.');
      reply = { t: 'reply', id: task.id, seq, ok: true, value: await handler(value) };
    } catch (err) {
      reply = { t: 'reply', id: task.id, seq, ok: false, error: toWireError(err) };
    }
    if (slot.task === task && !slot.dead && !task.settled) this.post(slot, reply);
  }

  private cancel(task: Task): void {
    if (task.settled) return;
    const qi = this.queue.indexOf(task);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.settle(task, cancelledError('The task'));
      this.wakeSpaceWaiters();
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    this.settle(task, cancelledError('The task'));
    if (!slot) return;
    // The worker stays busy until it acknowledges (done/fail); if it does not stop in time, replace it.
    this.post(slot, { t: 'cancel', id: task.id });
    slot.graceTimer = setTimeout(() => this.replace(slot), this.opts.cancelGraceMs);
  }

  private onWorkerGone(slot: Slot, err: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.graceTimer);
    const task = slot.task;
    if (task) {
      this.release(slot);
      const label = task.opts.label ? ` while working on ${task.opts.label}` : '';
      const what = slot.ready ? 'crashed' : 'could not start';
      this.settle(
        task,
        new LifeboatError('INTERNAL', `A ${this.opts.name} ${what}${label}.`, {
          hint: 'Lifeboat replaced it; run the backup again. If it keeps happening, send the log to support.',
          details: err.message,
        }),
      );
    }
    if (!slot.ready) this.startupFailures++;
    void slot.worker.terminate();
    if (this.closed) return;
    if (this.startupFailures >= maxStartupFailures) {
      this.breakPool(err);
      return;
    }
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots[i] = this.spawn();
    this.dispatch();
  }

  private replace(slot: Slot): void {
    if (slot.dead || this.closed) return;
    slot.dead = true;
    this.release(slot);
    void slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots[i] = this.spawn();
    this.dispatch();
  }

  /** Workers that die before they start (bad script, failed import) would respawn forever. */
  private breakPool(cause: Error): void {
    this.brokenError = new LifeboatError('INTERNAL', `The ${this.opts.name} could not start.`, {
      details: cause.message,
    });
    for (const t of this.queue.splice(0)) this.settle(t, this.brokenError);
    void this.close();
  }

  private release(slot: Slot): void {
    clearTimeout(slot.graceTimer);
    if (slot.task) this.inFlightBytes -= slot.task.cost;
    slot.task = undefined;
    if (!slot.dead) slot.worker.unref();
  }

  private settle(task: Task, err: Error | undefined, value?: unknown): void {
    if (task.settled) return;
    task.settled = true;
    if (task.onAbort) task.opts.signal?.removeEventListener('abort', task.onAbort);
    if (err) task.reject(err);
    else task.resolve(value);
  }

  private wakeSpaceWaiters(): void {
    while (this.spaceWaiters.length > 0 && (this.queue.length < this.opts.maxQueued || this.closed)) {
      this.spaceWaiters.shift()!();
    }
  }
}

/**
 * When this process uses Node's compile cache (module.enableCompileCache(), e.g. by the CLI), the
 * workers use it too: otherwise each one loads the TypeScript stripper and transpiles every module
 * again (~20 MB and ~100 ms per worker). The cache is per process; a worker only sees it via its env.
 */
function compileCacheEnv(): { env?: NodeJS.ProcessEnv } {
  const dir = getCompileCacheDir();
  return dir ? { env: { ...process.env, NODE_COMPILE_CACHE: dir } } : {};
}

function byteSize(t: Transferable): number {
  return t instanceof ArrayBuffer ? t.byteLength : 0;
}
