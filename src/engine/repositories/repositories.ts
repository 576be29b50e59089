/**
 * The repository operations of the contract (src/shared/repositories.ts), behind one object the
 * Service delegates to: known repositories, snapshots, browsing, finding, comparing and restoring,
 * launch at login and the setup wizard's draft. Each job is done by a module of its own here.
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { RepositoryLocation } from '../../shared/locations.ts';
import type {
  DestinationCheck,
  FileMatch,
  RepositoryInfo,
  RepositorySpace,
  RestorePreview,
  RestoreReport,
  RestoreRequest,
  SetupDraft,
  SnapshotDiff,
  SnapshotInfo,
  TreeEntry,
} from '../../shared/repositories.ts';
import { Repository } from '../repo/repository.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import type { RepositoriesDeps } from './deps.ts';
import { checkDestination } from './destination-check.ts';
import { findInSnapshots, type FindRequest } from './find-in-snapshots.ts';
import { ConnectedRepositories, findKnown, mergeKnown, sameLocation } from './known-repositories.ts';
import { openStorage } from './open-storage.ts';
import type { OpenRepository } from './open-repository.ts';
import { RepositoryPool } from './repository-pool.ts';
import { repositorySpace } from './repository-space.ts';
import { previewRestore } from './restore-preview.ts';
import { RestoreSessions, sharedLock } from './restore-session.ts';
import { SetupDraftStore } from './setup-draft.ts';
import { diffSnapshots } from './snapshot-diff.ts';
import { listSnapshotDir } from './snapshot-dir.ts';
import { listSnapshots } from './snapshot-list.ts';

export class Repositories {
  readonly #deps: RepositoriesDeps;
  readonly #connected: ConnectedRepositories;
  readonly #pool: RepositoryPool;
  readonly #restores: RestoreSessions;
  readonly #draft: SetupDraftStore;

  constructor(deps: RepositoriesDeps) {
    this.#deps = deps;
    this.#connected = new ConnectedRepositories(deps.dataDir);
    this.#pool = new RepositoryPool(deps);
    this.#restores = new RestoreSessions(deps);
    this.#draft = new SetupDraftStore(deps.dataDir, deps.now);
  }

  // ---- known repositories ----

  /**
   * Jobs' repositories are remembered as connected too, so deleting a job (its backups stay) does not
   * take them out of the restore screens; they can be disconnected once no job uses them.
   */
  async list(): Promise<RepositoryInfo[]> {
    const [jobs, connected] = await Promise.all([this.#deps.jobs(), this.#connected.list()]);
    const known = mergeKnown(jobs, connected);
    const unrecorded = known.filter(
      (k) =>
        !connected.some((c) => c.repositoryId === k.repositoryId && sameLocation(c.location, k.location)),
    );
    if (unrecorded.length > 0) {
      await this.#connected.upsert(
        unrecorded.map(({ repositoryId, location, connectedAt }) => ({
          repositoryId,
          location,
          connectedAt,
        })),
      );
    }
    return known;
  }

  async #known(repositoryId: string): Promise<RepositoryInfo> {
    return findKnown(await this.list(), repositoryId);
  }

  async #open(repositoryId: string): Promise<OpenRepository> {
    return this.#pool.get(await this.#known(repositoryId));
  }

  checkDestination(location: RepositoryLocation, sourcePaths?: readonly string[]): Promise<DestinationCheck> {
    return checkDestination(this.#deps, location, sourcePaths);
  }

  async create(location: RepositoryLocation, password: string): Promise<RepositoryInfo> {
    requireFullPath(location);
    const repo = await Repository.init(await openStorage(this.#deps, location), password);
    return this.#remember(repo, location, password);
  }

  async connect(location: RepositoryLocation, password: string): Promise<RepositoryInfo> {
    requireFullPath(location);
    const repo = await Repository.open(await openStorage(this.#deps, location), password);
    return this.#remember(repo, location, password);
  }

  /** Files the password under the repository id, remembers the repository, keeps it open. */
  async #remember(repo: Repository, location: RepositoryLocation, password: string): Promise<RepositoryInfo> {
    const repositoryId = repo.config.id;
    await (await this.#deps.secrets()).set(secretAccounts.repositoryPassword(repositoryId), password);
    await this.#connected.add({ repositoryId, location, connectedAt: this.#deps.now().toISOString() });
    const info = await this.#known(repositoryId);
    this.#pool.put(repo, info);
    return info;
  }

  async disconnect(repositoryId: string): Promise<boolean> {
    const info = await this.#known(repositoryId);
    if (info.jobIds.length > 0) {
      throw new LifeboatError('BUSY', 'A backup job still uses this storage.', {
        hint: 'Delete the job first (its backups stay in the storage).',
      });
    }
    this.#pool.forget(repositoryId);
    return this.#connected.remove(repositoryId);
  }

  async space(repositoryId: string): Promise<RepositorySpace> {
    return repositorySpace(await this.#open(repositoryId));
  }

  // ---- snapshots ----

  async snapshots(repositoryId: string): Promise<SnapshotInfo[]> {
    return listSnapshots(await this.#open(repositoryId), (id, err) =>
      this.#deps.emit('log', {
        time: this.#deps.now().toISOString(),
        level: 'error',
        jobId: null,
        message: `Backup version ${id.slice(0, 8)} cannot be read and is left out of the list: ${err.message} Run a repository check.`,
      }),
    );
  }

  async dir(repositoryId: string, snapshotId: string, path: string): Promise<TreeEntry[]> {
    return listSnapshotDir(await this.#open(repositoryId), snapshotId, path);
  }

  async diff(repositoryId: string, from: string, to: string, limit?: number): Promise<SnapshotDiff> {
    const open = await this.#open(repositoryId);
    return open.use(() => diffSnapshots(open, from, to, limit));
  }

  async find(
    repositoryId: string,
    request: FindRequest,
  ): Promise<{ matches: FileMatch[]; truncated: boolean }> {
    const open = await this.#open(repositoryId);
    return open.use(() => findInSnapshots(open, request));
  }

  // ---- restore ----

  async previewRestore(request: RestoreRequest): Promise<RestorePreview> {
    const open = await this.#open(request.repositoryId);
    return open.use(() => previewRestore(open, request));
  }

  async restore(request: RestoreRequest): Promise<RestoreReport> {
    const open = await this.#open(request.repositoryId);
    return open.use(() => this.#restores.restore(open, request));
  }

  cancelRestore(): boolean {
    return this.#restores.cancel();
  }

  /**
   * Runs `fn` on one snapshot of a known repository, opened from the pool, with its index held and a
   * shared lock (a prune elsewhere waits): for restores done outside this module (database copies).
   */
  async withSnapshot<T>(
    repositoryId: string,
    snapshotId: string,
    fn: (repo: Repository, snapshot: SnapshotWithId, info: RepositoryInfo) => Promise<T>,
  ): Promise<T> {
    const open = await this.#open(repositoryId);
    return open.use(async () => {
      const snapshot = await open.snapshot(snapshotId);
      const lock = await sharedLock(open);
      try {
        return await fn(open.repo, snapshot, open.info);
      } finally {
        await lock?.release().catch(() => undefined);
      }
    });
  }

  /** The app is closing: a restore in progress stops (its temporary files are removed). */
  close(): Promise<void> {
    return this.#restores.close();
  }

  // ---- launch at login, setup draft ----

  launchAtLogin(): { supported: boolean; enabled: boolean } {
    const host = this.#deps.launchAtLogin;
    return host ? { supported: true, enabled: host.get() } : { supported: false, enabled: false };
  }

  async setLaunchAtLogin(enabled: boolean): Promise<{ supported: boolean; enabled: boolean }> {
    const host = this.#deps.launchAtLogin;
    if (!host) {
      throw new LifeboatError('UNSUPPORTED', 'Starting at login is set up by the desktop app only.', {
        hint: 'On a server, start `lifeboat serve` with the system (a service or a scheduled task).',
      });
    }
    await host.set(enabled);
    return { supported: true, enabled: host.get() };
  }

  getSetupDraft(): Promise<SetupDraft | null> {
    return this.#draft.get();
  }

  saveSetupDraft(draft: SetupDraft | null): Promise<boolean> {
    return this.#draft.save(draft);
  }
}

function requireFullPath(location: RepositoryLocation): void {
  if (location.kind === 'local' && !/^([a-zA-Z]:)?[\\/]/.test(location.path)) {
    throw new LifeboatError('INVALID_ARGUMENT', `The folder "${location.path}" must be a full path.`, {
      hint: 'Choose the folder again.',
    });
  }
}
