/**
 * Per-pack accounting for prune (restic's packInfoFromIndex): how many bytes of each pack are used,
 * which blobs are missing, and which copy of a duplicated blob counts as the used one.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { expectedPackSize } from './pack.ts';
import type { BlobType, PackedBlob } from './pack.ts';

export function blobKey(type: BlobType, id: string): string {
  return (type === 'tree' ? 't' : 'd') + id;
}

export interface PackInfo {
  id: string;
  usedBlobs: number;
  unusedBlobs: number;
  duplicateBlobs: number;
  /** Encrypted bytes of used blobs plus the pack header. */
  usedSize: number;
  unusedSize: number;
  type: BlobType | 'mixed' | undefined;
}

export interface UsageStats {
  blobsUsed: number;
  /** Unused blobs, surplus duplicate copies included. */
  blobsUnused: number;
  /** Surplus copies of used blobs (part of blobsUnused). */
  blobsDuplicate: number;
  /** Encrypted bytes of used blobs, one copy each, plus pack headers. */
  bytesUsed: number;
  /** Encrypted bytes of unused blobs and surplus duplicate copies in indexed packs. */
  bytesUnused: number;
}

export const repairHint =
  'Run a repository check; rebuild the index (restic repair index) before pruning. Nothing was deleted.';

export function corrupt(message: string, hint: string, details?: string): LifeboatError {
  return new LifeboatError('REPO_CORRUPT', message, { hint, ...(details ? { details } : {}) });
}

/** Usage of every pack; adds the totals to `stats`. Fails if a used blob is in no pack. */
export function packUsage(
  packs: ReadonlyMap<string, readonly PackedBlob[]>,
  used: ReadonlySet<string>,
  stats: UsageStats,
): Map<string, PackInfo> {
  // How many copies of each used blob the index holds (0 = missing).
  const copies = new Map<string, number>();
  for (const k of used) copies.set(k, 0);
  for (const blobs of packs.values()) {
    for (const b of blobs) {
      const k = blobKey(b.type, b.id);
      const n = copies.get(k);
      if (n !== undefined) copies.set(k, n + 1);
    }
  }
  const missing = [...copies].filter(([, n]) => n === 0).map(([k]) => k);
  if (missing.length > 0) {
    throw corrupt(
      `${missing.length} blobs used by snapshots are not in the index: data seems to be missing, so prune stopped to avoid further loss.`,
      repairHint,
      missing.slice(0, 20).join(', '),
    );
  }

  const info = new Map<string, PackInfo>();
  let hasDuplicates = false;
  for (const [id, blobs] of packs) {
    const header = expectedPackSize(blobs) - blobs.reduce((s, b) => s + b.length, 0);
    const p: PackInfo = {
      id,
      usedBlobs: 0,
      unusedBlobs: 0,
      duplicateBlobs: 0,
      usedSize: header,
      unusedSize: 0,
      type: undefined,
    };
    stats.bytesUsed += header;
    for (const b of blobs) {
      p.type = p.type === undefined || p.type === b.type ? b.type : 'mixed';
      const n = copies.get(blobKey(b.type, b.id)) ?? 0;
      if (n === 1) {
        p.usedSize += b.length;
        p.usedBlobs++;
        stats.bytesUsed += b.length;
        stats.blobsUsed++;
        continue;
      }
      p.unusedSize += b.length;
      p.unusedBlobs++;
      stats.bytesUnused += b.length;
      if (n >= 2) {
        hasDuplicates = true;
        p.duplicateBlobs++;
        stats.blobsDuplicate++;
      } else {
        stats.blobsUnused++;
      }
    }
    info.set(id, p);
  }
  if (hasDuplicates) chooseDuplicateCopies(packs, info, copies, stats);
  // Surplus copies count as unused blobs from here on.
  stats.blobsUnused += stats.blobsDuplicate;
  return info;
}

/**
 * Marks one copy of each duplicated used blob as used (restic's rule): a copy in a pack that has
 * other used blobs, or in a pack made only of duplicates (what an interrupted prune wrote), or
 * else the last copy seen.
 */
function chooseDuplicateCopies(
  packs: ReadonlyMap<string, readonly PackedBlob[]>,
  info: Map<string, PackInfo>,
  copies: Map<string, number>,
  stats: UsageStats,
): void {
  for (const [id, blobs] of packs) {
    const p = info.get(id) as PackInfo;
    for (const b of blobs) {
      const k = blobKey(b.type, b.id);
      const n = copies.get(k);
      if (n === undefined || n === 1) continue; // unused, or a copy is already chosen
      if (p.usedBlobs > 0 || p.duplicateBlobs === p.unusedBlobs || n === 0) {
        p.usedSize += b.length;
        p.usedBlobs++;
        p.unusedSize -= b.length;
        p.unusedBlobs--;
        stats.bytesUsed += b.length;
        stats.bytesUnused -= b.length;
        stats.blobsUsed++;
        stats.blobsDuplicate--;
        copies.set(k, 1);
      } else {
        // 0 marks "the next copy is the last one": take it whatever its pack.
        copies.set(k, n - 1 === 1 ? 0 : n - 1);
      }
    }
  }
}
