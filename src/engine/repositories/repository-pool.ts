/**
 * Open repositories by id, kept open between calls: opening costs a key derivation (scrypt) and
 * loading the index, and the UI asks many small questions in a row (list, browse, browse deeper).
 */
import { LifeboatError } from '../../shared/errors.ts';
import { formatLocation } from '../../shared/locations.ts';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import type { Repository } from '../repo/repository.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import type { RepositoriesDeps } from './deps.ts';
import { OpenRepository } from './open-repository.ts';
import { openRepositoryAt } from './open-storage.ts';

export class RepositoryPool {
  readonly #deps: RepositoriesDeps;
  readonly #open = new Map<string, { key: string; handle: Promise<OpenRepository> }>();

  constructor(deps: RepositoriesDeps) {
    this.#deps = deps;
  }

  /** The open repository for a known one, opened with the password filed in the keychain. */
  async get(info: RepositoryInfo): Promise<OpenRepository> {
    const key = formatLocation(info.location);
    const current = this.#open.get(info.repositoryId);
    if (current && current.key === key) return current.handle;
    const handle = this.#openKnown(info);
    this.#open.set(info.repositoryId, { key, handle });
    handle.catch(() => {
      if (this.#open.get(info.repositoryId)?.handle === handle) this.#open.delete(info.repositoryId);
    });
    return handle;
  }

  /** Adds a repository just opened with its password (create, connect), so it is not opened twice. */
  put(repo: Repository, info: RepositoryInfo): OpenRepository {
    const handle = new OpenRepository(repo, info);
    this.#open.set(info.repositoryId, {
      key: formatLocation(info.location),
      handle: Promise.resolve(handle),
    });
    return handle;
  }

  forget(repositoryId: string): void {
    this.#open.delete(repositoryId);
  }

  async #openKnown(info: RepositoryInfo): Promise<OpenRepository> {
    const password = await (
      await this.#deps.secrets()
    ).get(secretAccounts.repositoryPassword(info.repositoryId));
    if (!password) {
      throw new LifeboatError(
        'WRONG_PASSWORD',
        'The password of this backup storage is not on this computer.',
        {
          hint: 'Connect the storage again with its password.',
        },
      );
    }
    return new OpenRepository(
      await openRepositoryAt(this.#deps, info.location, password, info.repositoryId),
      info,
    );
  }
}
