/**
 * Jobs as the Service offers them: definitions (job-store), history (history-store), the runs in
 * progress in this process, one writer per repository (keyed-queue), and the run itself (runner);
 * restore drills the same way (drill-history, drill-runner), through the same per-repository queue,
 * so a drill never overlaps a backup of its repository. The scheduler only asks it to start what is due.
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { EventName, EventPayload, JobDetails, JobSummary } from '../../shared/contract.ts';
import { LifeboatError } from '../../shared/errors.ts';
import {
  jobIdSchema,
  runIdSchema,
  type DrillRecord,
  type Job,
  type JobDraft,
  type JobHistory,
  type JobRun,
  type RunLogLine,
  type RunTrigger,
} from '../../shared/jobs.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { DrillHistoryStore } from './drill-history.ts';
import { lastFinishedDrill, planDrill } from './drill-plan.ts';
import { recordDrill } from './drill-runner.ts';
import { HistoryStore, isOrphaned } from './history-store.ts';
import type { RunHooks } from './hooks.ts';
import { prepareJob, type JobPasswords } from './job-draft.ts';
import { JobStore } from './job-store.ts';
import { KeyedQueue } from './keyed-queue.ts';
import type { Language } from './notify/format.ts';
import { planJob, type JobPlan } from './plan.ts';
import { reconciledHistory } from './history-view.ts';
import { readRunLog, removeRunLogs } from './run-log.ts';
import { newRunId, recordRun } from './run-record.ts';
import type { RunnerDeps } from './run-context.ts';
import { summarize } from './summary.ts';
import { defaultRunRetry } from './transient.ts';

export interface JobManagerOptions {
  dataDir: string;
  secrets: () => Promise<SecretStore>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  hooks?: readonly RunHooks[];
  /** The clock (tests move it). */
  now?: () => Date;
  /** The language of drill reports (the user's, read when a drill starts). Default English. */
  language?: () => Language;
  /** Runner tuning for tests: instant retries, a failing backend, short lock pauses. */
  runner?: Partial<Omit<RunnerDeps, 'dataDir' | 'secrets' | 'emitProgress' | 'now'>>;
}

interface ActiveEntry {
  runId: string;
  queued: boolean;
  controller: AbortController;
  /** Aborted because the app is closing: recorded as interrupted (redone at next start), not cancelled. */
  shutdown: boolean;
  done: Promise<JobRun>;
}

interface ActiveDrill {
  runId: string;
  queued: boolean;
  controller: AbortController;
  shutdown: boolean;
  done: Promise<DrillRecord>;
}

export class JobManager {
  readonly store: JobStore;
  readonly history: HistoryStore;
  readonly drillHistory: DrillHistoryStore;
  /** Tells this process's runs from those of another Lifeboat process using the same data folder. */
  readonly instance = randomBytes(8).toString('hex');
  readonly #options: JobManagerOptions;
  readonly #now: () => Date;
  readonly #queue = new KeyedQueue();
  readonly #active = new Map<string, ActiveEntry>();
  readonly #drills = new Map<string, ActiveDrill>();
  #reportedProblems = 0;

  constructor(options: JobManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.store = new JobStore(options.dataDir);
    this.history = new HistoryStore(options.dataDir);
    this.drillHistory = new DrillHistoryStore(options.dataDir);
  }

  get now(): Date {
    return this.#now();
  }

  #deps(): RunnerDeps {
    return {
      retry: defaultRunRetry,
      ...this.#options.runner,
      dataDir: this.#options.dataDir,
      secrets: this.#options.secrets,
      emitProgress: (p) => this.#options.emit('progress', p),
      now: this.#now,
    };
  }

  // ---- reading ----

  async jobs(): Promise<Job[]> {
    const jobs = await this.store.list();
    // A damaged jobs file was set aside: say so once, loudly, where every host sees it.
    for (const problem of this.store.problems.slice(this.#reportedProblems)) {
      this.#options.emit('log', {
        time: problem.time,
        level: 'error',
        jobId: null,
        message: `${problem.message} Kept at ${problem.keptAt}.`,
      });
    }
    this.#reportedProblems = this.store.problems.length;
    return jobs;
  }

  async #job(id: string): Promise<Job> {
    const job = (await this.jobs()).find((j) => j.id === id);
    if (!job) throw new LifeboatError('NOT_FOUND', `There is no job with the id ${id}.`);
    return job;
  }

  /** The job's runs, oldest first; runs left "running" by a dead process are closed as interrupted. */
  async runsOf(jobId: string): Promise<JobRun[]> {
    const runs = await this.history.runs(jobId);
    const orphans = runs.filter((r) => isOrphaned(r, { instance: this.instance }));
    if (orphans.length === 0) return runs;
    for (const run of orphans) {
      await this.history.append({ ...run, status: 'interrupted', finishedAt: this.#now().toISOString() });
    }
    return this.history.runs(jobId);
  }

  /** A run of this job in progress in another live process (e.g. `lifeboat job run` next to the app). */
  #runningElsewhere(runs: readonly JobRun[]): JobRun | undefined {
    return runs.find((r) => r.status === 'running' && r.instance !== this.instance);
  }

  plan(job: Job, runs: readonly JobRun[]): JobPlan | null {
    return planJob(job, runs, this.#now());
  }

  async summary(job: Job): Promise<JobSummary> {
    const runs = await this.runsOf(job.id);
    const entry = this.#active.get(job.id);
    const elsewhere = this.#runningElsewhere(runs);
    const active = entry
      ? { runId: entry.runId, queued: entry.queued }
      : elsewhere
        ? { runId: elsewhere.runId, queued: false }
        : undefined;
    const drills = await this.drillsOf(job.id);
    return summarize(job, runs, active, this.plan(job, runs), this.#now(), {
      last: lastFinishedDrill(drills),
      next: planDrill(job, drills, runs, this.#now()),
      // This process's drill, or one another live Lifeboat process runs (`lifeboat drill` next to the app).
      activeRunId:
        this.#drills.get(job.id)?.runId ?? drills.find((d) => d.status === 'running')?.runId ?? null,
    });
  }

  /** The job's restore drills, oldest first; drills left "running" by a dead process are closed as interrupted. */
  async drillsOf(jobId: string): Promise<DrillRecord[]> {
    const drills = await this.drillHistory.drills(jobId);
    const orphans = drills.filter((d) => isOrphaned(d, { instance: this.instance }));
    if (orphans.length === 0) return drills;
    for (const drill of orphans) {
      await this.drillHistory.append({
        ...drill,
        status: 'interrupted',
        finishedAt: this.#now().toISOString(),
      });
    }
    return this.drillHistory.drills(jobId);
  }

  async list(): Promise<JobSummary[]> {
    return Promise.all((await this.jobs()).map((job) => this.summary(job)));
  }

  async details(id: string): Promise<JobDetails> {
    const job = await this.#job(id);
    return { job, summary: await this.summary(job) };
  }

  async #emitState(jobId: string): Promise<void> {
    const job = (await this.store.list()).find((j) => j.id === jobId);
    if (job) this.#options.emit('jobState', await this.summary(job));
  }

  // ---- changing ----

  async save(draft: JobDraft, passwords: JobPasswords = {}): Promise<Job> {
    const existing = draft.id ? await this.#job(draft.id) : undefined;
    const job = await prepareJob(this.#deps(), draft, existing, passwords);
    // Preparing can take seconds (it opens the repository to prove a password): a pause or resume made
    // meanwhile, here or in another process, is on disk now, and an edit that did not set `enabled` keeps it.
    const saved =
      existing && draft.enabled === undefined
        ? ((await this.store.update(job.id, (current) => ({ ...job, enabled: current.enabled }))) ??
          (await this.store.put(job)))
        : await this.store.put(job);
    await this.#emitState(saved.id);
    return saved;
  }

  /**
   * Removes the job. Its snapshots stay in the repository and the repository password stays in the
   * keychain: restoring from them must remain possible.
   */
  async remove(id: string, keepHistory = false): Promise<boolean> {
    await this.#job(id);
    if (this.#active.has(id) || this.#drills.has(id)) throw busy();
    const removed = await this.store.remove(id);
    if (!keepHistory) {
      await this.history.remove(id);
      await this.drillHistory.remove(id);
      await removeRunLogs(this.#options.dataDir, id);
    }
    return removed;
  }

  async setEnabled(id: string, enabled: boolean): Promise<JobSummary> {
    const job = await this.#job(id);
    const saved =
      job.enabled === enabled
        ? job
        : // from the newest copy on disk: another process may have edited the job since we read it
          ((await this.store.update(id, (j) => ({ ...j, enabled, updatedAt: this.#now().toISOString() }))) ??
          job);
    const summary = await this.summary(saved);
    this.#options.emit('jobState', summary);
    return summary;
  }

  // ---- running ----

  isActive(jobId: string): boolean {
    return this.#active.has(jobId);
  }

  /**
   * Starts a run (it may first wait for another job with the same repository). Returns at once;
   * `done` settles when the run has ended and is in the history.
   */
  async start(
    jobId: string,
    trigger: RunTrigger,
    slot: Date | null,
  ): Promise<{ runId: string; alreadyRunning: boolean; done: Promise<JobRun> }> {
    const current = this.#active.get(jobId);
    if (current) return { runId: current.runId, alreadyRunning: true, done: current.done };
    const runId = newRunId(this.#now());
    const controller = new AbortController();
    let release!: (job: Job) => void;
    let refuse!: (err: unknown) => void;
    const ready = new Promise<Job>((resolve, reject) => ((release = resolve), (refuse = reject)));
    // Registered before the first await, so two callers can never start the same job twice.
    const entry: ActiveEntry = {
      runId,
      queued: true,
      controller,
      shutdown: false,
      done: undefined as unknown as Promise<JobRun>,
    };
    this.#active.set(jobId, entry);
    entry.done = ready
      .then((job) =>
        this.#queue.run(job.destination.repositoryId, () => this.#execute(job, entry, trigger, slot)),
      )
      .finally(() => {
        this.#active.delete(jobId);
        void this.#emitState(jobId).catch(() => undefined);
      });
    entry.done.catch(() => undefined); // callers that ignore `done` must not see an unhandled rejection
    try {
      const job = await this.#job(jobId);
      const elsewhere = this.#runningElsewhere(await this.runsOf(jobId));
      if (elsewhere) {
        throw new LifeboatError(
          'BUSY',
          `This job is already running in another Lifeboat process (PID ${elsewhere.pid}).`,
          {
            hint: 'Wait for it to finish, or stop it there.',
          },
        );
      }
      release(job);
    } catch (err) {
      refuse(err);
      await entry.done.catch(() => undefined);
      throw err;
    }
    await this.#emitState(jobId);
    return { runId, alreadyRunning: false, done: entry.done };
  }

  async #execute(job: Job, entry: ActiveEntry, trigger: RunTrigger, slot: Date | null): Promise<JobRun> {
    entry.queued = false;
    return recordRun({
      job,
      runId: entry.runId,
      trigger,
      slot,
      instance: this.instance,
      previousRuns: await this.runsOf(job.id),
      history: this.history,
      deps: this.#deps(),
      signal: entry.controller.signal,
      shutdown: () => entry.shutdown,
      hooks: this.#options.hooks ?? [],
      onStarted: () => this.#emitState(job.id),
      onLog: (line) => this.#options.emit('log', { ...line, jobId: job.id }),
    });
  }

  /** Stops the run and the restore drill of a job (running or waiting); false when there was none. */
  cancel(jobId: string): boolean {
    const entries = [this.#active.get(jobId), this.#drills.get(jobId)].filter((e) => e !== undefined);
    for (const entry of entries) entry.controller.abort();
    return entries.length > 0;
  }

  /** Starts every job that is due; the scheduler calls this on each tick. */
  async startDue(onError: (jobId: string, err: unknown) => void = () => undefined): Promise<string[]> {
    const started: string[] = [];
    const now = this.#now();
    for (const job of await this.jobs()) {
      if (this.#active.has(job.id)) continue;
      try {
        const runs = await this.runsOf(job.id);
        if (this.#runningElsewhere(runs)) continue;
        const plan = planJob(job, runs, now);
        if (!plan || plan.at.getTime() > now.getTime()) continue;
        await this.start(job.id, plan.trigger, plan.slot);
        started.push(job.id);
      } catch (err) {
        onError(job.id, err);
      }
    }
    return started;
  }

  /** Waits until no run is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#active.size > 0 || this.#drills.size > 0) {
      await Promise.allSettled([...this.#active.values(), ...this.#drills.values()].map((e) => e.done));
    }
  }

  /** Stops every run as "interrupted" (the next start redoes them) and waits for them to be recorded. */
  async close(): Promise<void> {
    for (const entry of [...this.#active.values(), ...this.#drills.values()]) {
      entry.shutdown = true;
      entry.controller.abort();
    }
    await this.idle();
  }

  // ---- restore drills ----

  isDrilling(jobId: string): boolean {
    return this.#drills.has(jobId);
  }

  /**
   * Starts a restore drill of the job (it may first wait for other work on the same repository).
   * Returns at once; `done` settles when the drill has ended and is in the history.
   */
  async startDrill(
    jobId: string,
    trigger: DrillRecord['trigger'],
  ): Promise<{ runId: string; alreadyRunning: boolean; done: Promise<DrillRecord> }> {
    const current = this.#drills.get(jobId);
    if (current) return { runId: current.runId, alreadyRunning: true, done: current.done };
    const entry: ActiveDrill = {
      runId: newRunId(this.#now()),
      queued: true,
      controller: new AbortController(),
      shutdown: false,
      done: undefined as unknown as Promise<DrillRecord>,
    };
    let release!: (job: Job) => void;
    let refuse!: (err: unknown) => void;
    const ready = new Promise<Job>((resolve, reject) => ((release = resolve), (refuse = reject)));
    // Registered before the first await, so two callers can never start two drills of one job.
    this.#drills.set(jobId, entry);
    entry.done = ready
      .then((job) =>
        this.#queue.run(job.destination.repositoryId, () => this.#executeDrill(job, entry, trigger)),
      )
      .finally(() => {
        this.#drills.delete(jobId);
        void this.#emitState(jobId).catch(() => undefined);
      });
    entry.done.catch(() => undefined);
    try {
      const job = await this.#job(jobId);
      const elsewhere = (await this.drillsOf(jobId)).find(
        (d) => d.status === 'running' && d.instance !== this.instance,
      );
      if (elsewhere) {
        throw new LifeboatError(
          'BUSY',
          `A restore drill of this job is already running in another Lifeboat process (PID ${elsewhere.pid}).`,
          { hint: 'Wait for it to finish, or stop it there.' },
        );
      }
      release(job);
    } catch (err) {
      refuse(err);
      await entry.done.catch(() => undefined);
      throw err;
    }
    await this.#emitState(jobId);
    return { runId: entry.runId, alreadyRunning: false, done: entry.done };
  }

  async #executeDrill(job: Job, entry: ActiveDrill, trigger: DrillRecord['trigger']): Promise<DrillRecord> {
    entry.queued = false;
    return recordDrill({
      job,
      runId: entry.runId,
      trigger,
      instance: this.instance,
      history: this.drillHistory,
      deps: this.#deps(),
      signal: entry.controller.signal,
      shutdown: () => entry.shutdown,
      hooks: this.#options.hooks ?? [],
      language: this.#options.language?.() ?? 'en',
      onStarted: () => this.#emitState(job.id),
      onLog: (line) => this.#options.emit('log', { ...line, jobId: job.id }),
    });
  }

  /** Starts the restore drill of every job whose drill is due; the scheduler calls this on each tick. */
  async startDueDrills(onError: (jobId: string, err: unknown) => void = () => undefined): Promise<string[]> {
    const started: string[] = [];
    const now = this.#now();
    for (const job of await this.jobs()) {
      if (this.#drills.has(job.id) || !job.enabled || !job.drill.enabled) continue;
      try {
        const drills = await this.drillsOf(job.id);
        if (drills.some((d) => d.status === 'running')) continue; // another live process is on it
        const due = planDrill(job, drills, await this.runsOf(job.id), now);
        if (!due || due.getTime() > now.getTime()) continue;
        await this.startDrill(job.id, 'schedule');
        started.push(job.id);
      } catch (err) {
        onError(job.id, err);
      }
    }
    return started;
  }

  /** The HTML report of one drill, as kept on this computer. */
  async drillReport(jobId: string, runId: string): Promise<{ html: string; path: string; passed: boolean }> {
    if (!jobIdSchema.safeParse(jobId).success || !runIdSchema.safeParse(runId).success) {
      throw new LifeboatError('INVALID_ARGUMENT', `"${runId}" is not a run id.`);
    }
    const drill = (await this.drillHistory.drills(jobId)).find((d) => d.runId === runId);
    if (!drill) throw new LifeboatError('NOT_FOUND', `There is no restore drill ${runId} of job ${jobId}.`);
    const reportPath = drill.reportPath;
    if (!reportPath) {
      throw new LifeboatError('NOT_FOUND', 'This restore drill has no report.', {
        hint: drill.error ? `It could not run: ${drill.error.message}` : 'The drill has not finished yet.',
      });
    }
    const html = await readFile(reportPath, 'utf8').catch((err: unknown) => {
      throw new LifeboatError(
        'NOT_FOUND',
        'The report file of this restore drill is gone from this computer.',
        {
          hint: drill.reportSnapshotId
            ? `A copy is in the repository: snapshot ${drill.reportSnapshotId.slice(0, 8)} (tag lifeboat-drill-report).`
            : 'Run a new restore drill.',
          details: reportPath,
          cause: err,
        },
      );
    });
    return { html, path: reportPath, passed: drill.status === 'passed' };
  }

  // ---- history ----

  async jobHistory(id: string, options: { limit?: number; reconcile?: boolean } = {}): Promise<JobHistory> {
    const job = await this.#job(id);
    return reconciledHistory(this.#deps(), job, await this.runsOf(id), options, await this.drillsOf(id));
  }

  async runLog(jobId: string, runId: string): Promise<{ lines: RunLogLine[]; truncated: boolean }> {
    // The CLI calls this without the contract's parsing: the ids become file names.
    if (!jobIdSchema.safeParse(jobId).success || !runIdSchema.safeParse(runId).success) {
      throw new LifeboatError('INVALID_ARGUMENT', `"${runId}" is not a run id.`, {
        hint: 'Run ids look like 20260504T023000Z-a1b2c3.',
      });
    }
    const log = await readRunLog(this.#options.dataDir, jobId, runId);
    if (
      log.lines.length === 0 &&
      !(await this.history.runs(jobId)).some((r) => r.runId === runId) &&
      !(await this.drillHistory.drills(jobId)).some((d) => d.runId === runId)
    ) {
      throw new LifeboatError('NOT_FOUND', `There is no run ${runId} of job ${jobId}.`);
    }
    return log;
  }
}

function busy(): LifeboatError {
  return new LifeboatError('BUSY', 'This job is running right now.', {
    hint: 'Cancel the run or wait for it to finish, then try again.',
  });
}
