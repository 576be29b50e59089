import type { EventName, EventPayload, JobSummary, ProgressEvent } from '../shared/contract.ts';
import { log } from './log.ts';
import { progressPercent } from './tray-state.ts';

/** What the tracker needs from the Service: the list and the events. */
export interface JobSource {
  listJobs(): Promise<JobSummary[]>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** A job's state as a `jobState` event changed it; `previous` is what the tracker knew before. */
export interface JobTransition {
  previous: JobSummary | undefined;
  current: JobSummary;
}

export interface JobTrackerOptions {
  /**
   * How often the whole list is read again. Events cover this process's runs and changes, but a
   * deleted job sends no event, and a run started by `lifeboat job run` in another process shows up
   * only in the history.
   */
  refreshMs?: number;
}

/**
 * The main process's one picture of the jobs, shared by the tray, the keep-awake blocker and the run
 * notifications: the latest summary of every job and the percentage of the runs in progress.
 */
export class JobTracker {
  readonly #source: JobSource;
  readonly #refreshMs: number;
  readonly #jobs = new Map<string, JobSummary>();
  readonly #percents = new Map<string, number>();
  /** Which event last touched each job, so a slow list read cannot undo a newer event. */
  readonly #touched = new Map<string, number>();
  readonly #changeListeners = new Set<() => void>();
  readonly #transitionListeners = new Set<(transition: JobTransition) => void>();
  #sequence = 0;
  #unsubscribes: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #disposed = false;

  constructor(source: JobSource, options: JobTrackerOptions = {}) {
    this.#source = source;
    this.#refreshMs = options.refreshMs ?? 60_000;
  }

  /** Subscribes first, then reads the list: nothing that happens in between is missed. */
  async start(): Promise<void> {
    this.#unsubscribes = [
      this.#source.on('jobState', (summary) => this.#applyEvent(summary)),
      this.#source.on('progress', (progress) => this.#applyProgress(progress)),
    ];
    await this.refresh();
    if (this.#disposed) return; // disposed while the first list was read (quit during start-up)
    this.#timer = setInterval(() => void this.refresh(), this.#refreshMs);
    this.#timer.unref();
  }

  jobs(): JobSummary[] {
    return [...this.#jobs.values()];
  }

  /** Percentages of the runs in progress that reported one, by job id. */
  percents(): ReadonlyMap<string, number> {
    return this.#percents;
  }

  /** Any change: a job's state, the list, or a run's percentage. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Only changes reported by `jobState` events, with the state before: "a run just ended" lives here. */
  onTransition(listener: (transition: JobTransition) => void): () => void {
    this.#transitionListeners.add(listener);
    return () => this.#transitionListeners.delete(listener);
  }

  async refresh(): Promise<void> {
    const startedAt = this.#sequence;
    let list: JobSummary[];
    try {
      list = await this.#source.listJobs();
    } catch (err) {
      log.warn('Could not read the list of jobs:', err);
      return;
    }
    const fresh = (id: string): boolean => (this.#touched.get(id) ?? 0) <= startedAt;
    const listed = new Set(list.map((job) => job.id));
    for (const id of [...this.#jobs.keys()]) {
      if (!listed.has(id) && fresh(id)) this.#forget(id);
    }
    for (const job of list) {
      if (fresh(job.id)) this.#set(job);
    }
    this.#changed();
  }

  dispose(): void {
    this.#disposed = true;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
    clearInterval(this.#timer);
    this.#changeListeners.clear();
    this.#transitionListeners.clear();
  }

  #applyEvent(summary: JobSummary): void {
    const previous = this.#jobs.get(summary.id);
    this.#touched.set(summary.id, ++this.#sequence);
    this.#set(summary);
    for (const listener of this.#transitionListeners) {
      try {
        listener({ previous, current: summary });
      } catch (err) {
        log.warn('A job state listener failed:', err);
      }
    }
    this.#changed();
  }

  #applyProgress(progress: ProgressEvent): void {
    if (!progress.jobId || this.#jobs.get(progress.jobId)?.status !== 'running') return;
    const percent = progressPercent(progress);
    const known = this.#percents.get(progress.jobId);
    if (percent === known || (percent === null && known === undefined)) return;
    if (percent === null) this.#percents.delete(progress.jobId);
    else this.#percents.set(progress.jobId, percent);
    this.#changed();
  }

  #set(summary: JobSummary): void {
    this.#jobs.set(summary.id, summary);
    // A percentage belongs to the run in progress; the next run starts from nothing.
    if (summary.status !== 'running') this.#percents.delete(summary.id);
  }

  #forget(id: string): void {
    this.#jobs.delete(id);
    this.#percents.delete(id);
    this.#touched.delete(id);
  }

  #changed(): void {
    for (const listener of this.#changeListeners) {
      try {
        listener();
      } catch (err) {
        log.warn('A job list listener failed:', err);
      }
    }
  }
}
