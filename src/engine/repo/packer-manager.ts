/**
 * Fills packs with encoded blobs (one open pack per blob type: version 2 forbids mixing data and
 * trees), uploads full packs with a few uploads in parallel, and reports each written pack so the
 * repository can index it. Blobs stay readable from memory until their pack is written.
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { Backend } from '../storage/backend.ts';
import type { MasterKey } from './crypto.ts';
import type { EncodedBlob } from './blob-codec.ts';
import { PackWriter, entrySize, maxHeaderSize } from './pack.ts';
import { releaseBuffer } from './release-buffer.ts';
import type { BlobType, PackedBlob } from './pack.ts';

export interface PackerManagerOptions {
  backend: Backend;
  key: MasterKey;
  packSize: number;
  /** Pack uploads in flight at once. */
  uploads: number;
  onPackWritten: (packId: string, blobs: PackedBlob[], size: number) => Promise<void>;
}

export interface PackerStats {
  packsWritten: number;
  bytesWritten: number;
}

/** Extra room in a data pack's buffer: the blob that fills a pack may be up to a chunk (8 MiB) long. */
const dataSlack = 2 * 1024 * 1024;

function pendingKey(type: BlobType, id: string): string {
  return type === 'tree' ? 't' + id : 'd' + id;
}

export class PackerManager {
  private readonly opts: PackerManagerOptions;
  private readonly open = new Map<BlobType, PackWriter>();
  /** Blobs accepted but not yet in a written pack. */
  private readonly pending = new Map<string, EncodedBlob>();
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  readonly stats: PackerStats = { packsWritten: 0, bytesWritten: 0 };

  constructor(opts: PackerManagerOptions) {
    this.opts = opts;
  }

  has(type: BlobType, id: string): boolean {
    return this.pending.has(pendingKey(type, id));
  }

  pendingBlob(type: BlobType, id: string): EncodedBlob | undefined {
    return this.pending.get(pendingKey(type, id));
  }

  /** Adds a blob; resolves once it is accepted (may wait for an upload slot when packs fill up). */
  async add(type: BlobType, id: string, encoded: EncodedBlob): Promise<void> {
    this.rethrow();
    const k = pendingKey(type, id);
    if (this.pending.has(k)) return;
    let writer = this.open.get(type);
    // a data pack whose buffer cannot take this blob is written as it is, rather than grown
    let full: PackWriter | undefined;
    if (
      writer &&
      type === 'data' &&
      writer.size + encoded.data.length + entrySize(true) > writer.storage.length
    ) {
      full = writer;
      writer = undefined;
    }
    if (!writer) this.open.set(type, (writer = this.newWriter(type)));
    const blob = writer.add(id, encoded);
    // readable from the pack being built until it is written (the caller's buffer is free again)
    this.pending.set(k, {
      data: writer.blobData(writer.count - 1)!,
      uncompressedLength: blob.uncompressedLength,
    });
    const compressed = encoded.uncompressedLength !== undefined;
    const done =
      writer.size >= this.opts.packSize || writer.size + entrySize(compressed) * 2 >= maxHeaderSize;
    if (done) this.open.delete(type); // decided before any await: concurrent adds see a consistent state
    if (full) await this.upload(full);
    if (done) await this.upload(writer);
  }

  /** Data packs get room for a full pack plus a large last blob up front. */
  private newWriter(type: BlobType): PackWriter {
    if (type === 'tree') return new PackWriter(type);
    return new PackWriter(type, Buffer.allocUnsafeSlow(this.opts.packSize + dataSlack));
  }

  /** Writes every open pack and waits for all uploads. */
  async flush(): Promise<void> {
    this.rethrow();
    const writers = [...this.open.values()].filter((w) => w.count > 0);
    this.open.clear();
    for (const w of writers) await this.upload(w);
    await Promise.allSettled([...this.inFlight]);
    this.rethrow();
  }

  private async upload(writer: PackWriter): Promise<void> {
    while (this.inFlight.size >= this.opts.uploads) {
      await Promise.race(this.inFlight);
    }
    this.rethrow();
    const { id, data, blobs } = writer.finalize(this.opts.key);
    const job = (async (): Promise<void> => {
      await this.opts.backend.write('data', id, data);
      await this.opts.onPackWritten(id, blobs, data.length);
      this.stats.packsWritten += 1;
      this.stats.bytesWritten += data.length;
      for (const b of blobs) this.pending.delete(pendingKey(b.type, b.id));
      // Written and no longer readable through `pending`: free the pack's memory now instead of at
      // some later GC (release-buffer.ts). Not reused, so a backend that kept a reference would
      // see an empty buffer, never another pack's bytes.
      releaseBuffer(writer.storage);
    })();
    const tracked = job.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
      },
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private rethrow(): void {
    if (this.failure !== undefined) {
      const err = this.failure;
      if (err instanceof LifeboatError) throw err;
      throw new LifeboatError('INTERNAL', 'Writing a pack failed.', { details: String(err), cause: err });
    }
  }
}
