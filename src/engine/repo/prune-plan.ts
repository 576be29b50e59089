/**
 * Pure prune planning, with restic's rules (internal/repository/prune.go): given the indexed packs,
 * the pack files present and the blobs still used, decide which packs to keep, delete or repack and
 * which blobs to copy. No I/O, so every rule is unit-testable.
 *
 * - A used blob missing from the index, or a needed pack missing from storage, stops prune: pruning
 *   on top of damage could lose more data.
 * - Duplicates (a blob in several packs): exactly one copy counts as used, preferring packs that
 *   hold other used blobs, so packs written by an interrupted prune (all duplicates) are kept.
 * - Fully unused packs are deleted; unindexed packs (interrupted backups or prunes) too.
 * - Partly used packs are repacked, most-unused first (tree packs and small packs before others),
 *   until the unused bytes left fall below `maxUnused`; tree packs are always repacked.
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { PackedBlob } from './pack.ts';
import { blobKey, corrupt, packUsage, repairHint } from './prune-usage.ts';
import type { PackInfo, UsageStats } from './prune-usage.ts';

export { blobKey };

/** restic never treats packs above 80 % of max(4 MiB, 3rd percentile size) as small. */
const minPackSize = 4 * 1024 * 1024;

export interface PlanInput {
  /** Indexed packs (each once) and their blobs. */
  packs: ReadonlyMap<string, readonly PackedBlob[]>;
  /** Packs listed only by obsolete (superseded) index files: not unreferenced until those go. */
  obsoleteIndexed?: ReadonlySet<string>;
  /** Pack files present in storage, with their sizes. */
  files: ReadonlyMap<string, number>;
  /** blobKey() of every blob reachable from a snapshot. */
  used: ReadonlySet<string>;
}

export interface PlanOptions {
  /** Unused bytes tolerated after pruning, given the used bytes. */
  maxUnused: (usedBytes: number) => number;
  /** Stop choosing packs to repack once this many pack bytes are chosen (default: no limit). */
  maxRepackBytes?: number;
  /** Size of the packs prune writes; small packs are judged against it. */
  packSize: number;
  /** Repack fully used small packs even when there are only a few (restic: at least 10). */
  repackSmall?: boolean;
}

export interface PlanStats extends UsageStats {
  packsTotal: number;
  packsKept: number;
  packsRepack: number;
  /** Fully unused indexed packs (and packs only obsolete index files list). */
  packsRemove: number;
  packsUnreferenced: number;
  /** Indexed but absent from storage, holding nothing used: dropped from the index. */
  packsMissing: number;
  bytesUnreferenced: number;
  /** File size of the packs to repack. */
  bytesRepack: number;
  /** Unused bytes that repacking drops. */
  bytesRepackDropped: number;
  /** File size of the packs deleted outright (unused and unreferenced). */
  bytesRemove: number;
}

export interface PrunePlan {
  /** Unindexed pack files: safe to delete first. */
  removeFirst: string[];
  repack: string[];
  /** Deleted after the index no longer lists them. */
  remove: string[];
  /** Missing from storage and not needed: only dropped from the index. */
  missing: string[];
  /** Blobs to copy out of the repacked packs (blobKey). */
  keepBlobs: Set<string>;
  stats: PlanStats;
}

export function planPrune(input: PlanInput, opts: PlanOptions): PrunePlan {
  const { packs, files, used } = input;
  const stats: PlanStats = {
    packsTotal: files.size,
    packsKept: 0,
    packsRepack: 0,
    packsRemove: 0,
    packsUnreferenced: 0,
    packsMissing: 0,
    blobsUsed: 0,
    blobsUnused: 0,
    blobsDuplicate: 0,
    bytesUsed: 0,
    bytesUnused: 0,
    bytesUnreferenced: 0,
    bytesRepack: 0,
    bytesRepackDropped: 0,
    bytesRemove: 0,
  };

  const info = packUsage(packs, used, stats);

  const removeFirst: string[] = [];
  const remove: string[] = [];
  const missing: string[] = [];
  const candidates: PackInfo[] = [];
  const small: PackInfo[] = [];
  const target = Math.min(opts.packSize, Math.max(minPackSize, percentile3(info))) * 0.8;

  for (const [id, size] of files) {
    const p = info.get(id);
    if (!p) {
      if (input.obsoleteIndexed?.has(id)) {
        remove.push(id);
        stats.packsRemove++;
        stats.bytesRemove += size;
      } else {
        removeFirst.push(id);
        stats.packsUnreferenced++;
        stats.bytesUnreferenced += size;
        stats.bytesRemove += size;
      }
      continue;
    }
    if (p.usedSize + p.unusedSize !== size && p.usedBlobs > 0) {
      throw corrupt(
        `Pack ${id.slice(0, 8)} has ${size} bytes, but the index implies ${p.usedSize + p.unusedSize}.`,
        repairHint,
      );
    }
    if (p.usedBlobs === 0) {
      remove.push(id);
      stats.packsRemove++;
      stats.bytesRemove += size;
    } else if (p.unusedBlobs === 0 && p.type !== 'mixed') {
      if (size >= target) stats.packsKept++;
      else small.push(p);
    } else {
      candidates.push(p);
    }
  }

  const absentNeeded: string[] = [];
  for (const p of info.values()) {
    if (files.has(p.id)) continue;
    if (p.usedBlobs === 0) {
      missing.push(p.id);
      stats.packsMissing++;
    } else {
      absentNeeded.push(p.id);
    }
  }
  if (absentNeeded.length > 0) {
    throw corrupt(
      `The index lists ${absentNeeded.length} pack files that snapshots need but storage does not have.`,
      'Run a repository check to see which files are affected, then repair the repository. Nothing was deleted.',
      absentNeeded.join(', '),
    );
  }

  // A handful of small packs is not worth rewriting (and would be rewritten on every prune).
  if (small.length >= (opts.repackSmall ? 2 : 10)) candidates.push(...small);
  else stats.packsKept += small.length;

  const total = (p: PackInfo): number => p.usedSize + p.unusedSize;
  candidates.sort((a, b) => {
    const ad = a.type === 'data' ? 1 : 0;
    const bd = b.type === 'data' ? 1 : 0;
    if (ad !== bd) return ad - bd; // tree and mixed packs first
    const as = total(a) < target ? 0 : 1;
    const bs = total(b) < target ? 0 : 1;
    if (as !== bs) return as - bs; // small packs next
    const d = b.unusedSize * a.usedSize - a.unusedSize * b.usedSize; // higher unused share first
    return d !== 0 ? d : a.id < b.id ? -1 : 1;
  });

  const repack: string[] = [];
  const maxUnusedAfter = opts.maxUnused(stats.bytesUsed);
  const maxRepack = opts.maxRepackBytes ?? Infinity;
  let removedUnused = 0;
  for (const p of info.values()) if (p.usedBlobs === 0) removedUnused += p.unusedSize;
  for (const p of candidates) {
    const remaining = stats.bytesUnused - removedUnused - stats.bytesRepackDropped;
    const limitReached = remaining < maxUnusedAfter;
    const large = total(p) >= target;
    if (stats.bytesRepack + total(p) >= maxRepack) stats.packsKept++;
    else if (p.type !== 'data' || !(limitReached && large)) {
      repack.push(p.id);
      stats.packsRepack++;
      stats.bytesRepack += total(p);
      stats.bytesRepackDropped += p.unusedSize;
    } else stats.packsKept++;
  }

  // Blobs with a copy in a pack that stays need no copying.
  const keepBlobs = new Set<string>();
  const gone = new Set([...remove, ...repack, ...missing]);
  if (repack.length > 0) {
    for (const k of used) keepBlobs.add(k);
    for (const [id, blobs] of packs) {
      if (gone.has(id)) continue;
      for (const b of blobs) keepBlobs.delete(blobKey(b.type, b.id));
    }
  }
  assertNothingLost(packs, used, gone, keepBlobs, new Set(repack));
  return { removeFirst, repack, remove, missing, keepBlobs, stats };
}

/** 3rd percentile of pack sizes, restic's measure for "small" (0 for an empty repository). */
function percentile3(info: Map<string, PackInfo>): number {
  const sizes = [...info.values()].map((p) => p.usedSize + p.unusedSize).sort((a, b) => a - b);
  return sizes[Math.floor((sizes.length * 3) / 100)] ?? 0;
}

/** Every used blob must survive in a kept pack or be copied out of a repacked one. */
function assertNothingLost(
  packs: ReadonlyMap<string, readonly PackedBlob[]>,
  used: ReadonlySet<string>,
  gone: ReadonlySet<string>,
  keepBlobs: ReadonlySet<string>,
  repack: ReadonlySet<string>,
): void {
  const safe = new Set<string>();
  for (const [id, blobs] of packs) {
    const kept = !gone.has(id);
    if (!kept && !repack.has(id)) continue;
    for (const b of blobs) {
      const k = blobKey(b.type, b.id);
      if (kept || keepBlobs.has(k)) safe.add(k);
    }
  }
  for (const k of used) {
    if (!safe.has(k))
      throw new LifeboatError(
        'INTERNAL',
        `Prune planning would lose blob ${k.slice(1, 9)}; nothing was deleted.`,
      );
  }
}
