/**
 * One repository kept open, with its caches of immutable things: decrypted snapshots and decoded
 * trees. The index is reloaded when index files were added or removed (a backup or prune since), but
 * never while an operation that relies on it runs (`use`): the engine refills its index in place, and a
 * restore reading it meanwhile would find nothing.
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import { planRanges } from '../repo/blob-reader.ts';
import { mapLimit } from '../repo/concurrency.ts';
import type { IndexEntry } from '../repo/master-index.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import { decodeBrowseTree, type BrowseTree } from './browse-tree.ts';
import { DecodedTrees } from './decoded-trees.ts';

/** Memory for decoded trees per open repository (a 50,000-entry folder takes about 15 MB). */
const treeCacheBytes = 96 * 1024 * 1024;

export class OpenRepository {
  readonly repo: Repository;
  readonly info: RepositoryInfo;
  /** Snapshot files never change once written: decrypted ones are kept by id. */
  readonly snapshots = new Map<string, SnapshotWithId>();
  /** Snapshot files that could not be read (reported once, not read again). */
  readonly damaged = new Set<string>();
  readonly #trees = new DecodedTrees(treeCacheBytes);
  #indexNames: string | undefined;
  #indexLoading: Promise<void> | undefined;
  /** Operations relying on the index right now (no reload meanwhile). */
  #users = 0;

  constructor(repo: Repository, info: RepositoryInfo) {
    this.repo = repo;
    this.info = info;
  }

  /**
   * Loads the index unless it is loaded and no index file was added or removed since. While an
   * operation relies on the index (`use`), it is kept as it is: that operation began with a fresh one.
   */
  async refreshIndex(force = false): Promise<void> {
    if (this.#users > 0 && this.#indexNames !== undefined) return;
    this.#indexLoading ??= (async () => {
      const names = (await this.repo.backend.list('index'))
        .map((f) => f.name)
        .sort()
        .join(',');
      if (force || names !== this.#indexNames) {
        await this.repo.loadIndex();
        this.#indexNames = names;
      }
    })().finally(() => (this.#indexLoading = undefined));
    await this.#indexLoading;
  }

  /** Runs `fn` with a fresh index that is not reloaded until it is done. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    await this.refreshIndex();
    this.#users++;
    try {
      return await fn();
    } finally {
      this.#users--;
    }
  }

  async ensureIndex(): Promise<void> {
    if (this.#indexNames === undefined) await this.refreshIndex();
  }

  /** A tree already in memory, else undefined. */
  cachedTree(id: string): BrowseTree | undefined {
    return this.#trees.get(id);
  }

  /** A decoded tree; a tree missing from the index (written by a newer backup) reloads the index once. */
  async tree(id: string): Promise<BrowseTree> {
    const cached = this.#trees.get(id);
    if (cached) return cached;
    await this.ensureIndex();
    if (!this.repo.hasBlob('tree', id)) await this.refreshIndex();
    let raw: Buffer;
    try {
      raw = await this.repo.loadBlob('tree', id);
    } catch (err) {
      // A prune elsewhere may have moved the tree into another pack: look again with a fresh index.
      if (!(err instanceof LifeboatError) || err.code !== 'REPO_CORRUPT') throw err;
      await this.refreshIndex();
      raw = await this.repo.loadBlob('tree', id);
    }
    const tree = decodeBrowseTree(raw);
    this.#trees.set(id, tree, raw.length);
    return tree;
  }

  /**
   * Loads many trees with few reads: the needed blobs are grouped by pack into range reads (trees of
   * successive backups sit side by side in the same packs), so a search over 2,000 versions on Drive
   * makes tens of requests instead of thousands. Trees that fail here are left to `tree()` to report.
   */
  async prefetchTrees(ids: Iterable<string>, signal?: AbortSignal): Promise<void> {
    await this.ensureIndex();
    const entries: IndexEntry[] = [];
    for (const id of new Set(ids)) {
      if (this.#trees.get(id)) continue;
      const entry = this.repo.lookupBlob('tree', id);
      if (entry) entries.push(entry);
    }
    if (entries.length === 0) return;
    const ranges = planRanges([entries], { maxSpan: 4 * 1024 * 1024, maxGap: 64 * 1024 });
    await mapLimit(ranges, 4, async (range) => {
      signal?.throwIfAborted();
      const bytes = await this.repo.backend
        .read('data', range.packId, { offset: range.offset, length: range.length })
        .catch(() => undefined);
      if (!bytes) return;
      for (const b of range.blobs) {
        const at = b.entry.offset - range.offset;
        try {
          const raw = this.repo.decodeBlob(b.entry, bytes.subarray(at, at + b.entry.length));
          this.#trees.set(b.entry.id, decodeBrowseTree(raw), raw.length);
        } catch {
          // damaged: tree() reads it again and reports it
        }
      }
    });
  }

  async snapshot(id: string): Promise<SnapshotWithId> {
    const cached = this.snapshots.get(id);
    if (cached) return cached;
    let sn: SnapshotWithId;
    try {
      sn = await this.repo.loadSnapshot(id);
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') throw snapshotNotFound(id);
      throw err;
    }
    this.snapshots.set(id, sn);
    return sn;
  }
}

export function snapshotNotFound(id: string): LifeboatError {
  return new LifeboatError('NOT_FOUND', `The backup version ${id.slice(0, 8)} is not in this storage.`, {
    hint: 'It may have been removed by the retention rules. Refresh the list of versions.',
  });
}
