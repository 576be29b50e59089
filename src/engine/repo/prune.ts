/**
 * `restic prune`: under an exclusive lock, find the blobs snapshots still use, then delete what is
 * not used and repack packs that are mostly unused. The order keeps the repository valid after a
 * crash at any step (design.rst, "Read and Write Ordering"):
 *   1. delete packs no index lists (leftovers of interrupted backups or prunes);
 *   2. write the repacked packs;
 *   3. write index files listing them and replacing the old ones, then delete the old files;
 *   4. only then delete the packs no index lists any more.
 * Cancelling stops between steps; whatever was done so far leaves a valid repository, at worst with
 * unused data the next prune removes.
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { Backend } from '../storage/backend.ts';
import { mapLimit } from './concurrency.ts';
import { cryptoOverhead } from './crypto.ts';
import { withLock } from './lock.ts';
import type { LockOptions } from './lock.ts';
import { entrySize } from './pack.ts';
import type { PackedBlob } from './pack.ts';
import { loadIndexSet, rewriteIndex } from './prune-index.ts';
import { blobKey, planPrune } from './prune-plan.ts';
import type { PrunePlan } from './prune-plan.ts';
import { repackPacks } from './repack.ts';
import type { Repository } from './repository.ts';
import { findUsedBlobs } from './used-blobs.ts';

export type PrunePhase = 'snapshots' | 'unreferenced' | 'repack' | 'index' | 'delete';

export interface PruneProgress {
  phase: PrunePhase;
  done: number;
  total: number;
}

export interface PruneOptions {
  /**
   * Unused data tolerated after pruning: '5%' (default, like restic) of the used data, a size
   * ('200M', '1G', base 1024), a number of bytes, or 'unlimited'.
   */
  maxUnused?: string | number;
  /** Repack at most this many bytes of packs (restic --max-repack-size). */
  maxRepackBytes?: number;
  /** Also consolidate fully used small packs when there are only a few (restic: from 10). */
  repackSmall?: boolean;
  /** Size of the packs written when repacking (default 16 MiB). */
  packSize?: number;
  /** Plan and report, change nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: PruneProgress) => void;
  /** Lock tuning (tests shorten the settle pause). */
  lock?: Pick<LockOptions, 'settleMs' | 'refreshMs'>;
}

export interface PruneReport {
  dryRun: boolean;
  /** Pack files in storage before pruning. */
  packsTotal: number;
  packsKept: number;
  packsRepacked: number;
  /** Deleted without repacking: fully unused, or listed by no index (packsUnreferenced). */
  packsDeleted: number;
  packsUnreferenced: number;
  /** New packs written by repacking. */
  packsWritten: number;
  blobsUsed: number;
  /** Unused blobs in indexed packs, surplus duplicate copies included. */
  blobsUnused: number;
  blobsDuplicate: number;
  /** Encrypted bytes of used blobs (one copy each) plus pack headers. */
  bytesUsed: number;
  bytesUnused: number;
  /** Size of the pack files no index lists. */
  bytesUnreferenced: number;
  /** Encrypted bytes of used blobs copied into new packs (estimated on a dry run). */
  bytesRepacked: number;
  /** Storage released: deleted pack files minus new ones (estimated on a dry run). */
  bytesFreed: number;
  bytesWritten: number;
  indexFilesWritten: number;
  indexFilesDeleted: number;
  /** Unused pack files whose deletion failed; harmless, the next prune retries. */
  filesNotDeleted: number;
}

const defaultPackSize = 16 * 1024 * 1024;
const headerLengthSize = 4;

/** restic's --max-unused: the tolerated unused bytes as a function of the used bytes. */
export function parseMaxUnused(value: string | number): (usedBytes: number) => number {
  const bad = (why: string) =>
    new LifeboatError('INVALID_ARGUMENT', `Invalid unused-data limit ${JSON.stringify(value)}: ${why}.`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw bad('must be a size in bytes');
    return () => value;
  }
  const text = value.trim();
  if (text === 'unlimited') return () => Infinity;
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (pct) {
    const p = Number(pct[1]);
    if (p >= 100) throw bad('a percentage must be below 100%');
    // p % of the size after pruning, i.e. of used + unused.
    return (used) => Math.floor((p / (100 - p)) * used);
  }
  const size = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text);
  if (!size) throw bad("use a percentage ('5%'), a size ('500M') or 'unlimited'");
  const unit = { '': 0, k: 1, m: 2, g: 3, t: 4 }[(size[2] ?? '').toLowerCase()] ?? 0;
  const bytes = Math.floor(Number(size[1]) * 1024 ** unit);
  return () => bytes;
}

export async function prune(repo: Repository, opts: PruneOptions = {}): Promise<PruneReport> {
  try {
    return await pruneLocked(repo, opts);
  } catch (err) {
    if (opts.signal?.aborted && !(err instanceof LifeboatError && err.code !== 'CANCELLED')) {
      throw new LifeboatError('CANCELLED', 'Prune was cancelled.', {
        hint: 'The repository is intact, perhaps with some unused data: run prune again to finish.',
      });
    }
    throw err;
  }
}

async function pruneLocked(repo: Repository, opts: PruneOptions): Promise<PruneReport> {
  const maxUnused = parseMaxUnused(opts.maxUnused ?? '5%');
  const packSize = opts.packSize ?? defaultPackSize;
  const { signal } = opts;
  const progress = (phase: PrunePhase, done: number, total: number): void =>
    opts.onProgress?.({ phase, done, total });

  return withLock(repo, { exclusive: true, ...opts.lock }, async () => {
    // Blobs this object still holds in memory must be stored and indexed before we judge packs.
    await repo.flush();
    signal?.throwIfAborted();
    // Under the exclusive lock nothing else writes, so the order of these reads does not matter.
    const snapshots = await repo.listSnapshots();
    const indexSet = await loadIndexSet(repo, signal);
    const used = await findUsedBlobs(repo, snapshots, {
      ...(signal ? { signal } : {}),
      onProgress: (done, total) => progress('snapshots', done, total),
    });
    const files = new Map((await repo.backend.list('data')).map((f) => [f.name, f.size] as const));
    const plan = planPrune(
      { packs: indexSet.packs, obsoleteIndexed: indexSet.obsoleteOnly, files, used },
      {
        maxUnused,
        packSize,
        ...(opts.maxRepackBytes !== undefined ? { maxRepackBytes: opts.maxRepackBytes } : {}),
        ...(opts.repackSmall ? { repackSmall: true } : {}),
      },
    );
    const report = initialReport(plan, opts.dryRun ?? false);
    if (opts.dryRun) return estimate(report, plan, indexSet.packs, files, packSize);

    signal?.throwIfAborted();
    const failed = await deletePacks(repo.backend, plan.removeFirst, signal, (d, t) =>
      progress('unreferenced', d, t),
    );

    signal?.throwIfAborted();
    let added: Awaited<ReturnType<typeof repackPacks>>['packs'] = [];
    if (plan.repack.length > 0) {
      const r = await repackPacks(repo, plan.repack, indexSet.packs, plan.keepBlobs, {
        packSize,
        ...(signal ? { signal } : {}),
        onProgress: (d, t) => progress('repack', d, t),
      });
      added = r.packs;
      report.packsWritten = r.packs.length;
      report.bytesRepacked = r.bytesCopied;
      report.bytesWritten = r.bytesWritten;
    }

    signal?.throwIfAborted();
    const obsolete = [...plan.repack, ...plan.remove];
    const drop = new Set([...obsolete, ...plan.missing]);
    const rewrite = await rewriteIndex(repo, indexSet, drop, added, {
      ...(signal ? { signal } : {}),
      onProgress: (d, t) => progress('index', d, t),
    });
    report.indexFilesWritten = rewrite.written.length;
    report.indexFilesDeleted = rewrite.deleted.length;

    signal?.throwIfAborted();
    failed.push(...(await deletePacks(repo.backend, obsolete, signal, (d, t) => progress('delete', d, t))));
    report.filesNotDeleted = failed.length;
    const notDeleted = new Set(failed);
    let freed = 0;
    for (const id of [...plan.removeFirst, ...obsolete]) if (!notDeleted.has(id)) freed += files.get(id) ?? 0;
    freed -= report.bytesWritten;
    report.bytesFreed = freed;
    await repo.loadIndex(); // the in-memory index must forget deleted packs
    return report;
  });
}

function initialReport(plan: PrunePlan, dryRun: boolean): PruneReport {
  const s = plan.stats;
  return {
    dryRun,
    packsTotal: s.packsTotal,
    packsKept: s.packsKept,
    packsRepacked: s.packsRepack,
    packsDeleted: s.packsRemove + s.packsUnreferenced,
    packsUnreferenced: s.packsUnreferenced,
    packsWritten: 0,
    blobsUsed: s.blobsUsed,
    blobsUnused: s.blobsUnused,
    blobsDuplicate: s.blobsDuplicate,
    bytesUsed: s.bytesUsed,
    bytesUnused: s.bytesUnused,
    bytesUnreferenced: s.bytesUnreferenced,
    bytesRepacked: 0,
    bytesFreed: 0,
    bytesWritten: 0,
    indexFilesWritten: 0,
    indexFilesDeleted: 0,
    filesNotDeleted: 0,
  };
}

/** Dry run: what repacking would copy and write, and the space it would free. */
function estimate(
  report: PruneReport,
  plan: PrunePlan,
  packs: ReadonlyMap<string, readonly PackedBlob[]>,
  files: ReadonlyMap<string, number>,
  packSize: number,
): PruneReport {
  const pending = new Set(plan.keepBlobs);
  const packOverhead = cryptoOverhead + headerLengthSize;
  // Replays the packer: one open pack per blob type, closed once it reaches packSize.
  const open = new Map<string, number>();
  let copied = 0;
  let written = 0;
  let packsWritten = 0;
  for (const id of plan.repack) {
    for (const b of packs.get(id) ?? []) {
      if (!pending.delete(blobKey(b.type, b.id))) continue;
      copied += b.length;
      const size =
        (open.get(b.type) ?? packOverhead) + b.length + entrySize(b.uncompressedLength !== undefined);
      if (size >= packSize) {
        written += size;
        packsWritten++;
        open.delete(b.type);
      } else open.set(b.type, size);
    }
  }
  for (const size of open.values()) {
    written += size;
    packsWritten++;
  }
  let freed = 0;
  for (const id of [...plan.removeFirst, ...plan.repack, ...plan.remove]) freed += files.get(id) ?? 0;
  freed -= written;
  return { ...report, packsWritten, bytesRepacked: copied, bytesWritten: written, bytesFreed: freed };
}

/**
 * Deletes pack files no index lists; returns those it could not delete. A failure is not fatal: an extra unused pack cannot
 * damage the repository, and the next prune deletes it.
 */
async function deletePacks(
  backend: Backend,
  ids: readonly string[],
  signal: AbortSignal | undefined,
  onProgress: (done: number, total: number) => void,
): Promise<string[]> {
  const failed: string[] = [];
  let done = 0;
  await mapLimit(ids, 8, async (id) => {
    signal?.throwIfAborted();
    try {
      await backend.remove('data', id);
    } catch (err) {
      if (!(err instanceof LifeboatError) || err.code !== 'NOT_FOUND') failed.push(id);
    }
    onProgress(++done, ids.length);
  });
  return failed;
}
