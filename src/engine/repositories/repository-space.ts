/** The dashboard's storage gauge: free and total space where the repository lives, and its own size. */
import type { RepositorySpace } from '../../shared/repositories.ts';
import type { OpenRepository } from './open-repository.ts';

export async function repositorySpace(open: OpenRepository): Promise<RepositorySpace> {
  const backend = open.repo.backend;
  const [packs, space] = await Promise.all([backend.list('data'), backend.space?.().catch(() => undefined)]);
  return {
    freeBytes: space?.free ?? null,
    totalBytes: space?.total ?? null,
    repositoryBytes: packs.reduce((sum, p) => sum + p.size, 0),
  };
}
