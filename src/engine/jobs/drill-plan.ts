/**
 * When a job's next restore drill is due, from its drill policy and its histories. Pure.
 *
 * - Drills only test what exists: none is due before the job's first successful backup.
 * - A job that was never tested gets its first drill right away (proof that restoring works, from
 *   day one), then one every week / month / quarter counted from the last drill that actually tested
 *   a snapshot (passed or failed).
 * - A drill that could not test anything (repository offline, no password, cancelled) is tried
 *   again after a few hours, not a whole period later. One interrupted by the app closing is redone
 *   at once.
 * - Paused jobs and jobs with drills off are never drilled by the scheduler ("Run drill now" works).
 */
import type { DrillPolicy, DrillRecord, Job, JobRun } from '../../shared/jobs.ts';

const dayMs = 24 * 60 * 60 * 1000;
export const drillPeriodMs: Record<DrillPolicy['every'], number> = {
  weekly: 7 * dayMs,
  monthly: 30 * dayMs,
  quarterly: 91 * dayMs,
};
/** Slack so a drill at a fixed hour is not pushed a whole period later by a few minutes. */
const slackMs = 2 * 60 * 60 * 1000;
export const drillRetryMs = 6 * 60 * 60 * 1000;

/** A drill that restored and verified a snapshot (whatever it found). */
const tested = (d: DrillRecord): boolean =>
  (d.status === 'passed' || d.status === 'failed') && d.snapshotId !== null;

/** The last drill that ended with a verdict or an error (what the dashboard shows). */
export function lastFinishedDrill(drills: readonly DrillRecord[]): DrillRecord | undefined {
  for (let i = drills.length - 1; i >= 0; i--) {
    const d = drills[i]!;
    if (d.status === 'passed' || d.status === 'failed') return d;
  }
  return undefined;
}

export function planDrill(
  job: Job,
  drills: readonly DrillRecord[],
  runs: readonly JobRun[],
  now: Date,
): Date | null {
  if (!job.enabled || !job.drill.enabled) return null;
  if (!runs.some((r) => (r.status === 'ok' || r.status === 'warning') && r.snapshotId)) return null;
  const attempts = drills.filter((d) => d.status !== 'running' && d.status !== 'interrupted');
  let lastTested: DrillRecord | undefined;
  for (let i = attempts.length - 1; i >= 0 && !lastTested; i--)
    if (tested(attempts[i]!)) lastTested = attempts[i];
  let due = lastTested
    ? Date.parse(lastTested.startedAt) + drillPeriodMs[job.drill.every] - slackMs
    : now.getTime();
  const last = attempts[attempts.length - 1];
  if (last && last !== lastTested) {
    // The last attempt tested nothing: try again a little later, not a whole period later.
    const retryAt = Date.parse(last.finishedAt ?? last.startedAt) + drillRetryMs;
    if (!lastTested || Date.parse(last.startedAt) >= due) due = Math.max(due, retryAt);
  }
  // A clock set back must not stall the drills for a whole period.
  if (lastTested && Date.parse(lastTested.startedAt) > now.getTime()) due = now.getTime();
  return new Date(due);
}
