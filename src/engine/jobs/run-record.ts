/**
 * A run from the history's point of view: its record is written when it starts (so a crash leaves a
 * "running" entry that the next start closes as interrupted), filled in by the runner, written again
 * when it ends, then handed to the hooks (notifications). Its log goes to its own file.
 */
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { toErrorInfo } from '../../shared/errors.ts';
import type { Job, JobRun, RunLogLine, RunTrigger } from '../../shared/jobs.ts';
import type { HistoryStore } from './history-store.ts';
import type { RunHooks } from './hooks.ts';
import { RunLog } from './run-log.ts';
import { executeRun, type RunnerDeps } from './runner.ts';

/** Time-sortable, file-name-safe: 20260504T023000Z-a1b2c3. */
export function newRunId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface RecordRunOptions {
  job: Job;
  runId: string;
  trigger: RunTrigger;
  slot: Date | null;
  /** Tells this process's runs from another Lifeboat process's. */
  instance: string;
  previousRuns: readonly JobRun[];
  history: HistoryStore;
  deps: RunnerDeps;
  signal: AbortSignal;
  /** True when the abort came from the app closing: then the run was interrupted, not cancelled. */
  shutdown: () => boolean;
  hooks: readonly RunHooks[];
  /** Called once the "running" record is on disk. */
  onStarted: () => Promise<void>;
  /** Every log line above debug, for the UI's live log. */
  onLog: (line: RunLogLine) => void;
}

export async function recordRun(o: RecordRunOptions): Promise<JobRun> {
  const now = () => o.deps.now().toISOString();
  const run: JobRun = {
    runId: o.runId,
    jobId: o.job.id,
    trigger: o.trigger,
    status: 'running',
    scheduledFor: o.slot ? o.slot.toISOString() : null,
    startedAt: now(),
    finishedAt: null,
    hostname: osHostname(),
    pid: process.pid,
    instance: o.instance,
    snapshotId: null,
    forgotten: [],
    stats: null,
    steps: {},
    readDataPart: null,
    attempts: 0,
    error: null,
  };
  await o.history.append(run);
  await o.onStarted();
  const log = await RunLog.open(o.deps.dataDir, o.job.id, run.runId, (line) => {
    if (line.level !== 'debug') o.onLog(line);
  });
  try {
    await executeRun(o.deps, { job: o.job, run, previousRuns: o.previousRuns, log, signal: o.signal });
  } catch (err) {
    run.status = 'failed'; // executeRun does not throw; this guards against a bug there
    run.error = toErrorInfo(err);
  }
  if (o.shutdown() && run.status === 'cancelled') {
    run.status = 'interrupted';
    run.error = null;
  }
  run.finishedAt = now();
  log.info(`Finished: ${run.status}${run.error ? ` (${run.error.code}: ${run.error.message})` : ''}.`);
  await o.history.append(run);
  for (const hooks of o.hooks) {
    try {
      await hooks.onRunFinished?.(structuredClone(run), { job: o.job, log: (level, message) => log.write(level, message) });
    } catch (err) {
      log.warn(`A notification hook failed: ${toErrorInfo(err).message}`);
    }
  }
  await log.close();
  return run;
}
