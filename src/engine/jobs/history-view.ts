/**
 * A job's history for the UI: its runs, reconciled with the snapshots actually in its repository
 * (see reconcile.ts). When the repository cannot be opened (offline, signed out) the history is
 * still shown, with the reason.
 */
import { toErrorInfo } from '../../shared/errors.ts';
import type { DrillRecord, Job, JobHistory, JobRun } from '../../shared/jobs.ts';
import { nsToDate, parseGoTime } from '../repo/go-time.ts';
import { reconcile, type RepoSnapshot } from './reconcile.ts';
import { jobTag, openDestination, type RunnerDeps } from './run-context.ts';

export async function reconciledHistory(
  deps: RunnerDeps,
  job: Job,
  runs: readonly JobRun[],
  options: { limit?: number; reconcile?: boolean } = {},
  drills: readonly DrillRecord[] = [],
): Promise<JobHistory> {
  if (options.reconcile === false) {
    return { entries: reconcile(runs, null, options.limit, drills), repository: { checked: false } };
  }
  try {
    const repo = await openDestination(deps, job.destination);
    const snapshots: RepoSnapshot[] = (await repo.listSnapshots({ tags: [jobTag(job.id)] })).map((s) => ({
      id: s.id,
      time: nsToDate(parseGoTime(s.time)).toISOString(),
      hostname: s.hostname ?? '',
      paths: s.paths,
    }));
    return { entries: reconcile(runs, snapshots, options.limit, drills), repository: { checked: true } };
  } catch (err) {
    return {
      entries: reconcile(runs, null, options.limit, drills),
      repository: { checked: false, error: toErrorInfo(err) },
    };
  }
}
