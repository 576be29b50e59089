/**
 * A restic repository in a Google Drive folder (`gdrive:FOLDER`, drive.file scope: the app sees only
 * what it created). Layout as restic's: config, keys/, data/xx/, index/, snapshots/, locks/
 * (data/xx folders are created on first use, not 256 at init).
 *
 * Drive allows several files with one name, so:
 * - list reports each name once; a read picks a copy whose content is consistent (one copy, or
 *   identical md5s, or — when copies differ — the one whose sha256 is its content-addressed name);
 * - write-once: an existing name is "exists"; a retry first looks for a finished copy of the same
 *   content (an upload whose answer was lost), and identical copies left by retries are removed.
 * File ids are cached (path → ids, filled by listing) and looked up again after a 404.
 * Small files go in one multipart request, larger ones resumably in 256 KiB-multiple chunks; the
 * md5Checksum Drive reports is compared with ours.
 */
import { createHash } from 'node:crypto';
import { LifeboatError } from '../../../shared/errors.ts';
import type { TokenProvider } from '../../auth/token-provider.ts';
import { isValidFileName, RequestCounter } from '../backend.ts';
import type { Backend, BackendStats, ByteRange, FileInfo, FileType, SpaceInfo } from '../backend.ts';
import { byAge, defaultDriveRootUrl, DriveApi, md5Hex } from './drive-api.ts';
import type { DriveApiStats, DriveFile, RetryTuning } from './drive-api.ts';
import { DriveFolders } from './folders.ts';
import { parseFolderPath, parseGdriveLocation } from './location.ts';
import { uploadGranularity, uploadResumable } from './resumable.ts';

export interface GoogleDriveBackendOptions {
  /** The repository folder under My Drive: `Lifeboat Backups/shop` or `gdrive:Lifeboat Backups/shop`. */
  folder: string;
  tokens: TokenProvider;
  /** Root of the Drive API; default LIFEBOAT_GDRIVE_URL, else https://www.googleapis.com/. */
  rootUrl?: string;
  /** Resumable chunk size, a multiple of 256 KiB (default 8 MiB). */
  chunkSize?: number;
  /** Files up to this size are sent in one multipart request (default 5 MiB). */
  multipartLimit?: number;
  retry?: RetryTuning;
  signal?: AbortSignal;
  /** Per HTTP request; default 120 s. */
  timeoutMs?: number;
}

export const defaultChunkSize = 8 * 1024 * 1024;
export const defaultMultipartLimit = 5 * 1024 * 1024;

/** LIFEBOAT_GDRIVE_URL (root of the Drive API; uploads go to `<root>/upload/drive/v3/...`). */
export function driveRootUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIFEBOAT_GDRIVE_URL || defaultDriveRootUrl;
}

function dirOf(type: FileType, name: string): string[] {
  if (type === 'config') return [];
  if (type === 'data') return ['data', name.slice(0, 2)];
  return [type];
}

export class GoogleDriveBackend implements Backend {
  readonly location: string;
  readonly api: DriveApi;
  private readonly folders: DriveFolders;
  private readonly counter = new RequestCounter();
  private readonly chunkSize: number;
  private readonly multipartLimit: number;
  /** `${type}/${name}` → every copy Drive holds, oldest first. */
  private readonly files = new Map<string, DriveFile[]>();
  /** Among differing copies, the one verified by content. */
  private readonly verified = new Map<string, string>();
  /** data/ was listed once into the cache (reads of packs then need no lookups). */
  private dataListed = false;
  private dataListing: Promise<void> | undefined;

  constructor(options: GoogleDriveBackendOptions) {
    const path = options.folder.startsWith('gdrive:')
      ? parseGdriveLocation(options.folder)
      : parseFolderPath(options.folder);
    this.chunkSize = options.chunkSize ?? defaultChunkSize;
    if (this.chunkSize <= 0 || this.chunkSize % uploadGranularity !== 0) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        'The Google Drive upload chunk size must be a multiple of 256 KiB.',
      );
    }
    this.multipartLimit = options.multipartLimit ?? defaultMultipartLimit;
    this.api = new DriveApi({
      rootUrl: options.rootUrl ?? driveRootUrlFromEnv(),
      tokens: options.tokens,
      counter: this.counter,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.folders = new DriveFolders(this.api, path);
    this.location = this.folders.location;
  }

  stats(): BackendStats {
    return this.counter.snapshot();
  }

  resetStats(): void {
    this.counter.reset();
  }

  /** HTTP-level numbers: requests, retries, forced token refreshes, duplicates removed, resumed uploads. */
  driveStats(): DriveApiStats {
    return { ...this.api.stats };
  }

  /** Free and total bytes of the Google account's storage; undefined for unlimited storage. */
  async space(): Promise<SpaceInfo | undefined> {
    const { limit, usage } = await this.api.storageQuota();
    return limit === undefined ? undefined : { free: Math.max(0, limit - usage), total: limit };
  }

  async create(): Promise<void> {
    this.folders.invalidate();
    const existing = await this.folders.repo();
    if (existing !== null) {
      const configs = await this.api.listChildren(
        'stat',
        [existing],
        { name: 'config', folders: false },
        'look up config',
      );
      if (configs.length > 0) {
        throw new LifeboatError('REPO_EXISTS', `A repository already exists at ${this.location}.`, {
          hint: 'Open it instead, or choose another folder.',
        });
      }
    }
    await this.folders.ensureRepo();
    for (const dir of ['keys', 'data', 'index', 'snapshots', 'locks']) await this.folders.ensureDir([dir]);
  }

  async list(type: FileType): Promise<FileInfo[]> {
    await this.folders.requireRepo();
    if (type === 'data') this.dataListed = true;
    const parents =
      type === 'data' ? await this.folders.dataSubdirs() : await this.folders.dirIds(dirOf(type, ''));
    const found =
      parents.length === 0
        ? []
        : await this.api.listChildren('list', parents, { folders: false }, `list ${type}`);
    const byName = new Map<string, DriveFile[]>();
    for (const f of found.sort(byAge)) {
      if (type === 'config' ? f.name !== 'config' : !isValidFileName(type, f.name)) continue;
      byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
    }
    for (const key of [...this.files.keys()]) if (key.startsWith(`${type}/`)) this.files.delete(key);
    const out: FileInfo[] = [];
    for (const [name, copies] of byName) {
      this.files.set(this.key(type, name), copies);
      const chosen = await this.choose(type, name, copies);
      out.push({ name, size: chosen.size });
    }
    return out;
  }

  async stat(type: FileType, name: string): Promise<FileInfo | undefined> {
    this.checkName(type, name);
    if ((await this.folders.repo()) === null) return undefined;
    const copies = await this.lookup(type, name, true);
    if (copies.length === 0) return undefined;
    const chosen = await this.choose(type, name, copies);
    return { name: type === 'config' ? 'config' : name, size: chosen.size };
  }

  async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    this.checkName(type, name);
    if (type === 'data' && !this.dataListed && !this.files.has(this.key(type, name))) {
      // restore and check read many packs: one listing (1000 per page) beats a lookup per pack;
      // parallel readers wait for the same listing
      this.dataListing ??= this.list('data').then(
        () => undefined,
        (err: unknown) => {
          this.dataListing = undefined;
          throw err;
        },
      );
      await this.dataListing;
    }
    for (let attempt = 0; ; attempt++) {
      const copies = await this.lookup(type, name, attempt > 0);
      if (copies.length === 0) {
        await this.folders.requireRepo();
        if (attempt === 0) {
          // the folder list may be stale (another client created it since): look again, once
          this.folders.forgetDir(dirOf(type, name));
          continue;
        }
        throw new LifeboatError('NOT_FOUND', `File ${type}/${name} is missing from the repository.`);
      }
      const file = await this.choose(type, name, copies);
      try {
        return await this.readCopy(type, name, file, range);
      } catch (err) {
        // a stale id (the file was removed and maybe written again elsewhere): look it up once more
        if (attempt > 0 || !(err instanceof LifeboatError) || err.code !== 'NOT_FOUND') throw err;
        this.forget(type, name);
        this.folders.forgetDir(dirOf(type, name));
      }
    }
  }

  async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    this.checkName(type, name);
    const md5 = md5Hex(data);
    for (let attempt = 0; ; attempt++) {
      const parentId = await this.folders.ensureDir(dirOf(type, name));
      const existing = await this.lookup(type, name, true);
      if (existing.length > 0) {
        throw new LifeboatError('REPO_CORRUPT', `File ${type}/${name} already exists in the repository.`, {
          details: 'repository files are written once and never replaced',
        });
      }
      let retried = false;
      const findExisting = async (): Promise<DriveFile | undefined> => {
        retried = true;
        const copies = await this.api.listChildren(
          'write',
          [parentId],
          { name, folders: false },
          `look up ${type}/${name}`,
        );
        return copies.filter((c) => c.md5 === md5 && c.size === data.byteLength).sort(byAge)[0];
      };
      let file: DriveFile;
      try {
        file =
          data.byteLength <= this.multipartLimit
            ? await this.api.uploadMultipart(name, parentId, data, md5, findExisting)
            : await uploadResumable(this.api, {
                name,
                parentId,
                data,
                md5,
                chunkSize: this.chunkSize,
                findExisting,
              });
      } catch (err) {
        // the parent folder vanished (removed by hand): find or create it again, once
        if (attempt === 0 && err instanceof LifeboatError && err.code === 'NOT_FOUND') {
          this.folders.invalidate();
          continue;
        }
        throw err;
      }
      this.files.set(this.key(type, name), [file]);
      if (retried) await this.removeRetryDuplicates(type, name, parentId, md5, data.byteLength);
      return;
    }
  }

  async remove(type: FileType, name: string): Promise<void> {
    this.checkName(type, name);
    if ((await this.folders.repo()) === null) return;
    const copies = await this.lookup(type, name, true);
    for (const c of copies) await this.api.deleteFile(c.id, `remove ${type}/${name}`);
    this.forget(type, name);
  }

  // ---- internals ----

  private key(type: FileType, name: string): string {
    return `${type}/${type === 'config' ? 'config' : name}`;
  }

  private checkName(type: FileType, name: string): void {
    if (!isValidFileName(type, name)) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        `Invalid repository file name ${JSON.stringify(name)} for ${type}.`,
      );
    }
  }

  private forget(type: FileType, name: string): void {
    this.files.delete(this.key(type, name));
    this.verified.delete(this.key(type, name));
  }

  /** Every copy of a file, oldest first; from the cache unless `fresh`. */
  private async lookup(type: FileType, name: string, fresh: boolean): Promise<DriveFile[]> {
    const key = this.key(type, name);
    const cached = this.files.get(key);
    if (cached && !fresh) return cached;
    const fileName = type === 'config' ? 'config' : name;
    const parents = await this.folders.dirIds(dirOf(type, fileName));
    const copies =
      parents.length === 0
        ? []
        : (
            await this.api.listChildren(
              type === 'config' ? 'stat' : 'list',
              parents,
              { name: fileName, folders: false },
              `look up ${key}`,
            )
          ).sort(byAge);
    if (copies.length > 0) this.files.set(key, copies);
    else this.forget(type, name);
    return copies;
  }

  /**
   * The copy to use. One copy, or copies with one md5: the oldest. Copies that differ: for
   * content-addressed files the one whose sha256 is the name (downloaded and checked once, then
   * remembered); for config, the oldest.
   */
  private async choose(type: FileType, name: string, copies: DriveFile[]): Promise<DriveFile> {
    const first = copies[0]!;
    if (copies.every((c) => c.md5 === first.md5 && c.size === first.size)) return first;
    if (type === 'config') return first;
    const key = this.key(type, name);
    const known = copies.find((c) => c.id === this.verified.get(key));
    if (known) return known;
    for (const c of copies) {
      const data = await this.api.download('read', c.id, `verify ${key}`, undefined, c.size);
      if (createHash('sha256').update(data).digest('hex') === name) {
        this.verified.set(key, c.id);
        return c;
      }
    }
    throw new LifeboatError('REPO_CORRUPT', `No intact copy of ${key} on Google Drive.`, {
      details: `${copies.length} copies, none with the content its name promises`,
      hint: 'Run a repository check.',
    });
  }

  private async readCopy(type: FileType, name: string, file: DriveFile, range?: ByteRange): Promise<Buffer> {
    const what = `${type}/${name}`;
    if (range) {
      if (range.offset + range.length > file.size) {
        throw new LifeboatError('REPO_CORRUPT', `File ${what} is shorter than expected.`, {
          details: `wanted ${range.length} bytes at ${range.offset}, the file has ${file.size}`,
        });
      }
      if (range.length === 0) return Buffer.alloc(0);
      return this.api.download('read', file.id, what, range, file.size);
    }
    if (file.size === 0) return Buffer.alloc(0);
    return this.api.download('read', file.id, what, undefined, file.size, file.md5);
  }

  /** After a retried upload: identical copies of the same name are ours; keep the oldest. */
  private async removeRetryDuplicates(
    type: FileType,
    name: string,
    parentId: string,
    md5: string,
    size: number,
  ): Promise<void> {
    const copies = await this.api.listChildren(
      'write',
      [parentId],
      { name, folders: false },
      `look up ${type}/${name}`,
    );
    const identical = copies.filter((c) => c.md5 === md5 && c.size === size).sort(byAge);
    if (identical.length <= 1) return;
    const keep = identical[0]!;
    for (const extra of identical.slice(1)) {
      await this.api.deleteFile(extra.id, `remove a duplicate of ${type}/${name}`);
      this.api.stats.duplicatesRemoved++;
    }
    this.files.set(
      this.key(type, name),
      [keep, ...copies.filter((c) => c.md5 !== md5 || c.size !== size)].sort(byAge),
    );
  }
}
