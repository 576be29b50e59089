/**
 * How safe a job's data is, and what to tell the owner about it, in plain words. Pure: the card feeds
 * in what it knows (the summary from `listJobs`, the job from `getJob`, the destination's free space)
 * and gets back a level and a list of specific warnings, worst first. The card only translates them.
 */
import type { JobSummary } from '../../shared/contract.ts';
import type { RepositorySpace } from '../../shared/repositories.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import type { Job, Schedule } from '../../shared/jobs.ts';
import type { RepositoryLocation } from '../../shared/locations.ts';

/** protected: recent good backup; new: nothing has run yet; warning/failing: see the warnings. */
export type HealthLevel = 'protected' | 'warning' | 'failing' | 'new';
export type Severity = 'danger' | 'warning' | 'info';
export type PlaceKind = RepositoryLocation['kind'];

export type HealthWarning = { severity: Severity } & (
  | { kind: 'signInAgain'; place: PlaceKind | null }
  | { kind: 'lastRunFailed'; error: ErrorInfo | null }
  | { kind: 'lastRunWarnings' }
  | { kind: 'noBackupFor'; since: string }
  | { kind: 'neverBackedUp'; since: string }
  | { kind: 'destinationFull'; place: PlaceKind | null; percentUsed: number }
  | { kind: 'drillFailed'; at: string }
  | { kind: 'drillOverdue'; at: string }
  | { kind: 'neverTested' }
  | { kind: 'paused' }
);

export interface HealthInput {
  summary: JobSummary;
  /** The full job (schedule, alert threshold, drill policy); absent while it loads. */
  job?: Job | undefined;
  /** Free space where the backups go; absent while it loads or when unknown. */
  space?: RepositorySpace | null | undefined;
  now: Date;
}

export interface Health {
  level: HealthLevel;
  warnings: HealthWarning[];
}

const hour = 3_600_000;
const day = 24 * hour;
/** Used share of the destination from which we warn, and from which a backup is likely to fail. */
export const spaceWarnPercent = 90;
export const spaceDangerPercent = 98;
/** A restore test older than this is worth repeating (drills run at most quarterly). */
export const drillStaleDays = 60;
/** How long a job may go untested before we mention it (gently). */
export const untestedGraceDays = 30;

const severityOrder: Record<Severity, number> = { danger: 0, warning: 1, info: 2 };

/** Hours between scheduled runs, or null for manual jobs (and cron, which we do not second-guess). */
export function expectedIntervalHours(schedule: Schedule): number | null {
  switch (schedule.kind) {
    case 'daily':
      return 24;
    case 'hourly':
      return schedule.every;
    case 'weekly':
      // The longest gap between two chosen weekdays.
      return 24 * largestWeekdayGap(schedule.days);
    default:
      return null;
  }
}

function largestWeekdayGap(days: number[]): number {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length <= 1) return 7;
  let gap = 7 - sorted[sorted.length - 1]! + sorted[0]!;
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}

/**
 * After how many hours without a good backup we say so: the job's own alert setting when set,
 * otherwise two scheduled intervals (a single missed run while the computer was off is normal).
 */
export function staleAfterHours(job: Job | undefined): number | null {
  if (!job) return 48;
  const configured = job.notifications.noSuccessForHours;
  if (configured !== null) return configured;
  const interval = expectedIntervalHours(job.schedule);
  return interval === null ? null : Math.max(2 * interval, 26);
}

export function percentUsed(space: RepositorySpace): number | null {
  if (space.freeBytes === null || space.totalBytes === null || space.totalBytes <= 0) return null;
  return Math.round(((space.totalBytes - space.freeBytes) / space.totalBytes) * 100);
}

export function assessHealth({ summary, job, space, now }: HealthInput): Health {
  const warnings: HealthWarning[] = [];
  const place = job?.destination.location.kind ?? null;
  const at = now.getTime();

  if (summary.lastRunStatus === 'failed') {
    const error = summary.lastError ?? null;
    if (error?.code === 'AUTH_REQUIRED') warnings.push({ severity: 'danger', kind: 'signInAgain', place });
    else warnings.push({ severity: 'danger', kind: 'lastRunFailed', error });
  } else if (summary.lastRunStatus === 'warning') {
    warnings.push({ severity: 'warning', kind: 'lastRunWarnings' });
  }

  const staleHours = staleAfterHours(job);
  if (staleHours !== null) {
    if (summary.lastSuccessAt) {
      const age = at - Date.parse(summary.lastSuccessAt);
      if (age > staleHours * hour) {
        warnings.push({
          severity: age > 2 * staleHours * hour ? 'danger' : 'warning',
          kind: 'noBackupFor',
          since: summary.lastSuccessAt,
        });
      }
    } else if (job && at - Date.parse(job.createdAt) > staleHours * hour) {
      warnings.push({ severity: 'danger', kind: 'neverBackedUp', since: job.createdAt });
    }
  }

  const used = space ? percentUsed(space) : null;
  if (used !== null && used >= spaceWarnPercent) {
    warnings.push({
      severity: used >= spaceDangerPercent ? 'danger' : 'warning',
      kind: 'destinationFull',
      place,
      percentUsed: used,
    });
  }

  const drill = summary.lastDrill ?? null;
  if (drill && !drill.passed) {
    warnings.push({ severity: 'warning', kind: 'drillFailed', at: drill.at });
  } else if (drill && at - Date.parse(drill.at) > drillStaleDays * day) {
    warnings.push({ severity: 'warning', kind: 'drillOverdue', at: drill.at });
  } else if (
    !drill &&
    summary.lastSuccessAt &&
    job &&
    at - Date.parse(job.createdAt) > untestedGraceDays * day
  ) {
    warnings.push({ severity: 'info', kind: 'neverTested' });
  }

  if (job ? !job.enabled : summary.status === 'paused') warnings.push({ severity: 'info', kind: 'paused' });

  warnings.sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity]);
  return { level: levelOf(warnings, summary), warnings };
}

function levelOf(warnings: HealthWarning[], summary: JobSummary): HealthLevel {
  if (warnings.some((w) => w.severity === 'danger')) return 'failing';
  if (warnings.some((w) => w.severity === 'warning')) return 'warning';
  return summary.lastSuccessAt ? 'protected' : 'new';
}
