/**
 * The timeline's data: known repositories, a repository's snapshots, the status of the runs that
 * made them (from the history of the jobs that write into it) and diffs between two versions.
 */
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient, useEvent } from '../api/client-context.tsx';
import { statusOfRun, type VersionStatus } from './versions.ts';
import { backupVersions } from '../../shared/repositories.ts';

export const timelineKeys = {
  repositories: ['listRepositories'] as const,
  snapshots: (repositoryId: string) => ['listSnapshots', repositoryId] as const,
  runStatuses: (jobId: string) => ['jobHistory', jobId, 'statuses'] as const,
  diff: (repositoryId: string, from: string, to: string) =>
    ['diffSnapshots', repositoryId, from, to] as const,
};

/** How many changes a diff brings to the screen (the counts are always complete). */
export const diffLimit = 5000;

export function useRepositories() {
  const client = useClient();
  return useQuery({ queryKey: timelineKeys.repositories, queryFn: () => client.call('listRepositories') });
}

export function useSnapshots(repositoryId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: timelineKeys.snapshots(repositoryId ?? ''),
    queryFn: () => client.call('listSnapshots', { repositoryId: repositoryId! }),
    // Drill reports are records of restore tests, not versions of the data.
    select: backupVersions,
    enabled: repositoryId !== null,
    // New backups arrive while the page is open; a minute old is fine.
    staleTime: 60_000,
  });
}

/** snapshot id → how the run that made it ended, for every job writing into the repository. */
export function useRunStatuses(jobIds: string[]): ReadonlyMap<string, VersionStatus> {
  const client = useClient();
  const results = useQueries({
    queries: jobIds.map((id) => ({
      queryKey: timelineKeys.runStatuses(id),
      queryFn: async () => {
        const history = await client.call('jobHistory', { id, limit: 10_000, reconcile: false });
        const pairs: [string, VersionStatus][] = [];
        for (const entry of history.entries) {
          if (entry.kind === 'run' && entry.run.snapshotId)
            pairs.push([entry.run.snapshotId, statusOfRun(entry.run.status)]);
        }
        return pairs;
      },
      staleTime: 60_000,
    })),
    combine: combineStatuses,
  });
  return results;
}

/** Module-level, so React Query re-runs it only when a history changed. */
function combineStatuses(
  results: { data?: [string, VersionStatus][] | undefined }[],
): ReadonlyMap<string, VersionStatus> {
  return new Map(results.flatMap((r) => r.data ?? []));
}

/** A run that ended may have added (or, by retention, removed) versions: load them again. */
export function useRefreshAfterRuns(): void {
  const queryClient = useQueryClient();
  useEvent('jobState', (summary) => {
    if (summary.status === 'running') return;
    void queryClient.invalidateQueries({ queryKey: ['listSnapshots'] });
    void queryClient.invalidateQueries({ queryKey: timelineKeys.runStatuses(summary.id) });
  });
}

export function useDiff(repositoryId: string, from: string | null, to: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: timelineKeys.diff(repositoryId, from ?? '', to ?? ''),
    queryFn: () => client.call('diffSnapshots', { repositoryId, from: from!, to: to!, limit: diffLimit }),
    enabled: from !== null && to !== null && from !== to,
  });
}
