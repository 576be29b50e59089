/** The one-line state of a job that lists, the tray and `jobState` events show. Pure. */
import type { JobSummary } from '../../shared/contract.ts';
import type { DrillRecord, Job, JobRun } from '../../shared/jobs.ts';
import type { JobPlan } from './plan.ts';

export interface ActiveRun {
  runId: string;
  /** Waiting for another job with the same repository. */
  queued: boolean;
}

/** What the summary says about restore drills. */
export interface DrillSummary {
  /** The last drill that ended with a verdict (or could not run). */
  last: DrillRecord | undefined;
  /** When the next scheduled drill is due (null: off, or no backup yet). */
  next: Date | null;
  /** The drill in progress in this process. */
  activeRunId: string | null;
}

const finished = (r: JobRun): boolean => r.status !== 'running' && r.status !== 'cancelled';

export function summarize(
  job: Job,
  runs: readonly JobRun[],
  active: ActiveRun | undefined,
  plan: JobPlan | null,
  now: Date,
  drills?: DrillSummary,
): JobSummary {
  const last = [...runs].reverse().find(finished);
  const lastRun = runs[runs.length - 1];
  const success = [...runs]
    .reverse()
    .find((r) => (r.status === 'ok' || r.status === 'warning') && r.snapshotId);
  let status: JobSummary['status'];
  if (active) status = 'running';
  else if (!job.enabled) status = 'paused';
  else if (!last) status = 'idle';
  else if (last.status === 'ok') status = 'ok';
  else if (last.status === 'failed') status = 'failed';
  else status = 'warning'; // finished with warnings, or interrupted (the next run makes up for it)
  const next = plan ? new Date(Math.max(plan.at.getTime(), now.getTime())) : null;
  return {
    id: job.id,
    name: job.name,
    status,
    lastSuccessAt: success ? new Date(success.startedAt).toISOString() : null,
    nextRunAt: next ? next.toISOString() : null,
    lastRunAt: lastRun ? new Date(lastRun.startedAt).toISOString() : null,
    lastRunStatus: lastRun?.status ?? null,
    lastError: last?.error ?? null,
    runId: active?.runId ?? null,
    queued: active?.queued ?? false,
    ...(drills
      ? {
          lastDrill: drills.last
            ? {
                runId: drills.last.runId,
                at: new Date(drills.last.finishedAt ?? drills.last.startedAt).toISOString(),
                passed: drills.last.status === 'passed',
              }
            : null,
          nextDrillAt: drills.next ? new Date(Math.max(drills.next.getTime(), now.getTime())).toISOString() : null,
          drillRunId: drills.activeRunId,
        }
      : {}),
  };
}
