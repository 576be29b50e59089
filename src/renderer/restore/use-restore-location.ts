import { useCallback } from 'react';
import { hrefWith, useHashParams } from '../router/hash-router.ts';

export interface RestoreLocation {
  repo: string | null;
  snapshot: string | null;
  /** The folder shown in the browser (`/` is the top). */
  path: string;
}

/**
 * The restore screen keeps "which repository, version and folder" in the address
 * (`#/restore?repo=…&snapshot=…&path=…`), so links from the timeline land on a version and Back goes up.
 */
export function useRestoreLocation(): [RestoreLocation, (next: Partial<RestoreLocation>) => void] {
  const params = useHashParams();
  const current: RestoreLocation = {
    repo: params.get('repo'),
    snapshot: params.get('snapshot'),
    path: params.get('path') || '/',
  };
  const { repo, snapshot, path } = current;
  const go = useCallback(
    (next: Partial<RestoreLocation>) => {
      const merged = { repo, snapshot, path, ...next };
      window.location.hash = hrefWith('restore', {
        repo: merged.repo ?? undefined,
        snapshot: merged.snapshot ?? undefined,
        path: merged.path && merged.path !== '/' ? merged.path : undefined,
      });
    },
    [repo, snapshot, path],
  );
  return [current, go];
}
