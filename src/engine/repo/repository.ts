/**
 * A restic-format repository opened with a password: config, master key, index, blobs, and the
 * unpacked files (snapshots, index, locks). Write order is packs → index → snapshot, so a crash
 * at any point leaves a valid repository.
 */
import { createHash } from 'node:crypto';
import { LifeboatError } from '../../shared/errors.ts';
import type { Backend } from '../storage/backend.ts';
import { blobId, decodeAndVerifyBlob, decodeUnpacked, encodeBlob, encodeUnpacked } from './blob-codec.ts';
import type { EncodedBlob } from './blob-codec.ts';
import { mapLimit } from './concurrency.ts';
import { createConfig, validateConfig } from './config.ts';
import type { RepoConfig } from './config.ts';
import { randomMasterKey } from './crypto.ts';
import type { MasterKey } from './crypto.ts';
import { goJsonBytes, parseJson } from './go-json.ts';
import { IndexWriter, loadIndexFiles } from './index-io.ts';
import { changePassword, createKeyFile, findKey, listKeys, removeKeyFile } from './key-file.ts';
import type { KdfParams, KeyInfo } from './key-file.ts';
import { MasterIndex } from './master-index.ts';
import type { IndexEntry } from './master-index.ts';
import type { BlobType, PackedBlob } from './pack.ts';
import { PackerManager } from './packer-manager.ts';
import { encodeSnapshot, matchesFilter, sortSnapshots, validateSnapshot } from './snapshot.ts';
import type { Snapshot, SnapshotFilter, SnapshotWithId } from './snapshot.ts';
import { TreeCache } from './tree-cache.ts';

export type UnpackedType = 'snapshots' | 'index' | 'locks';

export interface RepositoryOptions {
  /** Target pack size in bytes (default 16 MiB, restic's default). */
  packSize?: number;
  /** Parallel pack uploads (default 2). */
  uploads?: number;
}

export interface InitOptions extends RepositoryOptions {
  /** scrypt parameters for the first key file (tests use small ones). */
  kdf?: KdfParams;
  /** Repository format version, 2 unless a test needs 1. */
  version?: 1 | 2;
}

export interface RepositoryStats {
  blobsAdded: number;
  /** Plaintext bytes of new blobs. */
  bytesAdded: number;
  /** Encoded (compressed + encrypted) bytes of new blobs. */
  bytesAddedPacked: number;
  packsWritten: number;
  indexFilesWritten: number;
}

const defaultPackSize = 16 * 1024 * 1024;
const hex64 = /^[0-9a-f]{64}$/;

export class Repository {
  readonly backend: Backend;
  readonly key: MasterKey;
  readonly config: RepoConfig;
  readonly index = new MasterIndex();
  readonly keyId: string;
  readonly stats: RepositoryStats = {
    blobsAdded: 0,
    bytesAdded: 0,
    bytesAddedPacked: 0,
    packsWritten: 0,
    indexFilesWritten: 0,
  };
  private readonly packers: PackerManager;
  private readonly indexWriter = new IndexWriter((json) => this.saveUnpackedBytes('index', json));
  private indexLoaded = false;
  private readonly trees = new TreeCache(32 * 1024 * 1024);

  private constructor(
    backend: Backend,
    key: MasterKey,
    keyId: string,
    config: RepoConfig,
    opts: RepositoryOptions,
  ) {
    this.backend = backend;
    this.key = key;
    this.keyId = keyId;
    this.config = config;
    this.packers = new PackerManager({
      backend,
      key,
      packSize: opts.packSize ?? defaultPackSize,
      uploads: opts.uploads ?? 2,
      onPackWritten: (packId, blobs) => this.packWritten(packId, blobs),
    });
  }

  /** Creates a new repository (key file first, then config, like restic). */
  static async init(backend: Backend, password: string, opts: InitOptions = {}): Promise<Repository> {
    if (password.length === 0)
      throw new LifeboatError('INVALID_ARGUMENT', 'The repository password must not be empty.');
    if (backend.create) {
      await backend.create();
    } else if ((await backend.list('config')).length > 0) {
      throw new LifeboatError('REPO_EXISTS', `A repository already exists at ${backend.location}.`);
    }
    const master = randomMasterKey();
    const keyId = await createKeyFile(backend, password, master, opts.kdf ? { kdf: opts.kdf } : {});
    const config = createConfig(opts.version ?? 2);
    const repo = new Repository(backend, master, keyId, config, opts);
    // The config is encrypted but never compressed.
    await backend.write('config', 'config', encodeUnpacked(master, goJsonBytes(config), 1));
    repo.indexLoaded = true;
    return repo;
  }

  /** Opens a repository, trying the password against every key file. Does not load the index. */
  static async open(backend: Backend, password: string, opts: RepositoryOptions = {}): Promise<Repository> {
    const configFile = await backend.stat('config', 'config').catch((err: unknown) => {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    });
    if (!configFile) {
      throw new LifeboatError('REPO_NOT_FOUND', `There is no repository at ${backend.location}.`, {
        hint: 'Check the location, or create a new repository there.',
      });
    }
    const { id, key } = await findKey(backend, password);
    const raw = await backend.read('config', 'config');
    const config = validateConfig(parseJson(decodeUnpacked(key, raw)));
    return new Repository(backend, key, id, config, opts);
  }

  get compression(): boolean {
    return this.config.version >= 2;
  }

  // ---- index ----

  /** (Re)loads every index file. Index files superseded by another are ignored. */
  async loadIndex(): Promise<void> {
    const names = (await this.backend.list('index')).map((f) => f.name);
    await loadIndexFiles(names, (name) => this.loadUnpackedBytes('index', name), this.index);
    for (const p of this.indexWriter.unsaved) this.index.addPack(p.id, p.blobs);
    this.indexLoaded = true;
  }

  /** Loads the index unless it is already in memory. */
  async ensureIndex(): Promise<void> {
    if (!this.indexLoaded) await this.loadIndex();
  }

  hasBlob(type: BlobType, id: string): boolean {
    return this.index.has(type, id) || this.packers.has(type, id);
  }

  lookupBlob(type: BlobType, id: string): IndexEntry | undefined {
    return this.index.lookup(type, id);
  }

  // ---- blobs ----

  /** Loads a blob and verifies that its sha256 is `id`; tries every stored copy before failing. */
  async loadBlob(type: BlobType, id: string): Promise<Buffer> {
    if (type === 'tree') {
      const cached = this.trees.get(id);
      if (cached) return cached;
    }
    const copies = this.index.lookupAll(type, id);
    let lastError: unknown;
    for (const entry of copies) {
      try {
        const data = await this.backend.read('data', entry.packId, {
          offset: entry.offset,
          length: entry.length,
        });
        const plain = decodeAndVerifyBlob(this.key, data, id, entry.uncompressedLength);
        if (type === 'tree') this.trees.set(id, plain);
        return plain;
      } catch (err) {
        lastError = err;
      }
    }
    const pending = this.packers.pendingBlob(type, id);
    if (pending) return decodeAndVerifyBlob(this.key, pending.data, id, pending.uncompressedLength);
    if (lastError instanceof LifeboatError && lastError.code !== 'NOT_FOUND') throw lastError;
    throw new LifeboatError(
      'REPO_CORRUPT',
      `The ${type} blob ${id.slice(0, 8)} is missing from the repository.`,
      {
        details: lastError instanceof Error ? lastError.message : `blob ${id} not in index`,
        hint: 'Run a repository check.',
      },
    );
  }

  /** Decodes a blob from bytes already read from its pack (restore and check read packs in bulk). */
  decodeBlob(entry: IndexEntry, data: Buffer): Buffer {
    return decodeAndVerifyBlob(this.key, data, entry.id, entry.uncompressedLength);
  }

  /**
   * Adds a blob encoded elsewhere (e.g. in a worker). Skips blobs already stored or in flight.
   * May wait while full packs are uploaded, which is the backpressure for the backup pipeline.
   * Returns true when the blob was new.
   */
  async addEncodedBlob(
    type: BlobType,
    id: string,
    plaintextLength: number,
    encoded: EncodedBlob,
  ): Promise<boolean> {
    if (!hex64.test(id)) throw new LifeboatError('INTERNAL', `Invalid blob id ${id}.`);
    if (this.hasBlob(type, id)) return false;
    this.stats.blobsAdded += 1;
    this.stats.bytesAdded += plaintextLength;
    this.stats.bytesAddedPacked += encoded.data.length;
    await this.packers.add(type, id, encoded);
    return true;
  }

  /** Hashes, deduplicates, compresses, encrypts and stores a blob; returns its id. */
  async saveBlob(type: BlobType, plaintext: Buffer): Promise<string> {
    const id = blobId(plaintext);
    if (this.hasBlob(type, id)) return id;
    const encoded = encodeBlob(this.key, plaintext, { compress: this.compression });
    await this.addEncodedBlob(type, id, plaintext.length, encoded);
    return id;
  }

  /** Writes pending packs, then the index files for them. Call before saving a snapshot. */
  async flush(): Promise<void> {
    await this.packers.flush();
    await this.indexWriter.flush();
    this.stats.indexFilesWritten = this.indexWriter.filesWritten;
  }

  get packerStats(): { packsWritten: number; bytesWritten: number } {
    return this.packers.stats;
  }

  private async packWritten(packId: string, blobs: PackedBlob[]): Promise<void> {
    this.index.addPack(packId, blobs);
    this.stats.packsWritten += 1;
    await this.indexWriter.add({ id: packId, blobs });
    this.stats.indexFilesWritten = this.indexWriter.filesWritten;
  }

  // ---- unpacked files ----

  /** Encrypts and stores a JSON document; returns its storage id (sha256 of the file). */
  async saveUnpacked(type: UnpackedType, json: unknown): Promise<string> {
    let bytes: Buffer;
    if (json instanceof Uint8Array) bytes = Buffer.from(json);
    else if (type === 'snapshots') bytes = encodeSnapshot(json as Snapshot);
    else bytes = goJsonBytes(json);
    return this.saveUnpackedBytes(type, bytes);
  }

  async saveUnpackedBytes(type: UnpackedType, json: Uint8Array): Promise<string> {
    const data = encodeUnpacked(this.key, json, this.config.version);
    const id = createHash('sha256').update(data).digest('hex');
    await this.backend.write(type, id, data);
    return id;
  }

  /** Loads an unpacked file, checking that its content hashes to `id`. */
  async loadUnpacked<T>(type: UnpackedType, id: string): Promise<T> {
    return parseJson<T>(await this.loadUnpackedBytes(type, id));
  }

  async loadUnpackedBytes(type: UnpackedType, id: string): Promise<Buffer> {
    const data = await this.backend.read(type, id);
    if (createHash('sha256').update(data).digest('hex') !== id) {
      throw new LifeboatError(
        'REPO_CORRUPT',
        `The ${type} file ${id.slice(0, 8)} is damaged (content does not match its name).`,
      );
    }
    return decodeUnpacked(this.key, data);
  }

  /** Resolves a unique id prefix among the files of one type. */
  async findId(type: UnpackedType, prefix: string): Promise<string> {
    const names = (await this.backend.list(type))
      .map((f) => f.name)
      .filter((n) => n.startsWith(prefix.toLowerCase()));
    if (names.length === 1 && names[0]) return names[0];
    if (names.length === 0)
      throw new LifeboatError('NOT_FOUND', `No ${type} file matches ${JSON.stringify(prefix)}.`);
    throw new LifeboatError('INVALID_ARGUMENT', `The id prefix ${JSON.stringify(prefix)} is ambiguous.`);
  }

  // ---- snapshots ----

  async loadSnapshot(id: string): Promise<SnapshotWithId> {
    return { id, ...validateSnapshot(await this.loadUnpacked<unknown>('snapshots', id), id) };
  }

  /** Every snapshot, oldest first. */
  async listSnapshots(filter?: SnapshotFilter): Promise<SnapshotWithId[]> {
    const names = (await this.backend.list('snapshots')).map((f) => f.name);
    const all = await mapLimit(names, 8, (id) => this.loadSnapshot(id));
    return sortSnapshots(all.filter((s) => matchesFilter(s, filter)));
  }

  /** "latest" (newest matching the filter) or a unique id prefix. */
  async resolveSnapshot(idPrefixOrLatest: string, filter?: SnapshotFilter): Promise<SnapshotWithId> {
    if (idPrefixOrLatest === 'latest') {
      const list = await this.listSnapshots(filter);
      const last = list[list.length - 1];
      if (!last) throw new LifeboatError('NOT_FOUND', 'The repository has no matching snapshot.');
      return last;
    }
    if (!/^[0-9a-f]{1,64}$/i.test(idPrefixOrLatest)) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        `${JSON.stringify(idPrefixOrLatest)} is not a snapshot id.`,
      );
    }
    return this.loadSnapshot(await this.findId('snapshots', idPrefixOrLatest));
  }

  async saveSnapshot(sn: Snapshot): Promise<string> {
    return this.saveUnpackedBytes('snapshots', encodeSnapshot(sn));
  }

  async removeSnapshot(id: string): Promise<void> {
    await this.backend.remove('snapshots', id);
  }

  // ---- keys ----

  async listKeys(): Promise<KeyInfo[]> {
    return listKeys(this.backend);
  }

  /** Adds another password; returns the new key id. */
  async addKey(password: string, opts: { kdf?: KdfParams } = {}): Promise<string> {
    if (password.length === 0) throw new LifeboatError('INVALID_ARGUMENT', 'The password must not be empty.');
    return createKeyFile(this.backend, password, this.key, opts);
  }

  async removeKey(id: string): Promise<void> {
    await removeKeyFile(this.backend, id, this.keyId);
  }

  /**
   * Replaces the password of the key this repository was opened with (new key first, then the
   * old one removed). Returns a repository object bound to the new key.
   */
  async changePassword(newPassword: string, opts: { kdf?: KdfParams } = {}): Promise<Repository> {
    if (newPassword.length === 0)
      throw new LifeboatError('INVALID_ARGUMENT', 'The password must not be empty.');
    const newId = await changePassword(this.backend, this.key, this.keyId, newPassword, opts);
    const repo = new Repository(this.backend, this.key, newId, this.config, {});
    await repo.loadIndex();
    return repo;
  }
}
