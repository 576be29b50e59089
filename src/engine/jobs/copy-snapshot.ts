/**
 * Copies snapshots into a second repository, like `restic copy`: the trees and data blobs the
 * target lacks are read (decrypted) from the source and stored (re-encrypted with the target's key),
 * then the snapshot is saved with `original` naming the source snapshot. Blob ids are hashes of the
 * plaintext, so deduplication works across repositories. Idempotent: a snapshot already copied (the
 * target has one whose `original` names it) is not copied again. Crash-safe in restic's order
 * (packs, index, snapshot).
 */
import { mapLimit } from '../repo/concurrency.ts';
import { withLock, type LockOptions } from '../repo/lock.ts';
import { loadTree } from '../repo/ls.ts';
import type { Repository } from '../repo/repository.ts';
import { sortSnapshots, type Snapshot, type SnapshotWithId } from '../repo/snapshot.ts';

export interface CopyResult {
  /** The snapshot's id in the target repository. */
  snapshotId: string;
  /** false when the target already had this snapshot. */
  copied: boolean;
  blobsCopied: number;
  bytesCopied: number;
}

export interface CopyOptions {
  signal?: AbortSignal;
  lock?: Pick<LockOptions, 'settleMs' | 'refreshMs'>;
}

/** Copies one snapshot (see copySnapshots). */
export async function copySnapshot(
  source: Repository,
  target: Repository,
  snapshotId: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const [result] = await copySnapshots(source, target, [snapshotId], options);
  return result!;
}

/** Copies the given snapshots, oldest first, under one lock on the target; skips those it has. */
export async function copySnapshots(
  source: Repository,
  target: Repository,
  snapshotIds: readonly string[],
  options: CopyOptions = {},
): Promise<CopyResult[]> {
  const { signal } = options;
  const snapshots = sortSnapshots(await Promise.all(snapshotIds.map((id) => source.loadSnapshot(id))));
  return withLock(target, { exclusive: false, ...options.lock }, async () => {
    const present = new Map<string, string>();
    for (const t of await target.listSnapshots()) present.set(t.original ?? t.id, t.id);
    await source.ensureIndex();
    await target.loadIndex();
    const results: CopyResult[] = [];
    for (const sn of snapshots) {
      const original = sn.original ?? sn.id;
      const existing = present.get(original);
      if (existing) {
        results.push({ snapshotId: existing, copied: false, blobsCopied: 0, bytesCopied: 0 });
        continue;
      }
      results.push(await copyOne(source, target, sn, original, signal));
    }
    return results;
  });
}

async function copyOne(
  source: Repository,
  target: Repository,
  sn: SnapshotWithId,
  original: string,
  signal: AbortSignal | undefined,
): Promise<CopyResult> {
  let blobsCopied = 0;
  let bytesCopied = 0;
  const copyBlob = async (type: 'tree' | 'data', id: string): Promise<void> => {
    const plain = await source.loadBlob(type, id);
    await target.saveBlob(type, plain);
    blobsCopied++;
    bytesCopied += plain.length;
  };
  // Every tree of the snapshot is walked, even ones the target has: after an interrupted copy a
  // tree may be stored while data below it is not, so "has the tree" does not prove "has it all".
  const visited = new Set<string>();
  const copyTree = async (treeId: string): Promise<void> => {
    if (visited.has(treeId)) return;
    visited.add(treeId);
    signal?.throwIfAborted();
    const tree = await loadTree(source, treeId);
    for (const node of tree.nodes) {
      const missing = [...new Set(node.content ?? [])].filter((id) => !target.hasBlob('data', id));
      await mapLimit(missing, 4, (id) => copyBlob('data', id));
      if (node.subtree) await copyTree(node.subtree);
    }
    if (!target.hasBlob('tree', treeId)) await copyBlob('tree', treeId);
  };
  try {
    await copyTree(sn.tree);
  } finally {
    // Whatever was packed is indexed, so an interrupted copy is not uploaded twice.
    await target.flush();
  }
  signal?.throwIfAborted();
  const { id: _id, ...fields } = sn;
  const copy: Snapshot = { ...fields, original };
  const snapshotId = await target.saveUnpacked('snapshots', copy);
  return { snapshotId, copied: true, blobsCopied, bytesCopied };
}
