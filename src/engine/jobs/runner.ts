/**
 * One run of a job, start to end: open the repository (password from the SecretStore), back up,
 * apply retention, prune when due, check the structure, read a slice of the data when due, copy to
 * the second destination. Fills in the run record as it goes; never throws: every outcome, including
 * a cancel, ends up in the record's status and error.
 *
 * Transient failures (network, a lock held by another program) are retried with backoff inside the
 * run; a failed backup skips the maintenance steps; a failed maintenance step makes the run a
 * warning, except a damaged repository, which fails it.
 */
import { toErrorInfo, type ErrorInfo } from '../../shared/errors.ts';
import type { Job, JobRun, StepName, StepResult } from '../../shared/jobs.ts';
import { formatLocation } from '../../shared/locations.ts';
import { backup, type BackupResult } from '../repo/backup/archiver.ts';
import type { Repository } from '../repo/repository.ts';
import { jobStreamSources } from '../sources/job-sources.ts';
import { withRetry } from '../storage/retry.ts';
import { checkStep, copyStep, forgetStep, pruneStep, readDataStep } from './maintenance-steps.ts';
import { describeError, jobTag, openDestination, type RunContext, type RunnerDeps } from './run-context.ts';
import type { RunLog } from './run-log.ts';
import { classifyRunError } from './transient.ts';

export { jobTag, openDestination, type RunContext, type RunnerDeps } from './run-context.ts';

export async function executeRun(deps: RunnerDeps, ctx: RunContext): Promise<void> {
  const { job, run, log, signal } = ctx;
  const step = (name: StepName, result: StepResult): void => {
    run.steps[name] = result;
  };
  /** Retries transient failures of one step with backoff; each attempt starts from scratch. */
  const retrying = <T>(what: string, attempt: (n: number) => Promise<T>): Promise<T> =>
    withRetry(attempt, {
      retries: deps.retry.retries,
      baseMs: deps.retry.baseMs,
      maxMs: deps.retry.maxMs,
      signal,
      classify: classifyRunError,
      ...(deps.retry.sleep ? { sleep: deps.retry.sleep } : {}),
      onRetry: ({ attempt: n, delayMs, error }) =>
        log.warn(
          `${what}: ${describeError(toErrorInfo(error))}; trying again in ${Math.round(delayMs / 1000)} s (attempt ${n + 1}).`,
        ),
    });

  log.info(
    `Run ${run.runId} of "${job.name}" (${run.trigger}) to ${formatLocation(job.destination.location)}.`,
  );
  let repo: Repository | undefined;
  let result: BackupResult | undefined;
  let sourceError: ErrorInfo | null = null;
  try {
    // 1. Backup.
    const started = performance.now();
    ({ repo, result } = await retrying('Backup', async (n) => {
      run.attempts = n + 1;
      const opened = await openDestination(deps, job.destination);
      return { repo: opened, result: await runBackup(deps, job, opened, log, signal, started) };
    }));
    run.snapshotId = result.snapshotId;
    const s = result.summary;
    run.stats = {
      filesNew: s.files_new,
      filesChanged: s.files_changed,
      filesUnmodified: s.files_unmodified,
      filesProcessed: s.total_files_processed,
      bytesProcessed: s.total_bytes_processed,
      bytesAdded: s.data_added,
      bytesStored: s.data_added_packed,
      warnings: result.warnings.length,
    };
    log.info(
      `Snapshot ${result.snapshotId?.slice(0, 8)} saved: ${s.files_new} new, ${s.files_changed} changed, ${s.files_unmodified} unchanged files; ${s.data_added} bytes added.`,
    );
    // A database that could not be copied fails the run (the snapshot holds the other sources).
    const dbFailure = result.warnings.find((w) => w.code !== undefined);
    if (dbFailure)
      sourceError = {
        code: dbFailure.code!,
        message: dbFailure.message,
        ...(dbFailure.hint ? { hint: dbFailure.hint } : {}),
        ...(dbFailure.details ? { details: dbFailure.details } : {}),
      };
    step(
      'backup',
      sourceError
        ? { status: 'failed', message: `${dbFailure!.path} was not backed up.`, error: sourceError }
        : result.partial
          ? { status: 'warning', message: `${result.warnings.length} item(s) could not be read completely.` }
          : { status: 'ok' },
    );
  } catch (err) {
    const info = toErrorInfo(err);
    step('backup', { status: 'failed', error: info });
    log.error(`Backup failed: ${describeError(info)}`);
    return finish(run, signal, info);
  }

  // 2-6. Maintenance; each step stands on its own.
  const maintenance: [StepName, () => Promise<StepResult | null>][] = [
    ['forget', () => forgetStep(deps, job, run, repo, log)],
    ['prune', () => pruneStep(deps, ctx, repo, log)],
    ['check', () => checkStep(deps, ctx, repo, log)],
    ['readData', () => readDataStep(deps, ctx, repo, log)],
    ['copy', () => copyStep(deps, ctx, repo, log)],
  ];
  for (const [name, work] of maintenance) {
    if (signal.aborted) break;
    try {
      const outcome = await retrying(name, () => work());
      if (outcome) step(name, outcome);
    } catch (err) {
      const info = toErrorInfo(err);
      if (signal.aborted) break;
      step(name, { status: 'failed', error: info });
      log.error(`${name} failed: ${describeError(info)}`);
    }
  }
  finish(run, signal, sourceError);
}

/** Sets the final status from the steps. */
function finish(run: JobRun, signal: AbortSignal, error: ErrorInfo | null): void {
  if (signal.aborted) {
    run.status = 'cancelled';
    run.error = { code: 'CANCELLED', message: 'The run was cancelled.' };
    return;
  }
  if (error) {
    run.status = 'failed';
    run.error = error;
    return;
  }
  const steps = Object.values(run.steps);
  const damaged = (['check', 'readData'] as const)
    .map((k) => run.steps[k])
    .find((r) => r?.error?.code === 'REPO_CORRUPT');
  if (damaged) {
    run.status = 'failed';
    run.error = damaged.error ?? null;
  } else if (steps.some((r) => r.status === 'failed' || r.status === 'warning')) {
    run.status = 'warning';
    run.error = steps.find((r) => r.error)?.error ?? null;
  } else {
    run.status = 'ok';
    run.error = null;
  }
}

async function runBackup(
  deps: RunnerDeps,
  job: Job,
  repo: Repository,
  log: RunLog,
  signal: AbortSignal,
  started: number,
): Promise<BackupResult> {
  const folders = job.sources.filter((s) => s.kind === 'folder');
  const paths = folders.map((s) => s.path);
  const excludes = [...new Set(folders.flatMap((s) => s.excludes))];
  // database sources: dumps streamed into the same snapshot, passwords from the keychain
  const streams = await jobStreamSources(deps.secrets, job.sources);
  const what = [...paths, ...streams.map((s) => s.path)];
  log.info(`Backing up ${what.join(', ')}${excludes.length ? ` (excluding ${excludes.join(', ')})` : ''}.`);
  let phase = '';
  return backup(repo, {
    paths,
    ...(streams.length ? { streams } : {}),
    ...(excludes.length ? { excludes } : {}),
    tags: [jobTag(job.id)],
    // The run's clock, like the run's record, retention and drill reports: not the wall clock.
    time: deps.now(),
    signal,
    ...(deps.workers ? { workers: deps.workers } : {}),
    onProgress: (p) => {
      if (p.phase !== phase) {
        phase = p.phase;
        log.write('debug', `Backup phase: ${phase}.`);
      }
      const seconds = (performance.now() - started) / 1000;
      deps.emitProgress({
        jobId: job.id,
        operation: 'backup',
        phase: p.phase,
        filesDone: p.filesDone,
        filesTotal: p.filesTotal,
        bytesDone: p.bytesDone,
        bytesTotal: p.bytesTotal,
        currentItem: p.currentItem,
        etaSeconds: p.etaSeconds,
        bytesPerSecond: seconds > 0 ? p.bytesDone / seconds : null,
      });
    },
    onWarning: (w) => log.warn(`${w.path}: ${w.message}${w.details ? ` [${w.details}]` : ''}`),
  });
}
