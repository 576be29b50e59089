/** The settings screens' data: jobs, accounts, repositories, notifications, launch at login, logs. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OperationInput } from '../../shared/contract.ts';
import { useClient } from '../api/client-context.tsx';
import { queryKeys } from '../api/queries.ts';

export const settingsKeys = {
  job: (id: string) => ['getJob', id],
  accounts: ['listAccounts'],
  repositories: ['listRepositories'],
  notifications: ['getNotificationSettings'],
  launchAtLogin: ['getLaunchAtLogin'],
  history: (id: string) => ['jobHistory', id],
  runLog: (jobId: string, runId: string) => ['runLog', jobId, runId],
} as const;

export function useJobDetails(id: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: settingsKeys.job(id ?? ''),
    queryFn: () => client.call('getJob', { id: id! }),
    enabled: id !== null,
    staleTime: 0,
  });
}

/** Saving, pausing or deleting a job changes the job list and its details: refresh both. */
function useJobMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
      void queryClient.invalidateQueries({ queryKey: ['getJob'] });
      void queryClient.invalidateQueries({ queryKey: settingsKeys.repositories });
    },
  });
}

export function useSaveJob() {
  const client = useClient();
  return useJobMutation((input: OperationInput<'saveJob'>) => client.call('saveJob', input));
}
export function usePauseJob() {
  const client = useClient();
  return useJobMutation(({ id, pause }: { id: string; pause: boolean }) =>
    client.call(pause ? 'pauseJob' : 'resumeJob', { id }),
  );
}
export function useDeleteJob() {
  const client = useClient();
  return useJobMutation((id: string) => client.call('deleteJob', { id }));
}

export function useAccounts() {
  const client = useClient();
  return useQuery({ queryKey: settingsKeys.accounts, queryFn: () => client.call('listAccounts') });
}
export function useSignIn() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: OperationInput<'signIn'>) => client.call('signIn', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.accounts }),
  });
}
export function useSignOut() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: OperationInput<'signOut'>) => client.call('signOut', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.accounts }),
  });
}

export function useKnownRepositories() {
  const client = useClient();
  return useQuery({ queryKey: settingsKeys.repositories, queryFn: () => client.call('listRepositories') });
}
export function useDisconnectRepository() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (repositoryId: string) => client.call('disconnectRepository', { repositoryId }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.repositories }),
  });
}

export function useNotificationSettings() {
  const client = useClient();
  return useQuery({
    queryKey: settingsKeys.notifications,
    queryFn: () => client.call('getNotificationSettings'),
  });
}
export function useSaveNotificationSettings() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: OperationInput<'saveNotificationSettings'>) =>
      client.call('saveNotificationSettings', input),
    onSuccess: (view) => queryClient.setQueryData(settingsKeys.notifications, view),
  });
}
export function useTestNotification() {
  const client = useClient();
  return useMutation({
    mutationFn: (channelId?: string) => client.call('testNotification', channelId ? { channelId } : {}),
  });
}

export function useLaunchAtLogin() {
  const client = useClient();
  return useQuery({ queryKey: settingsKeys.launchAtLogin, queryFn: () => client.call('getLaunchAtLogin') });
}
export function useSetLaunchAtLogin() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (enabled: boolean) => client.call('setLaunchAtLogin', { enabled }),
    onSuccess: (value) => queryClient.setQueryData(settingsKeys.launchAtLogin, value),
  });
}

export function useJobHistory(id: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: settingsKeys.history(id ?? ''),
    queryFn: () => client.call('jobHistory', { id: id!, limit: 100, reconcile: false }),
    enabled: id !== null,
    staleTime: 0,
  });
}
export function useRunLog(jobId: string | null, runId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: settingsKeys.runLog(jobId ?? '', runId ?? ''),
    queryFn: () => client.call('runLog', { jobId: jobId!, runId: runId! }),
    enabled: jobId !== null && runId !== null,
    staleTime: 0,
  });
}
