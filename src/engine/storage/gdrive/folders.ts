/**
 * Folder ids of a repository on Drive: the repository folder (a path under My Drive) and its
 * restic subfolders (keys, data, data/xx, index, snapshots, locks). Drive allows several folders
 * with one name, so a folder is a *set* of ids: reads look in all of them, writes go to the oldest
 * (every client picks the same one). Lookups and creations are cached and de-duplicated, so
 * parallel uploads never create the same folder twice in one process.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { DriveApi } from './drive-api.ts';
import { byAge } from './drive-api.ts';
import { formatGdriveLocation } from './location.ts';

export class DriveFolders {
  private readonly api: DriveApi;
  private readonly path: readonly string[];
  /** undefined: not looked up yet; null: the repository folder does not exist. */
  private repoId: Promise<string | null> | undefined;
  private readonly dirs = new Map<string, Promise<string[]>>();
  private readonly creating = new Map<string, Promise<string>>();
  private dataListing: Promise<string[]> | undefined;

  constructor(api: DriveApi, path: readonly string[]) {
    this.api = api;
    this.path = path;
  }

  get location(): string {
    return formatGdriveLocation(this.path);
  }

  /** Forgets cached ids (after a 404 on a folder, or before `create`). */
  invalidate(): void {
    this.repoId = undefined;
    this.dirs.clear();
  }

  /** Forgets one cached folder (and those below it), e.g. after a file was not found in it. */
  forgetDir(rel: readonly string[]): void {
    const key = rel.join('/');
    for (const k of [...this.dirs.keys()]) if (k === key || k.startsWith(`${key}/`)) this.dirs.delete(k);
  }

  /** The repository folder's id, or null when it does not exist. */
  async repo(): Promise<string | null> {
    this.repoId ??= this.resolveRepo().catch((err: unknown) => {
      this.repoId = undefined;
      throw err;
    });
    return this.repoId;
  }

  async requireRepo(): Promise<string> {
    const id = await this.repo();
    if (id === null) {
      throw new LifeboatError('REPO_NOT_FOUND', `There is no repository at ${this.location}.`, {
        hint: 'Check the folder name, and that you signed in with the Google account that holds the backups.',
      });
    }
    return id;
  }

  private async resolveRepo(): Promise<string | null> {
    let level = ['root'];
    for (const name of this.path) {
      const found = await this.api.listChildren(
        'stat',
        level,
        { name, folders: true },
        `look up folder ${name}`,
      );
      if (found.length === 0) return null;
      level = found.sort(byAge).map((f) => f.id);
    }
    if (level.length === 1) return level[0]!;
    // Duplicated repository folders: the one holding a config is the repository.
    const configs = await this.api.listChildren(
      'stat',
      level,
      { name: 'config', folders: false },
      'look up config',
    );
    const withConfig = level.find((id) => configs.some((c) => c.parents.includes(id)));
    return withConfig ?? level[0]!;
  }

  /** Creates the repository folder path where it is missing (oldest copy at every level). */
  async ensureRepo(): Promise<string> {
    const existing = await this.repo();
    if (existing !== null) return existing;
    let parent = 'root';
    for (const name of this.path) {
      const found = await this.api.listChildren(
        'write',
        [parent],
        { name, folders: true },
        `look up folder ${name}`,
      );
      parent = found.length ? found.sort(byAge)[0]!.id : (await this.api.createFolder(name, parent)).id;
    }
    this.repoId = Promise.resolve(parent);
    return parent;
  }

  /** Ids of a folder below the repository (`[]` = the repository itself is `rel.length === 0`). */
  async dirIds(rel: readonly string[]): Promise<string[]> {
    if (rel.length === 0) {
      const id = await this.repo();
      return id === null ? [] : [id];
    }
    const key = rel.join('/');
    let p = this.dirs.get(key);
    if (!p && rel.length === 2 && rel[0] === 'data') {
      // one listing of data/ answers for all 256 data/xx folders
      await this.dataSubdirs();
      p = this.dirs.get(key);
    }
    if (!p) {
      p = (async () => {
        const parents = await this.dirIds(rel.slice(0, -1));
        if (parents.length === 0) return [];
        const name = rel[rel.length - 1]!;
        const found = await this.api.listChildren(
          'list',
          parents,
          { name, folders: true },
          `look up folder ${key}`,
        );
        return found.sort(byAge).map((f) => f.id);
      })();
      p.catch(() => this.dirs.delete(key));
      this.dirs.set(key, p);
    }
    return p;
  }

  /** The data/xx folders, all fetched with one listing of data/ and cached. */
  async dataSubdirs(): Promise<string[]> {
    this.dataListing ??= this.listDataSubdirs().finally(() => {
      this.dataListing = undefined;
    });
    return this.dataListing;
  }

  private async listDataSubdirs(): Promise<string[]> {
    const data = await this.dirIds(['data']);
    if (data.length === 0) {
      for (let i = 0; i < 256; i++)
        this.dirs.set(`data/${i.toString(16).padStart(2, '0')}`, Promise.resolve([]));
      return [];
    }
    const subs = await this.api.listChildren('list', data, { folders: true }, 'list data folders');
    const byName = new Map<string, string[]>();
    for (const f of subs.sort(byAge)) {
      if (!/^[0-9a-f]{2}$/.test(f.name)) continue;
      byName.set(f.name, [...(byName.get(f.name) ?? []), f.id]);
    }
    for (let i = 0; i < 256; i++) {
      const sub = i.toString(16).padStart(2, '0');
      this.dirs.set(`data/${sub}`, Promise.resolve(byName.get(sub) ?? []));
    }
    return [...byName.values()].flat();
  }

  /** The folder a new file goes into, created when missing (never the repository folder itself). */
  async ensureDir(rel: readonly string[]): Promise<string> {
    if (rel.length === 0) return this.requireRepo();
    const key = rel.join('/');
    const ids = await this.dirIds(rel);
    if (ids.length > 0) return ids[0]!;
    let p = this.creating.get(key);
    if (!p) {
      p = (async () => {
        const parent = await this.ensureDir(rel.slice(0, -1));
        const name = rel[rel.length - 1]!;
        // the cached "absent" may be stale (another client): look once more before creating
        const found = await this.api.listChildren(
          'write',
          [parent],
          { name, folders: true },
          `look up folder ${key}`,
        );
        const id = found.length ? found.sort(byAge)[0]!.id : (await this.api.createFolder(name, parent)).id;
        this.dirs.set(key, Promise.resolve(found.length ? found.sort(byAge).map((f) => f.id) : [id]));
        return id;
      })();
      this.creating.set(key, p);
      p.then(
        () => this.creating.delete(key),
        () => this.creating.delete(key),
      );
    }
    return p;
  }
}
