/**
 * The history as the user should see it. The repository is the source of truth: a run whose snapshot
 * is gone (retention, a manual forget, restic) is marked "forgotten", and a snapshot of the job that
 * no run knows (the history file was lost, another computer ran the job, an import) is listed as
 * "found in repository". Pure.
 */
import type { DrillRecord, HistoryEntry, JobRun } from '../../shared/jobs.ts';

export interface RepoSnapshot {
  id: string;
  /** ISO 8601. */
  time: string;
  hostname: string;
  paths: string[];
}

/**
 * Newest first, at most `limit` entries. `snapshots` is null when the repository could not be read:
 * then only what the history itself knows is said (removed by a later run's retention, or unknown).
 * Restore drills are listed among the runs, by start time.
 */
export function reconcile(
  runs: readonly JobRun[],
  snapshots: readonly RepoSnapshot[] | null,
  limit = Infinity,
  drills: readonly DrillRecord[] = [],
): HistoryEntry[] {
  const forgottenByRuns = new Set(runs.flatMap((r) => r.forgotten));
  const present = snapshots ? new Set(snapshots.map((s) => s.id)) : null;
  const known = new Set(runs.map((r) => r.snapshotId).filter((id): id is string => id !== null));
  const entries: { time: number; entry: HistoryEntry }[] = runs.map((run) => {
    let snapshot: Extract<HistoryEntry, { kind: 'run' }>['snapshot'];
    if (!run.snapshotId) snapshot = 'none';
    else if (present) snapshot = present.has(run.snapshotId) ? 'present' : 'forgotten';
    else snapshot = forgottenByRuns.has(run.snapshotId) ? 'forgotten' : 'unknown';
    return { time: Date.parse(run.startedAt), entry: { kind: 'run', run, snapshot } };
  });
  for (const s of snapshots ?? []) {
    if (known.has(s.id)) continue;
    entries.push({
      time: Date.parse(s.time),
      entry: { kind: 'found', snapshotId: s.id, time: s.time, hostname: s.hostname, paths: s.paths },
    });
  }
  for (const drill of drills) entries.push({ time: Date.parse(drill.startedAt), entry: { kind: 'drill', drill } });
  entries.sort((a, b) => b.time - a.time);
  return entries.slice(0, limit).map((e) => e.entry);
}
