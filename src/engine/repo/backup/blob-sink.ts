/**
 * Where a backup's blobs go: the repository, or nowhere for a dry run. Counts what is new (the
 * snapshot summary's data_blobs / tree_blobs / data_added / data_added_packed) and tracks saves in
 * flight, so a cancelled backup can wait for them before it flushes the index.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import { blobId, encodeBlob } from '../blob-codec.ts';
import { releaseBuffer } from '../release-buffer.ts';
import type { Repository } from '../repository.ts';
import type { SavedBlob } from '../workers/file-saver.ts';

export interface BlobCounts {
  dataBlobs: number;
  /** Plaintext bytes of new data blobs. */
  dataBytes: number;
  /** Encoded (compressed + encrypted) bytes of new data blobs. */
  dataPacked: number;
  treeBlobs: number;
  treeBytes: number;
  treePacked: number;
}

export class BlobSink {
  readonly counts: BlobCounts = {
    dataBlobs: 0,
    dataBytes: 0,
    dataPacked: 0,
    treeBlobs: 0,
    treeBytes: 0,
    treePacked: 0,
  };
  private readonly repo: Repository;
  /** Dry run: blobs "saved" only in this set. */
  private readonly dryRun: Set<string> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(repo: Repository, opts: { dryRun?: boolean } = {}) {
    this.repo = repo;
    this.dryRun = opts.dryRun ? new Set() : undefined;
  }

  hasData(id: string): boolean {
    return this.repo.hasBlob('data', id) || (this.dryRun?.has('d' + id) ?? false);
  }

  /** FileSaver's saveBlob: once this resolves, hasData(id) is true. */
  saveData(blob: SavedBlob): Promise<void> {
    return this.track(async () => {
      if (this.dryRun) {
        if (this.dryRun.has('d' + blob.id) || this.repo.hasBlob('data', blob.id)) return;
        this.dryRun.add('d' + blob.id);
        this.countData(blob.length, blob.data.length);
        return;
      }
      const encoded = { data: blob.data, uncompressedLength: blob.uncompressedLength };
      const packed = blob.data.length;
      const added = await this.repo.addEncodedBlob('data', blob.id, blob.length, encoded);
      // the packer copied it (or had it already): the worker's buffer is dead, free it now
      releaseBuffer(blob.data);
      if (added) this.countData(blob.length, packed);
    });
  }

  /** Stores a tree blob unless it exists; returns its id. */
  saveTree(plaintext: Buffer): Promise<string> {
    return this.track(async () => {
      const id = blobId(plaintext);
      if (this.repo.hasBlob('tree', id) || this.dryRun?.has('t' + id)) return id;
      // encode here rather than repo.saveBlob() to learn the packed size for the summary
      const encoded = encodeBlob(this.repo.key, plaintext, { compress: this.repo.compression });
      if (this.dryRun) {
        this.dryRun.add('t' + id);
        this.countTree(plaintext.length, encoded.data.length);
      } else if (await this.repo.addEncodedBlob('tree', id, plaintext.length, encoded)) {
        this.countTree(plaintext.length, encoded.data.length);
      }
      return id;
    });
  }

  /** Refuses further saves and waits for the ones in flight (before a final flush). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private countData(plain: number, packed: number): void {
    this.counts.dataBlobs++;
    this.counts.dataBytes += plain;
    this.counts.dataPacked += packed;
  }

  private countTree(plain: number, packed: number): void {
    this.counts.treeBlobs++;
    this.counts.treeBytes += plain;
    this.counts.treePacked += packed;
  }

  private track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LifeboatError('CANCELLED', 'The backup was stopped.'));
    const p = fn();
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return p;
  }
}
