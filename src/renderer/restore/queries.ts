/** The restore screen's data: repositories, versions, folder listings, search, preview and restore. */
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import type { OperationInput } from '../../shared/contract.ts';
import type { RestoreRequest } from '../../shared/repositories.ts';
import { useClient } from '../api/client-context.tsx';
import { databaseCopyToOffer, tickedDumpFolder } from './restore-model.ts';

export const restoreKeys = {
  repositories: ['listRepositories'],
  snapshots: (repositoryId: string) => ['listSnapshots', repositoryId],
  dir: (repositoryId: string, snapshotId: string, path: string) => [
    'listSnapshotDir',
    repositoryId,
    snapshotId,
    path,
  ],
  find: (repositoryId: string, query: string) => ['findInSnapshots', repositoryId, query],
  restore: ['restoreSnapshot'],
  /** Under `restore`, so "a restore is running" covers database copies too. */
  restoreDatabase: ['restoreSnapshot', 'database'],
  databaseDump: (repositoryId: string, snapshotId: string, path: string) => [
    'previewDatabaseRestore',
    repositoryId,
    snapshotId,
    path,
  ],
} as const;

export function useRepositories() {
  const client = useClient();
  return useQuery({ queryKey: restoreKeys.repositories, queryFn: () => client.call('listRepositories') });
}

export function useSnapshots(repositoryId: string | null) {
  const client = useClient();
  return useQuery({
    queryKey: restoreKeys.snapshots(repositoryId ?? ''),
    queryFn: () => client.call('listSnapshots', { repositoryId: repositoryId! }),
    enabled: repositoryId !== null,
    // New backups arrive while the screen is open; a minute old is fresh enough.
    staleTime: 60_000,
  });
}

/** One folder of a snapshot; a snapshot's content never changes, so it is cached for good. */
export function useSnapshotDir(repositoryId: string, snapshotId: string, path: string) {
  const client = useClient();
  return useQuery({
    queryKey: restoreKeys.dir(repositoryId, snapshotId, path),
    queryFn: () => client.call('listSnapshotDir', { repositoryId, snapshotId, path }),
    gcTime: 5 * 60_000,
  });
}

/**
 * The database copy to offer "Restore into a database" for (see `databaseCopyToOffer`): when the one
 * ticked path is a folder of copies, its listing (the cached one, when the person opened it) decides.
 */
export function useDatabaseCopyToOffer(repositoryId: string, snapshotId: string, include: readonly string[]) {
  const client = useClient();
  const folder = tickedDumpFolder(include);
  const listing = useQuery({
    queryKey: restoreKeys.dir(repositoryId, snapshotId, folder ?? ''),
    queryFn: () => client.call('listSnapshotDir', { repositoryId, snapshotId, path: folder! }),
    enabled: folder !== null,
    gcTime: 5 * 60_000,
  });
  return databaseCopyToOffer(include, folder ? listing.data?.entries : undefined);
}

/**
 * "Which versions contain this file": the given versions, searched in the order given (newest first,
 * so when there are more than `limit` matches the newest ones are the ones shown).
 */
export function useFindInSnapshots(repositoryId: string, query: string, snapshotIds: string[]) {
  const client = useClient();
  const ids = snapshotIds.slice(0, 10_000);
  return useQuery({
    queryKey: [...restoreKeys.find(repositoryId, query), ids.length, ids[0]],
    queryFn: () => client.call('findInSnapshots', { repositoryId, query, snapshotIds: ids, limit: 500 }),
    enabled: query.trim().length > 0 && ids.length > 0,
    placeholderData: keepPreviousData,
  });
}

/**
 * What a restore to this place would need and find there (room, free space), checked again as the
 * person changes the place; the previous answer stays on screen meanwhile. null: nothing to check.
 */
export function useRestoreCheck(request: RestoreRequest | null) {
  const client = useClient();
  return useQuery({
    queryKey: ['previewRestore', request],
    queryFn: () => client.call('previewRestore', request!),
    enabled: request !== null,
    placeholderData: keepPreviousData,
  });
}

export function usePreviewRestore() {
  const client = useClient();
  return useMutation({ mutationFn: (request: RestoreRequest) => client.call('previewRestore', request) });
}

export function useRestore() {
  const client = useClient();
  return useMutation({
    mutationKey: restoreKeys.restore,
    mutationFn: (request: RestoreRequest) => client.call('restoreSnapshot', request),
  });
}

export function useCancelRestore() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.call('cancelRestore') });
}

/** Where a database copy came from and a new name for it (prefills the database restore form). */
export function useDatabaseDump(repositoryId: string, snapshotId: string, path: string) {
  const client = useClient();
  return useQuery({
    queryKey: restoreKeys.databaseDump(repositoryId, snapshotId, path),
    queryFn: () => client.call('previewDatabaseRestore', { repositoryId, snapshotId, path }),
    // The suggested name carries the time: keep it while the form is open.
    staleTime: Infinity,
  });
}

export function useRestoreDatabase() {
  const client = useClient();
  return useMutation({
    mutationKey: restoreKeys.restoreDatabase,
    mutationFn: (request: OperationInput<'restoreDatabase'>) => client.call('restoreDatabase', request),
  });
}
