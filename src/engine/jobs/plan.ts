/**
 * When a job runs next, from its definition and its history: the schedule math (schedule.ts) on the
 * start of the last scheduled run, plus KopiaUI's retry of failed snapshots: a run that was
 * interrupted (the app was killed mid-run) is redone right away, one that failed for a transient
 * reason (network, a lock) is retried after 30 min, 1 h, 2 h… up to 4 h, but never later than the
 * next regular slot. Pure.
 */
import type { Job, JobRun, RunTrigger } from '../../shared/jobs.ts';
import { nextRunAt } from './schedule.ts';
import { transientCodes } from './transient.ts';

export const firstRetryDelayMs = 30 * 60 * 1000;
export const maxRetryDelayMs = 4 * 60 * 60 * 1000;

export interface JobPlan {
  at: Date;
  trigger: Exclude<RunTrigger, 'manual'>;
  /** The regular slot this run stands for. */
  slot: Date;
}

const scheduled = (r: JobRun): boolean => r.trigger !== 'manual' && r.status !== 'running';

function needsRetry(run: JobRun): boolean {
  if (run.status === 'interrupted') return true;
  return run.status === 'failed' && run.error !== null && transientCodes.includes(run.error.code);
}

/** The next run of an enabled job, or null (paused, manual schedule, pattern without a future). */
export function planJob(job: Job, runs: readonly JobRun[], now: Date): JobPlan | null {
  if (!job.enabled) return null;
  const history = runs.filter(scheduled);
  const last = history[history.length - 1];
  const reference = new Date(last ? last.startedAt : job.createdAt);
  const regular = nextRunAt(job.schedule, reference, now);
  const plan: JobPlan | null = regular && {
    at: regular.at,
    trigger: regular.catchUp ? 'catch-up' : 'schedule',
    slot: regular.slot,
  };

  if (last && needsRetry(last) && last.finishedAt) {
    let failures = 0;
    for (let i = history.length - 1; i >= 0 && needsRetry(history[i]!); i--) failures++;
    const delay =
      last.status === 'interrupted' ? 0 : Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** (failures - 1));
    const retryAt = new Date(new Date(last.finishedAt).getTime() + delay);
    if (!plan || retryAt.getTime() < plan.at.getTime()) {
      return { at: retryAt, trigger: 'retry', slot: new Date(last.scheduledFor ?? last.startedAt) };
    }
  }
  return plan;
}
