/**
 * The dashboard's data: a job's details, its destination's free space, its recent runs, the progress
 * of its run, and the actions on it. Runs change these, so a `jobState` event for a job that is no
 * longer running refreshes its history and space.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { JobSummary, ProgressEvent } from '../../shared/contract.ts';
import { useClient, useEvent } from '../api/client-context.tsx';
import { queryKeys } from '../api/queries.ts';

export const dashboardKeys = {
  job: (id: string) => ['getJob', id] as const,
  history: (id: string) => ['jobHistory', id] as const,
  space: (repositoryId: string) => ['repositorySpace', repositoryId] as const,
};

/** How many recent runs the size trend draws. */
export const trendRuns = 20;

export function useJobDetails(id: string) {
  const client = useClient();
  return useQuery({ queryKey: dashboardKeys.job(id), queryFn: () => client.call('getJob', { id }) });
}

export function useJobRuns(id: string) {
  const client = useClient();
  return useQuery({
    queryKey: dashboardKeys.history(id),
    // The repository is not asked (reconcile false): the card must not wait for a slow cloud.
    queryFn: () => client.call('jobHistory', { id, limit: 60, reconcile: false }),
    select: (history) =>
      history.entries.flatMap((e) => (e.kind === 'run' ? [e.run] : [])).filter((r) => r.status !== 'running'),
  });
}

export function useRepositorySpace(repositoryId: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: dashboardKeys.space(repositoryId ?? ''),
    queryFn: () => client.call('repositorySpace', { repositoryId: repositoryId! }),
    enabled: repositoryId !== undefined,
    // Free space changes under us (other programs): look again now and then.
    staleTime: 5 * 60_000,
    refetchInterval: 10 * 60_000,
  });
}

/** When a job's run ends, what the card shows of it (history, space, details) is stale. */
export function useRefreshAfterRuns(): void {
  const queryClient = useQueryClient();
  useEvent('jobState', (summary) => {
    if (summary.status === 'running') return;
    void queryClient.invalidateQueries({ queryKey: dashboardKeys.history(summary.id) });
    void queryClient.invalidateQueries({ queryKey: dashboardKeys.job(summary.id) });
    void queryClient.invalidateQueries({ queryKey: ['repositorySpace'] });
  });
}

/** The latest progress event of this job's run; forgotten when the run ends. */
export function useJobProgress(job: JobSummary): ProgressEvent | null {
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  useEvent('progress', (event) => {
    if (event.jobId === job.id) setProgress(event);
  });
  useEvent('jobState', (summary) => {
    if (summary.id === job.id && summary.status !== 'running') setProgress(null);
  });
  return job.status === 'running' ? progress : null;
}

type JobAction = 'runJobNow' | 'cancelJob' | 'pauseJob' | 'resumeJob';

/** One of the card's buttons; the result arrives as a `jobState` event, so nothing to merge here. */
export function useJobAction(action: JobAction) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const result = await client.call(action, { id });
      if (action === 'pauseJob' || action === 'resumeJob') {
        const summary = result as JobSummary;
        queryClient.setQueryData<JobSummary[]>(queryKeys.jobs, (jobs) =>
          jobs?.map((j) => (j.id === summary.id ? summary : j)),
        );
        void queryClient.invalidateQueries({ queryKey: dashboardKeys.job(id) });
      }
      return result;
    },
  });
}
