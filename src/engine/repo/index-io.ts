/**
 * Reading all index files into the master index (honouring `supersedes`), and writing index files
 * for newly written packs: at most 50 000 blobs per file, early when a long backup fills one.
 */
import { mapLimit } from './concurrency.ts';
import { decodeIndexFile, encodeIndexFile, maxBlobsPerIndexFile } from './index-file.ts';
import type { IndexPack } from './index-file.ts';
import type { MasterIndex } from './master-index.ts';

export async function loadIndexFiles(
  names: readonly string[],
  load: (name: string) => Promise<Buffer>,
  index: MasterIndex,
): Promise<void> {
  const pass = async (skip: ReadonlySet<string>): Promise<Set<string>> => {
    index.clear();
    const superseded = new Set<string>();
    await mapLimit(names, 8, async (name) => {
      if (skip.has(name)) return;
      const content = decodeIndexFile(await load(name));
      for (const s of content.supersedes) superseded.add(s);
      for (const p of content.packs) index.addPack(p.id, p.blobs);
    });
    return superseded;
  };
  const superseded = await pass(new Set());
  // Superseded index files are rare (old restic prune); reload without them when present.
  if (names.some((n) => superseded.has(n))) await pass(superseded);
}

/** Collects written packs and saves them as index files. Packs must be stored before `add`. */
export class IndexWriter {
  private readonly save: (json: Buffer) => Promise<string>;
  private pending: IndexPack[] = [];
  private pendingBlobs = 0;
  private chain: Promise<void> = Promise.resolve();
  filesWritten = 0;

  constructor(save: (json: Buffer) => Promise<string>) {
    this.save = save;
  }

  /** Packs written but not yet in an index file (they stay in the in-memory index on reload). */
  get unsaved(): readonly IndexPack[] {
    return this.pending;
  }

  async add(pack: IndexPack): Promise<void> {
    this.pending.push(pack);
    this.pendingBlobs += pack.blobs.length;
    // Long backups write intermediate index files, so an interruption keeps what was uploaded.
    if (this.pendingBlobs >= maxBlobsPerIndexFile) {
      this.chain = this.chain.then(() => this.writeAll());
      await this.chain;
    }
  }

  async flush(): Promise<void> {
    await this.chain;
    await this.writeAll();
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch: IndexPack[] = [];
      let blobs = 0;
      for (const p of this.pending) {
        if (batch.length > 0 && blobs + p.blobs.length > maxBlobsPerIndexFile) break;
        batch.push(p);
        blobs += p.blobs.length;
      }
      await this.save(encodeIndexFile(batch));
      this.pending = this.pending.slice(batch.length);
      this.pendingBlobs -= blobs;
      this.filesWritten += 1;
    }
  }
}
