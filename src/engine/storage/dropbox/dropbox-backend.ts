/**
 * A restic repository in a Dropbox folder (`dropbox:/Apps/Lifeboat/shop`), through the official SDK.
 * Same layout as on disk: config, keys/, data/xx/, index/, snapshots/, locks/, so the folder is a
 * restic repository that rclone-backed restic can read.
 *
 * Writes: one request for files up to a chunk (8 MiB), an upload session for bigger packs; commits
 * go through one lane and are batched (commit-queue.ts). Reads: files/download, with a Range header
 * for parts of packs. All of it retried as retry.ts decides; a full Dropbox is QUOTA_EXCEEDED and a
 * lost sign-in is AUTH_REQUIRED.
 */
import type { files } from 'dropbox';
import { LifeboatError } from '../../../shared/errors.ts';
import type { TokenProvider } from '../../auth/token-provider.ts';
import { RequestCounter, fileTypes, isValidFileName } from '../backend.ts';
import type { Backend, BackendStats, ByteRange, FileInfo, FileType, SpaceInfo } from '../backend.ts';
import { CommitQueue } from './commit-queue.ts';
import type { CommitStats } from './commit-queue.ts';
import { dropboxContentHash } from './content-hash.ts';
import { DropboxApi } from './dropbox-api.ts';
import { spaceFromUsage } from './space.ts';
import type { DropboxApiOptions } from './dropbox-api.ts';
import { dropboxFailure, failureHas, isNotFound } from './errors.ts';
import { filePath, formatDropboxLocation, parseDropboxLocation, typeFolder } from './location.ts';
import { checkChunkSize, defaultChunkSize, uploadToSession } from './upload-session.ts';

export interface DropboxBackendOptions extends Omit<DropboxApiOptions, 'tokens'> {
  /** `dropbox:/path/to/repository`. */
  location: string;
  tokens: TokenProvider;
  /** Upload chunk size: a multiple of 4 MiB (default 8 MiB); bigger files use an upload session. */
  chunkSize?: number;
}

export interface DropboxRequestStats {
  /** HTTP requests per Dropbox route, retries included. */
  requests: Record<string, number>;
  total: number;
  retries: number;
  commits: CommitStats;
}

export class DropboxBackend implements Backend {
  readonly location: string;
  /** The repository folder as a Dropbox path ("" is the root). */
  readonly root: string;
  readonly api: DropboxApi;
  readonly #counter = new RequestCounter();
  readonly #commits: CommitQueue;
  readonly #chunkSize: number;

  constructor(options: DropboxBackendOptions) {
    this.root = parseDropboxLocation(options.location);
    this.location = formatDropboxLocation(this.root);
    this.#chunkSize = checkChunkSize(options.chunkSize ?? defaultChunkSize);
    this.api = new DropboxApi(options);
    this.#commits = new CommitQueue(this.api, this.#chunkSize);
  }

  stats(): BackendStats {
    return this.#counter.snapshot();
  }

  resetStats(): void {
    this.#counter.reset();
  }

  requestStats(): DropboxRequestStats {
    return {
      requests: Object.fromEntries(this.api.requests),
      total: this.api.requestTotal(),
      retries: this.api.retries,
      commits: { ...this.#commits.stats },
    };
  }

  /** Free and total bytes of the Dropbox account (or the member's share of the team's space). */
  async space(): Promise<SpaceInfo | undefined> {
    const usage = await this.api.call(async (sdk, o) => (await sdk.usersGetSpaceUsage(o)).result, {
      what: 'the space used in Dropbox',
    });
    return spaceFromUsage(usage);
  }

  async create(): Promise<void> {
    if (await this.stat('config', 'config')) {
      throw new LifeboatError('REPO_EXISTS', `A repository already exists at ${this.location}.`, {
        hint: 'Open it instead, or choose an empty folder.',
      });
    }
    for (const type of fileTypes) {
      if (type === 'config') continue;
      const path = typeFolder(this.root, type);
      await this.#commits.exclusive(() =>
        this.api.call(
          async (sdk, o) => {
            try {
              await sdk.filesCreateFolderV2({ path, autorename: false }, o);
            } catch (err) {
              const f = dropboxFailure(err);
              // Already there (left by an earlier attempt, or a retry whose answer was lost).
              if (f?.status === 409 && failureHas(f, 'conflict') && failureHas(f, 'folder')) return;
              throw err;
            }
          },
          { what: path },
        ),
      );
    }
  }

  async list(type: FileType): Promise<FileInfo[]> {
    this.#counter.count('list');
    if (type === 'config') {
      const info = await this.#stat(filePath(this.root, 'config', 'config'), 'config');
      return info ? [info] : [];
    }
    const folder = typeFolder(this.root, type);
    const out: FileInfo[] = [];
    const collect = (entries: files.ListFolderResult['entries']): void => {
      for (const e of entries) {
        if (e['.tag'] === 'file' && isValidFileName(type, e.name)) out.push({ name: e.name, size: e.size });
      }
    };
    let page: files.ListFolderResult;
    try {
      page = await this.api.call(
        async (sdk, o) => (await sdk.filesListFolder({ path: folder, recursive: type === 'data', limit: 2000 }, o)).result,
        { what: folder },
      );
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return [];
      throw err;
    }
    collect(page.entries);
    while (page.has_more) {
      const cursor = page.cursor;
      page = await this.api.call(async (sdk, o) => (await sdk.filesListFolderContinue({ cursor }, o)).result, {
        what: folder,
      });
      collect(page.entries);
    }
    return out;
  }

  async stat(type: FileType, name: string): Promise<FileInfo | undefined> {
    this.#counter.count('stat');
    return this.#stat(this.#path(type, name), type === 'config' ? 'config' : name);
  }

  async #stat(path: string, name: string): Promise<FileInfo | undefined> {
    try {
      const meta = await this.api.call(async (sdk, o) => (await sdk.filesGetMetadata({ path }, o)).result, { what: path });
      return meta['.tag'] === 'file' ? { name, size: meta.size } : undefined;
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    const path = this.#path(type, name);
    if (range && (range.offset < 0 || range.length < 0)) {
      throw new LifeboatError('INVALID_ARGUMENT', `Invalid byte range for ${type}/${name}.`);
    }
    if (range?.length === 0) return Buffer.alloc(0);
    const headers = range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : undefined;
    let data: Buffer;
    try {
      data = await this.api.call(
        async (sdk, o) => {
          // A whole file is checked against Dropbox's content_hash; one re-read if it does not match.
          for (let attempt = 0; ; attempt++) {
            const res = await sdk.filesDownload({ path }, o);
            const body = Buffer.from(res.result.fileBinary ?? new Uint8Array(0));
            if (range) return res.status === 200 ? body.subarray(range.offset, range.offset + range.length) : body;
            if (body.byteLength === res.result.size && dropboxContentHash(body) === res.result.content_hash) return body;
            if (attempt > 0) {
              throw new LifeboatError('REPO_CORRUPT', `File ${type}/${name} does not match the checksum Dropbox keeps for it.`, {
                details: `${body.byteLength} bytes read, Dropbox says ${res.result.size} bytes, content_hash ${res.result.content_hash}`,
              });
            }
          }
        },
        { what: `${type}/${name}`, content: true, ...(headers ? { headers } : {}) },
      );
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') {
        throw new LifeboatError('NOT_FOUND', `File ${type}/${name} is missing from the repository.`, { details: err.details });
      }
      throw err;
    }
    if (range && data.byteLength !== range.length) {
      throw new LifeboatError('REPO_CORRUPT', `File ${type}/${name} is shorter than expected.`, {
        details: `wanted ${range.length} bytes at ${range.offset}, got ${data.byteLength}`,
      });
    }
    this.#counter.count('read', data.byteLength);
    return data;
  }

  async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    const path = this.#path(type, name);
    this.#counter.count('write', data.byteLength);
    const hash = dropboxContentHash(data);
    if (data.byteLength <= this.#chunkSize) {
      await this.#commits.commit(path, data, hash);
      return;
    }
    const session = await uploadToSession(this.api, data, this.#chunkSize, path, this.#commits.stats);
    await this.#commits.commit(path, data, hash, session);
  }

  async remove(type: FileType, name: string): Promise<void> {
    this.#counter.count('remove');
    const path = this.#path(type, name);
    await this.#commits.exclusive(() =>
      this.api.call(
        async (sdk, o) => {
          try {
            await sdk.filesDeleteV2({ path }, o);
          } catch (err) {
            if (isNotFound(err)) return; // already gone (or a retried delete whose answer was lost)
            throw err;
          }
        },
        { what: path },
      ),
    );
  }

  #path(type: FileType, name: string): string {
    if (!isValidFileName(type, name)) {
      throw new LifeboatError('INVALID_ARGUMENT', `Invalid repository file name ${JSON.stringify(name)} for ${type}.`);
    }
    return filePath(this.root, type, name);
  }
}
