/**
 * The snapshot summary restic 0.17+ writes (files/dirs new, changed, unmodified; blobs and bytes
 * added). Classification follows restic's itemProgressAction: no parent node → new, a node equal to
 * the parent's → unmodified, anything else → changed. The root tree is not counted.
 */
import { formatGoTime } from '../go-time.ts';
import type { SnapshotSummary } from '../snapshot.ts';
import type { TreeNode } from '../tree.ts';
import type { BlobCounts } from './blob-sink.ts';
import { nodesEqual } from './node-from-entry.ts';

export class ChangeCounters {
  filesNew = 0;
  filesChanged = 0;
  filesUnmodified = 0;
  dirsNew = 0;
  dirsChanged = 0;
  dirsUnmodified = 0;
  /** Sum of the sizes of every file in the snapshot (restic's total_bytes_processed). */
  bytesProcessed = 0;

  /** A file whose content list was taken over from the parent: restic counts it as unmodified. */
  reusedFile(prev: TreeNode): void {
    this.filesUnmodified++;
    this.bytesProcessed += prev.size ?? 0;
  }

  file(prev: TreeNode | undefined, node: TreeNode): void {
    if (!prev) this.filesNew++;
    else if (nodesEqual(prev, node)) this.filesUnmodified++;
    else this.filesChanged++;
    this.bytesProcessed += node.size ?? 0;
  }

  dir(prev: TreeNode | undefined, node: TreeNode): void {
    if (!prev) this.dirsNew++;
    else if (nodesEqual(prev, node)) this.dirsUnmodified++;
    else this.dirsChanged++;
  }
}

export function buildSummary(
  c: ChangeCounters,
  blobs: BlobCounts,
  startNs: bigint,
  endNs: bigint,
): SnapshotSummary {
  return {
    backup_start: formatGoTime(startNs),
    backup_end: formatGoTime(endNs),
    files_new: c.filesNew,
    files_changed: c.filesChanged,
    files_unmodified: c.filesUnmodified,
    dirs_new: c.dirsNew,
    dirs_changed: c.dirsChanged,
    dirs_unmodified: c.dirsUnmodified,
    data_blobs: blobs.dataBlobs,
    tree_blobs: blobs.treeBlobs,
    data_added: blobs.dataBytes + blobs.treeBytes,
    data_added_packed: blobs.dataPacked + blobs.treePacked,
    total_files_processed: c.filesNew + c.filesChanged + c.filesUnmodified,
    total_bytes_processed: c.bytesProcessed,
  };
}
