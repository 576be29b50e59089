/**
 * The loop that makes jobs run by themselves, in hosts that stay up (the desktop app, `lifeboat
 * serve`); one-shot CLI commands never start it.
 *
 * Like KopiaUI's sleepable timer it never trusts a long timer: it wakes at most every 30 s, reads
 * the wall clock and asks the manager to start whatever is due (the plan is recomputed from the
 * persisted history each time). So a computer that slept through a slot catches up within a tick of
 * waking, and hosts also call `resume()` on the OS's resume/unlock events to do it at once. The first
 * tick happens right at start: missed runs are caught up when the app starts.
 *
 * Each tick also starts the restore drills that are due (they queue behind backups of the same
 * repository) and runs `onTick` (the Service's watchdog, which alerts when backups stopped happening).
 */
import type { JobManager } from './job-manager.ts';
import { SchedulerLock } from './scheduler-lock.ts';

export const maxTickMs = 30_000;

export interface SchedulerOptions {
  dataDir: string;
  /** Default and maximum 30 s; tests use a few milliseconds. */
  tickMs?: number;
  /** Problems starting a job (other than the run's own failure, which goes to the history). */
  onError?: (jobId: string | null, err: unknown) => void;
  /** More work for every tick of the scheduler that holds the lock (the notification watchdog). */
  onTick?: () => Promise<void>;
}

export class Scheduler {
  readonly #manager: JobManager;
  readonly #lock: SchedulerLock;
  readonly #tickMs: number;
  readonly #onError: (jobId: string | null, err: unknown) => void;
  readonly #onTick: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #started = false;

  constructor(manager: JobManager, options: SchedulerOptions) {
    this.#manager = manager;
    this.#lock = new SchedulerLock(options.dataDir, manager.instance);
    this.#tickMs = Math.min(maxTickMs, Math.max(1, options.tickMs ?? maxTickMs));
    this.#onError = options.onError ?? (() => undefined);
    this.#onTick = options.onTick;
  }

  get running(): boolean {
    return this.#started;
  }

  /** Whether this process is the one running the schedules (another may hold the lock). */
  get active(): boolean {
    return this.#lock.held;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#loop();
  }

  /** After sleep, unlock or a network change: look at the clock now instead of at the next tick. */
  resume(): Promise<void> {
    return this.tick();
  }

  /** One look at the clock. Single flight: a tick never overlaps another. */
  tick(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    try {
      if (!(await this.#lock.acquire())) return; // another Lifeboat runs the schedules
      await this.#manager.startDue((jobId, err) => this.#onError(jobId, err));
      await this.#manager.startDueDrills((jobId, err) => this.#onError(jobId, err));
    } catch (err) {
      this.#onError(null, err);
    }
    if (!this.#lock.held || !this.#onTick) return;
    try {
      await this.#onTick();
    } catch (err) {
      this.#onError(null, err);
    }
  }

  async #loop(): Promise<void> {
    if (!this.#started) return;
    await this.tick();
    if (!this.#started) return;
    this.#timer = setTimeout(() => void this.#loop(), this.#tickMs);
    this.#timer.unref(); // a host keeps the process alive; the scheduler alone does not
  }

  /** Stops ticking and gives the lock to the next host. Runs in progress are the manager's business. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    await this.#lock.release().catch(() => undefined);
  }
}
