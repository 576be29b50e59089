/** Opens the storage of a location and the repository in it with a password (both ways a user meets them). */
import { LifeboatError } from '../../shared/errors.ts';
import { formatLocation, type RepositoryLocation } from '../../shared/locations.ts';
import { Repository } from '../repo/repository.ts';
import type { Backend } from '../storage/backend.ts';
import { openBackend as defaultOpenBackend } from '../storage/open-backend.ts';
import type { RepositoriesDeps } from './deps.ts';

export async function openStorage(deps: RepositoriesDeps, location: RepositoryLocation): Promise<Backend> {
  const open = deps.openBackend ?? defaultOpenBackend;
  return open(formatLocation(location), {
    dataDir: deps.dataDir,
    secrets: deps.secrets,
    ...('account' in location && location.account ? { account: location.account } : {}),
  });
}

/** Opens the repository, making sure it is the one expected when an id is given. */
export async function openRepositoryAt(
  deps: RepositoriesDeps,
  location: RepositoryLocation,
  password: string,
  expectedId?: string,
): Promise<Repository> {
  const repo = await Repository.open(await openStorage(deps, location), password);
  if (expectedId && repo.config.id !== expectedId) {
    throw new LifeboatError(
      'REPO_NOT_FOUND',
      `The storage at ${formatLocation(location)} holds a different repository than expected.`,
      {
        hint: 'Show Lifeboat where the backup storage is now, or connect this one as new storage.',
        details: `expected ${expectedId.slice(0, 10)}, found ${repo.config.id.slice(0, 10)}`,
      },
    );
  }
  return repo;
}
