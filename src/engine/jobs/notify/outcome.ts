/**
 * RunOutcome: what a notification is about. The job runner fills one in after every run (or the
 * watchdog makes one); every channel renders it in the user's language. Plain data, so the runner
 * can keep it in its history as is (dates become ISO strings in JSON).
 */
import { toErrorInfo } from '../../../shared/errors.ts';
import type { BackupResult } from '../../repo/backup/backup-types.ts';

export type RunStatus = 'ok' | 'warning' | 'failed' | 'interrupted';

/**
 * 'backup': a finished run. 'watchdog': no successful backup for too long (see checkWatchdog).
 * 'drill': a restore drill (status ok = passed, failed = problems found; see drill/outcome.ts).
 * 'test': the test message sent from the settings screen.
 */
export type OutcomeKind = 'backup' | 'watchdog' | 'drill' | 'test';

export interface OutcomeWarning {
  /** The file or folder concerned, when there is one. */
  path?: string;
  message: string;
}

export interface OutcomeError {
  /** A LifeboatError code (ErrorCode) or anything the runner chooses. */
  code: string;
  message: string;
  hint?: string;
}

export interface WatchdogInfo {
  /** The hour limit that was exceeded. */
  hours: number;
  /** null: the job has never had a successful backup. */
  lastSuccessAt: Date | null;
  /** Whole hours since the last success (or since the job was created). */
  hoursSince: number;
}

export interface DrillInfo {
  passed: boolean;
  /** Problems found; the first ones go in `warnings`, worded for the reader. */
  problems: number;
  filesVerified: number;
  bytesVerified: number;
  /** Where the HTML report was saved, if it was. */
  reportPath?: string;
}

export interface RunOutcome {
  kind?: OutcomeKind;
  jobId?: string;
  /** What the user called the job: "CRM". */
  jobName: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date;
  snapshotId?: string | null;
  /** New and changed files in this run. */
  filesAdded?: number;
  /** New data this run stored (before compression). */
  bytesAdded?: number;
  /** Files and bytes in the whole backup (the snapshot). */
  totalFiles?: number;
  totalBytes?: number;
  /** Some or all of the warnings (a long list may be cut). */
  warnings?: OutcomeWarning[];
  /** How many warnings there were in all; default warnings.length. */
  warningCount?: number;
  error?: OutcomeError;
  /** Where the backup went, as the user knows it: "Google Drive — Lifeboat/CRM". */
  destination?: string;
  nextRunAt?: Date | null;
  /** Set on kind 'watchdog'. */
  watchdog?: WatchdogInfo;
  /** Set on kind 'drill'. */
  drill?: DrillInfo;
}

export interface JobInfo {
  jobId?: string;
  jobName: string;
  destination?: string;
  nextRunAt?: Date | null;
}

const maxWarnings = 200;

/** An outcome from a finished backup(): partial backups become 'warning'. */
export function outcomeFromBackup(
  job: JobInfo,
  result: BackupResult,
  times: { startedAt: Date; finishedAt: Date },
): RunOutcome {
  const s = result.summary;
  return {
    kind: 'backup',
    ...job,
    status: result.partial || result.warnings.length > 0 ? 'warning' : 'ok',
    ...times,
    snapshotId: result.snapshotId,
    filesAdded: s.files_new + s.files_changed,
    bytesAdded: s.data_added,
    totalFiles: s.total_files_processed,
    totalBytes: s.total_bytes_processed,
    warnings: result.warnings.slice(0, maxWarnings).map((w) => ({ path: w.path, message: w.message })),
    warningCount: result.warnings.length,
  };
}

/** An outcome from a run that threw: a cancel is 'interrupted', anything else 'failed'. */
export function outcomeFromError(
  job: JobInfo,
  err: unknown,
  times: { startedAt: Date; finishedAt: Date },
): RunOutcome {
  const info = toErrorInfo(err);
  return {
    kind: 'backup',
    ...job,
    status: info.code === 'CANCELLED' ? 'interrupted' : 'failed',
    ...times,
    error: { code: info.code, message: info.message, ...(info.hint ? { hint: info.hint } : {}) },
  };
}
