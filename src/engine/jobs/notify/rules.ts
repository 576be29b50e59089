/**
 * When to notify: per-channel rules for run outcomes, and the watchdog that notices when backups
 * silently stop happening (computer off, Lifeboat not running, a schedule that never fires), which
 * no run can report by itself.
 */
import type { NotifyRules } from './channels.ts';
import type { RunOutcome } from './outcome.ts';

export function shouldNotify(outcome: RunOutcome, rules: NotifyRules = {}): boolean {
  if (outcome.kind === 'test') return true;
  if (outcome.kind === 'watchdog') return rules.onFailure ?? true;
  switch (outcome.status) {
    case 'failed':
      return rules.onFailure ?? true;
    case 'warning':
      return rules.onWarning ?? true;
    case 'ok':
      return rules.onSuccess ?? false;
    case 'interrupted':
      return rules.onInterrupted ?? false;
  }
}

/**
 * What the watchdog remembers between checks; the runner stores it with the job and passes it
 * back. JSON-safe.
 */
export interface WatchdogState {
  /**
   * The episode already alerted about: the ISO time of the last success it was measured from, or
   * 'never'. A new success starts a new episode, so the next gap is reported again.
   */
  alertedFor?: string;
  alertedAt?: string;
}

export interface WatchdogJob {
  jobId?: string;
  jobName: string;
  destination?: string;
  nextRunAt?: Date | null;
  /** When the job was set up: the clock for a job that has never succeeded. */
  createdAt?: Date;
}

export interface WatchdogResult {
  /** Something to send (through notify) — at most once per episode. */
  alert: RunOutcome | null;
  /** Pass this to the next check. */
  state: WatchdogState;
  /** True while the job is overdue, alerted or not (for a badge in the UI). */
  overdue: boolean;
}

const hourMs = 3_600_000;

/**
 * Checks whether a job has gone `hours` without a successful backup. Call it on every scheduler
 * tick; it returns an alert only the first time an episode is seen. `hours` ≤ 0 turns it off.
 */
export function checkWatchdog(
  lastSuccessAt: Date | null,
  hours: number,
  now: Date,
  state: WatchdogState,
  job: WatchdogJob,
): WatchdogResult {
  const since = lastSuccessAt ?? job.createdAt ?? null;
  if (!(hours > 0) || !since) return { alert: null, state: {}, overdue: false };
  const elapsedMs = now.getTime() - since.getTime();
  if (elapsedMs < hours * hourMs) return { alert: null, state: {}, overdue: false };

  const episode = lastSuccessAt ? lastSuccessAt.toISOString() : 'never';
  if (state.alertedFor === episode) return { alert: null, state, overdue: true };
  const alert: RunOutcome = {
    kind: 'watchdog',
    ...(job.jobId !== undefined ? { jobId: job.jobId } : {}),
    jobName: job.jobName,
    status: 'failed',
    startedAt: since,
    finishedAt: now,
    ...(job.destination !== undefined ? { destination: job.destination } : {}),
    ...(job.nextRunAt !== undefined ? { nextRunAt: job.nextRunAt } : {}),
    watchdog: { hours, lastSuccessAt, hoursSince: Math.floor(elapsedMs / hourMs) },
  };
  return { alert, state: { alertedFor: episode, alertedAt: now.toISOString() }, overdue: true };
}
