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
    if (!writer) this.open.set(type, (writer = new PackWriter(type)));
    writer.add(id, encoded);
    this.pending.set(k, encoded);
    const compressed = encoded.uncompressedLength !== undefined;
    if (writer.size >= this.opts.packSize || writer.size + entrySize(compressed) * 2 >= maxHeaderSize) {
      this.open.delete(type);
      await this.upload(writer);
    }
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
