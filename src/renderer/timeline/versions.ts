/**
 * The timeline's versions: snapshots with their time as a number (for the axis), the status of the
 * run that made them (where this computer's history knows it), and the filters. Pure.
 */
import type { RunStatus } from '../../shared/jobs.ts';
import type { SnapshotInfo } from '../../shared/repositories.ts';

/** ok/warning/failed from the run that made the snapshot; unknown for snapshots no run here knows. */
export type VersionStatus = 'ok' | 'warning' | 'failed' | 'unknown';

export interface Version {
  snapshot: SnapshotInfo;
  /** Milliseconds since the epoch. */
  time: number;
  status: VersionStatus;
}

export interface VersionFilter {
  jobId: string | null;
  tag: string | null;
  host: string | null;
}

export const noFilter: VersionFilter = { jobId: null, tag: null, host: null };

export function statusOfRun(status: RunStatus): VersionStatus {
  return status === 'ok' || status === 'warning' || status === 'failed' ? status : 'unknown';
}

/** Oldest first (as listSnapshots returns them, but sorted again: the axis relies on it). */
export function toVersions(
  snapshots: SnapshotInfo[],
  statuses: ReadonlyMap<string, VersionStatus>,
): Version[] {
  return snapshots
    .map((snapshot) => ({
      snapshot,
      time: Date.parse(snapshot.time),
      status: statuses.get(snapshot.id) ?? 'unknown',
    }))
    .sort((a, b) => a.time - b.time);
}

/** Tags a person chose; the `job:<id>` tag Lifeboat adds is shown as the job's name instead. */
export function visibleTags(snapshot: SnapshotInfo): string[] {
  return snapshot.tags.filter((tag) => !tag.startsWith('job:'));
}

export function matches(version: Version, filter: VersionFilter): boolean {
  const s = version.snapshot;
  return (
    (filter.jobId === null || s.jobId === filter.jobId) &&
    (filter.tag === null || s.tags.includes(filter.tag)) &&
    (filter.host === null || s.hostname === filter.host)
  );
}

export function applyFilter(versions: Version[], filter: VersionFilter): Version[] {
  if (filter.jobId === null && filter.tag === null && filter.host === null) return versions;
  return versions.filter((v) => matches(v, filter));
}

/** The values the filters offer, most common first for jobs and hosts, tags alphabetically. */
export function filterChoices(versions: Version[]) {
  const count = (values: (string | null)[]) => {
    const counts = new Map<string, number>();
    for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([value]) => value);
  };
  return {
    jobIds: count(versions.map((v) => v.snapshot.jobId)),
    hosts: count(versions.map((v) => v.snapshot.hostname)),
    tags: [...new Set(versions.flatMap((v) => visibleTags(v.snapshot)))].sort(),
  };
}

/**
 * The version a snapshot is best compared with to say "what changed": its parent when the repository
 * still has it, else the newest older version of the same job (or the same computer and folders), else
 * simply the one before it. null for the first version.
 */
export function previousVersion(all: Version[], target: Version): Version | null {
  const index = all.indexOf(target);
  if (index <= 0) return null;
  const s = target.snapshot;
  if (s.parent) {
    const parent = all.find((v) => v.snapshot.id === s.parent);
    if (parent && parent.time <= target.time) return parent;
  }
  const sameSeries = (v: Version) =>
    s.jobId !== null
      ? v.snapshot.jobId === s.jobId
      : v.snapshot.jobId === null &&
        v.snapshot.hostname === s.hostname &&
        v.snapshot.paths.join('\n') === s.paths.join('\n');
  for (let i = index - 1; i >= 0; i--) if (sameSeries(all[i]!)) return all[i]!;
  return all[index - 1]!;
}

/**
 * A path as the user knows it: relative to the backed-up folder it is in (`uploads/scan.pdf`, not
 * `/home/office/crm/uploads/scan.pdf`); the full path stays in the tooltip.
 */
export function shortPath(path: string, roots: string[]): string {
  const root = roots
    .filter((r) => path.startsWith(r === '/' ? r : `${r}/`))
    .sort((a, b) => b.length - a.length)[0];
  return root ? path.slice(root === '/' ? 1 : root.length + 1) : path;
}
