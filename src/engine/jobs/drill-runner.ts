/**
 * One restore drill of a job from the history's point of view, like run-record.ts for backups: the
 * record is written when the drill starts (a crash leaves a "running" entry that is closed as
 * interrupted later), the drill restores a random snapshot of the job (runDrill, filtered by the
 * job's tag, so drill-report snapshots are never picked), the HTML report is kept on this computer
 * and in the repository (as a `lifeboat-drill-report` snapshot, which carries no job tag and so is
 * out of reach of the job's retention), the record is written again, and the hooks are told.
 * Never throws: an error ends up in the record.
 *
 * The caller runs this inside the per-repository queue, so a drill never overlaps a backup, a
 * retention or a prune of the same repository started by this process (other processes are kept
 * apart by the repository lock the drill holds).
 */
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { toErrorInfo } from '../../shared/errors.ts';
import type { DrillRecord, Job, RunLogLine } from '../../shared/jobs.ts';
import { formatLocation } from '../../shared/locations.ts';
import type { Repository } from '../repo/repository.ts';
import { withRetry } from '../storage/retry.ts';
import { runDrill, storeDrillReport, storeDrillReportInRepository } from './drill/index.ts';
import type { DrillReport } from './drill/index.ts';
import type { DrillHistoryStore } from './drill-history.ts';
import type { RunHooks } from './hooks.ts';
import type { Language } from './notify/format.ts';
import { describeError, jobTag, openDestination, type RunnerDeps } from './run-context.ts';
import { RunLog } from './run-log.ts';
import { classifyRunError } from './transient.ts';

/** Where a job's drill reports are kept on this computer: <dataDir>/reports/<jobId>/drills/*.html. */
export function drillReportsFolder(dataDir: string, jobId: string): string {
  return path.join(dataDir, 'reports', jobId);
}

export interface RecordDrillOptions {
  job: Job;
  runId: string;
  trigger: DrillRecord['trigger'];
  instance: string;
  history: DrillHistoryStore;
  deps: RunnerDeps;
  signal: AbortSignal;
  /** True when the abort came from the app closing: then the drill was interrupted, not cancelled. */
  shutdown: () => boolean;
  hooks: readonly RunHooks[];
  language: Language;
  /** Called once the "running" record is on disk. */
  onStarted: () => Promise<void>;
  onLog: (line: RunLogLine) => void;
}

export async function recordDrill(o: RecordDrillOptions): Promise<DrillRecord> {
  const { job, deps, signal } = o;
  const now = (): string => deps.now().toISOString();
  const record: DrillRecord = {
    runId: o.runId,
    jobId: job.id,
    trigger: o.trigger,
    status: 'running',
    startedAt: now(),
    finishedAt: null,
    hostname: osHostname(),
    pid: process.pid,
    instance: o.instance,
    snapshotId: null,
    reportPath: null,
    reportSnapshotId: null,
    problems: 0,
    filesVerified: 0,
    bytesVerified: 0,
    sample: null,
    error: null,
  };
  await o.history.append(record);
  await o.onStarted();
  const log = await RunLog.open(deps.dataDir, job.id, record.runId, (line) => {
    if (line.level !== 'debug') o.onLog(line);
  });
  log.info(
    `Restore drill ${record.runId} of "${job.name}" (${record.trigger}) from ${formatLocation(job.destination.location)}.`,
  );
  let report: DrillReport | null = null;
  try {
    const repo = await withRetry(() => openDestination(deps, job.destination), {
      retries: deps.retry.retries,
      baseMs: deps.retry.baseMs,
      maxMs: deps.retry.maxMs,
      signal,
      classify: classifyRunError,
      ...(deps.retry.sleep ? { sleep: deps.retry.sleep } : {}),
      onRetry: ({ error }) =>
        log.warn(`Opening the repository: ${describeError(toErrorInfo(error))}; trying again.`),
    });
    report = await drill(o, repo, log);
    Object.assign(record, {
      status: report.passed ? 'passed' : 'failed',
      snapshotId: report.snapshot.id,
      problems: report.problems.length,
      filesVerified: report.files.verified,
      bytesVerified: report.bytes.verified,
      sample: report.sample,
    });
    await keepReport(o, repo, report, record, log);
  } catch (err) {
    const info = toErrorInfo(err);
    if (signal.aborted) {
      record.status = o.shutdown() ? 'interrupted' : 'cancelled';
      record.error = o.shutdown() ? null : { code: 'CANCELLED', message: 'The restore drill was cancelled.' };
    } else {
      record.status = 'failed';
      record.error = info;
      log.error(`The restore drill could not run: ${describeError(info)}`);
    }
  }
  record.finishedAt = now();
  log.info(
    `Finished: ${record.status}${record.error ? ` (${record.error.code}: ${record.error.message})` : ''}.`,
  );
  await o.history.append(record);
  for (const hooks of o.hooks) {
    try {
      await hooks.onDrillFinished?.(structuredClone(record), {
        job,
        report,
        log: (level, message) => log.write(level, message),
      });
    } catch (err) {
      log.warn(`A notification hook failed: ${toErrorInfo(err).message}`);
    }
  }
  await log.close();
  return record;
}

async function drill(o: RecordDrillOptions, repo: Repository, log: RunLog): Promise<DrillReport> {
  const { job, deps } = o;
  let phase = '';
  const report = await runDrill(repo, {
    // The job's own snapshots only: never another job's, never a drill report.
    filter: { tags: [jobTag(job.id)] },
    sampleFiles: job.drill.sampleFiles,
    language: o.language,
    signal: o.signal,
    now: deps.now,
    jobName: job.name,
    repositoryName: formatLocation(job.destination.location),
    onProgress: (p) => {
      if (p.phase !== phase) {
        phase = p.phase;
        log.write('debug', `Drill phase: ${phase}.`);
      }
      deps.emitProgress({
        jobId: job.id,
        operation: 'drill',
        phase: p.phase,
        filesDone: p.filesDone,
        filesTotal: p.filesTotal,
        bytesDone: p.bytesDone,
        bytesTotal: p.bytesTotal,
        currentItem: p.currentPath ?? null,
        etaSeconds: null,
      });
    },
  });
  const sample = report.sample
    ? ` (a sample of ${report.sample.files} of ${report.sample.ofFiles} files)`
    : '';
  log.info(
    `Snapshot ${report.snapshot.id.slice(0, 8)}${report.chosenAtRandom ? `, picked at random among ${report.candidates},` : ''} restored${sample}: ${report.files.verified} of ${report.files.expected} files (${report.bytes.verified} bytes) verified, ${report.databases.length} database(s) checked.`,
  );
  for (const p of report.problems.slice(0, 50))
    log.error(`Drill: ${p.kind}${p.path ? ` ${p.path}` : ''}: ${p.detail}`);
  log.info(
    report.passed
      ? 'The restore drill passed.'
      : `The restore drill failed: ${report.problems.length} problem(s).`,
  );
  return report;
}

/** The report as a file on this computer and as a snapshot in the repository; a failure is logged, not fatal. */
async function keepReport(
  o: RecordDrillOptions,
  repo: Repository,
  report: DrillReport,
  record: DrillRecord,
  log: RunLog,
): Promise<void> {
  try {
    record.reportPath = await storeDrillReport(report, drillReportsFolder(o.deps.dataDir, o.job.id), {
      language: o.language,
    });
    log.info(`Report saved: ${record.reportPath}`);
  } catch (err) {
    log.warn(`The report could not be saved on this computer: ${describeError(toErrorInfo(err))}`);
  }
  try {
    const stored = await storeDrillReportInRepository(repo, report, { language: o.language });
    record.reportSnapshotId = stored.snapshotId;
    log.info(
      `Report stored in the repository as snapshot ${stored.snapshotId.slice(0, 8)} (${stored.tags.join(', ')}).`,
    );
  } catch (err) {
    log.warn(`The report could not be stored in the repository: ${describeError(toErrorInfo(err))}`);
  }
}
