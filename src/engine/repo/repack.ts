/**
 * Copies the still-used blobs out of packs that prune rewrites into new packs. Blobs are copied
 * encrypted, as stored (same lengths, same uncompressed lengths), but every one is decrypted and
 * hashed first so a damaged blob is never propagated; a damaged copy is replaced by another stored
 * copy when one exists. The new packs are not in any index yet: the caller indexes them.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { decodeAndVerifyBlob } from './blob-codec.ts';
import type { EncodedBlob } from './blob-codec.ts';
import type { IndexPack } from './index-file.ts';
import type { PackedBlob } from './pack.ts';
import { PackerManager } from './packer-manager.ts';
import { blobKey } from './prune-plan.ts';
import type { Repository } from './repository.ts';

export interface RepackOptions {
  /** Target size of the new packs. */
  packSize: number;
  signal?: AbortSignal;
  /** Called after each source pack. */
  onProgress?: (done: number, total: number) => void;
}

interface Span {
  start: number;
  data: Buffer;
  wanted: PackedBlob[];
}

export interface RepackResult {
  /** New packs, to be indexed. */
  packs: IndexPack[];
  blobsCopied: number;
  /** Encrypted bytes of the copied blobs. */
  bytesCopied: number;
  bytesWritten: number;
}

/**
 * Copies the blobs of `keep` (blobKey) found in `packIds` into new packs, removing each from
 * `keep` as it is copied. Fails if any cannot be copied intact.
 */
export async function repackPacks(
  repo: Repository,
  packIds: readonly string[],
  packBlobs: ReadonlyMap<string, readonly PackedBlob[]>,
  keep: Set<string>,
  opts: RepackOptions,
): Promise<RepackResult> {
  const result: RepackResult = { packs: [], blobsCopied: 0, bytesCopied: 0, bytesWritten: 0 };
  const packer = new PackerManager({
    backend: repo.backend,
    key: repo.key,
    packSize: opts.packSize,
    uploads: 2,
    onPackWritten: async (id, blobs, size) => {
      result.packs.push({ id, blobs });
      result.bytesWritten += size;
    },
  });
  // Packs are copied in order (blobs of a file stay together); the next pack is read meanwhile.
  const fetch = (packId: string): Promise<Span | undefined> => {
    const wanted = (packBlobs.get(packId) ?? []).filter((b) => keep.has(blobKey(b.type, b.id)));
    if (wanted.length === 0) return Promise.resolve(undefined);
    // One range read spanning the wanted blobs (at most one pack).
    const start = wanted.reduce((m, b) => Math.min(m, b.offset), Infinity);
    const end = wanted.reduce((m, b) => Math.max(m, b.offset + b.length), 0);
    return repo.backend
      .read('data', packId, { offset: start, length: end - start })
      .then((data) => ({ start, data, wanted }));
  };
  let next = packIds[0] === undefined ? undefined : fetch(packIds[0]);
  next?.catch(() => undefined); // its error surfaces when awaited
  for (let i = 0; i < packIds.length; i++) {
    const packId = packIds[i] as string;
    const current = next;
    opts.signal?.throwIfAborted();
    const span = await current;
    next = i + 1 < packIds.length ? fetch(packIds[i + 1] as string) : undefined;
    next?.catch(() => undefined); // its error surfaces when awaited
    for (const b of span?.wanted ?? []) {
      const k = blobKey(b.type, b.id);
      if (!keep.has(k) || !span) continue; // copied from an earlier pack
      keep.delete(k);
      const raw = span.data.subarray(b.offset - span.start, b.offset - span.start + b.length);
      const encoded = await verifiedCopy(repo, packId, b, raw);
      await packer.add(b.type, b.id, encoded);
      result.blobsCopied++;
      result.bytesCopied += encoded.data.length;
    }
    opts.onProgress?.(i + 1, packIds.length);
  }
  await packer.flush();
  if (keep.size > 0) {
    throw new LifeboatError('INTERNAL', `${keep.size} blobs were not repacked; nothing was deleted.`);
  }
  return result;
}

/** The blob's stored bytes after checking they decode to its id, or another intact copy. */
async function verifiedCopy(
  repo: Repository,
  packId: string,
  blob: PackedBlob,
  raw: Buffer,
): Promise<EncodedBlob> {
  try {
    decodeAndVerifyBlob(repo.key, raw, blob.id, blob.uncompressedLength);
    return { data: Buffer.from(raw), uncompressedLength: blob.uncompressedLength };
  } catch (err) {
    if (!(err instanceof LifeboatError)) throw err;
    for (const other of repo.index.lookupAll(blob.type, blob.id)) {
      if (other.packId === packId) continue;
      try {
        const data = await repo.backend.read('data', other.packId, {
          offset: other.offset,
          length: other.length,
        });
        decodeAndVerifyBlob(repo.key, data, blob.id, other.uncompressedLength);
        return { data, uncompressedLength: other.uncompressedLength };
      } catch {
        // try the next copy
      }
    }
    throw new LifeboatError(
      'REPO_CORRUPT',
      `The ${blob.type} blob ${blob.id.slice(0, 8)} in pack ${packId.slice(0, 8)} is damaged and no intact copy exists.`,
      {
        hint: 'Run a repository check with data verification to see which files are affected. Nothing was deleted.',
        details: err.message,
      },
    );
  }
}
