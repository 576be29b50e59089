import { QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppInfo, JobSummary, Settings, SettingsPatch } from '../../shared/contract.ts';
import { ClientError } from './client.ts';
import { useClient, useEvent } from './client-context.tsx';

/** One key per operation (its name), so an event handler can update exactly the cache it affects. */
export const queryKeys = {
  appInfo: ['getAppInfo'],
  settings: ['getSettings'],
  jobs: ['listJobs'],
} as const;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Only a lost connection is worth retrying; the Service's other errors would repeat.
        retry: (count, error) => error instanceof ClientError && error.code === 'NETWORK' && count < 3,
        // Data changes only through our own calls or pushed events, not behind our back.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

export function useAppInfo() {
  const client = useClient();
  return useQuery<AppInfo>({ queryKey: queryKeys.appInfo, queryFn: () => client.call('getAppInfo') });
}

export function useSettings() {
  const client = useClient();
  return useQuery<Settings>({ queryKey: queryKeys.settings, queryFn: () => client.call('getSettings') });
}

/** Shows the change at once and rolls it back if the Service refuses it. */
export function useUpdateSettings() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<Settings, Error, SettingsPatch, { previous: Settings | undefined }>({
    mutationFn: (patch) => client.call('updateSettings', patch),
    onMutate: async (patch) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.settings });
      const previous = queryClient.getQueryData<Settings>(queryKeys.settings);
      if (previous) queryClient.setQueryData<Settings>(queryKeys.settings, { ...previous, ...patch });
      return { previous };
    },
    onError: (_error, _patch, context) => {
      if (context?.previous) queryClient.setQueryData(queryKeys.settings, context.previous);
    },
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings, settings),
  });
}

/** Keeps the settings cache in step with changes made elsewhere (another window, the CLI). */
export function useSettingsEvents(): void {
  const queryClient = useQueryClient();
  useEvent('settingsChanged', (settings) => queryClient.setQueryData(queryKeys.settings, settings));
}

/** The job list, kept live by `jobState` events. */
export function useJobs() {
  const client = useClient();
  const queryClient = useQueryClient();
  useEvent('jobState', (job) => {
    queryClient.setQueryData<JobSummary[]>(queryKeys.jobs, (jobs) => {
      if (!jobs) return jobs;
      const index = jobs.findIndex((j) => j.id === job.id);
      return index === -1 ? [...jobs, job] : jobs.map((j, i) => (i === index ? job : j));
    });
  });
  return useQuery<JobSummary[]>({ queryKey: queryKeys.jobs, queryFn: () => client.call('listJobs') });
}
