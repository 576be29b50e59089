/**
 * Marks every blob a snapshot can reach: its trees, recursively, and the data blobs of files.
 * Prune keeps exactly these. A tree that cannot be read stops the walk: without it we cannot know
 * what it references, and pruning blind would delete live data.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { mapLimit } from './concurrency.ts';
import { loadTree } from './ls.ts';
import { blobKey } from './prune-plan.ts';
import type { Repository } from './repository.ts';
import type { SnapshotWithId } from './snapshot.ts';

export interface UsedBlobsOptions {
  signal?: AbortSignal;
  /** Called after each snapshot. */
  onProgress?: (done: number, total: number) => void;
}

/** blobKey() of every tree and data blob reachable from the snapshots. */
export async function findUsedBlobs(
  repo: Repository,
  snapshots: readonly SnapshotWithId[],
  opts: UsedBlobsOptions = {},
): Promise<Set<string>> {
  const used = new Set<string>();
  let done = 0;
  for (const sn of snapshots) {
    // Breadth-first, a level at a time, so tree loads overlap.
    let level = [sn.tree].filter((id) => !used.has(blobKey('tree', id)));
    for (const id of level) used.add(blobKey('tree', id));
    while (level.length > 0) {
      opts.signal?.throwIfAborted();
      const next: string[] = [];
      await mapLimit(level, 8, async (treeId) => {
        if (!repo.index.has('tree', treeId)) {
          throw new LifeboatError(
            'REPO_CORRUPT',
            `Tree ${treeId.slice(0, 8)} of snapshot ${sn.id.slice(0, 8)} is not in the index, so prune cannot tell which data is still used.`,
            { hint: 'Run a repository check and repair the repository before pruning. Nothing was deleted.' },
          );
        }
        const tree = await loadTree(repo, treeId);
        for (const node of tree.nodes) {
          if (node.type === 'file') {
            for (const id of node.content ?? []) used.add(blobKey('data', id));
          } else if (node.type === 'dir' && node.subtree) {
            const k = blobKey('tree', node.subtree);
            if (!used.has(k)) {
              used.add(k);
              next.push(node.subtree);
            }
          }
        }
      });
      level = next;
    }
    opts.onProgress?.(++done, snapshots.length);
  }
  return used;
}
