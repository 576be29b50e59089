/**
 * One cancellable long task at a time (a restore): a second start is refused with BUSY, `cancel()`
 * aborts the one running (its call then rejects with CANCELLED), and `close()` waits until it has
 * tidied up, so the app never exits halfway through removing an unfinished file.
 */
import { LifeboatError } from '../shared/errors.ts';

export class ExclusiveTask {
  readonly #busyMessage: string;
  #running: AbortController | undefined;
  #finished: Promise<unknown> = Promise.resolve();

  constructor(busyMessage: string) {
    this.#busyMessage = busyMessage;
  }

  async run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#running) {
      throw new LifeboatError('BUSY', this.#busyMessage, { hint: 'Wait for it to finish, or stop it.' });
    }
    const controller = new AbortController();
    this.#running = controller;
    const run = task(controller.signal);
    this.#finished = run.catch(() => undefined);
    try {
      return await run;
    } catch (err) {
      if (controller.signal.aborted) throw new LifeboatError('CANCELLED', 'The restore was cancelled.');
      throw err;
    } finally {
      this.#running = undefined;
    }
  }

  /** false when nothing was running (or it is already stopping). */
  cancel(): boolean {
    if (!this.#running || this.#running.signal.aborted) return false;
    this.#running.abort();
    return true;
  }

  async close(): Promise<void> {
    this.cancel();
    await this.#finished;
  }
}
