/**
 * Walking a snapshot's trees: every node with its path ("/dir/file", as `restic ls` prints it),
 * depth-first in name order.
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { Repository } from './repository.ts';
import type { SnapshotWithId } from './snapshot.ts';
import { decodeTree } from './tree.ts';
import type { Tree, TreeNode } from './tree.ts';

export interface WalkEntry {
  path: string;
  node: TreeNode;
}

export interface WalkOptions {
  /** Path prefix for the entries (default ""). */
  prefix?: string;
  signal?: AbortSignal;
  /** Called for each directory before descending; return false to skip its contents. */
  descend?: (entry: WalkEntry) => boolean;
}

/** Guards against absurd nesting in a hostile repository (real trees are far shallower). */
export const maxTreeDepth = 1024;

export async function loadTree(repo: Repository, id: string): Promise<Tree> {
  return decodeTree(await repo.loadBlob('tree', id));
}

export async function* walkTree(
  repo: Repository,
  treeId: string,
  opts: WalkOptions = {},
): AsyncGenerator<WalkEntry> {
  yield* walk(repo, treeId, opts.prefix ?? '', opts, new Set([treeId]));
}

async function* walk(
  repo: Repository,
  treeId: string,
  prefix: string,
  opts: WalkOptions,
  ancestors: Set<string>,
): AsyncGenerator<WalkEntry> {
  opts.signal?.throwIfAborted();
  if (ancestors.size > maxTreeDepth)
    throw new LifeboatError('REPO_CORRUPT', `Trees are nested too deeply at ${prefix}.`);
  const tree = await loadTree(repo, treeId);
  for (const node of tree.nodes) {
    const entry = { path: `${prefix}/${node.name}`, node };
    yield entry;
    if (node.type === 'dir' && node.subtree && (opts.descend?.(entry) ?? true)) {
      if (ancestors.has(node.subtree))
        throw new LifeboatError('REPO_CORRUPT', `Tree cycle at ${entry.path}.`);
      ancestors.add(node.subtree);
      yield* walk(repo, node.subtree, entry.path, opts, ancestors);
      ancestors.delete(node.subtree);
    }
  }
}

/** Lists a snapshot, optionally only below `subPath` ("/home/user"). */
export async function* listSnapshot(
  repo: Repository,
  snapshot: string | SnapshotWithId,
  opts: { subPath?: string; signal?: AbortSignal } = {},
): AsyncGenerator<WalkEntry> {
  await repo.ensureIndex();
  const sn = typeof snapshot === 'string' ? await repo.resolveSnapshot(snapshot) : snapshot;
  const parts = (opts.subPath ?? '').split('/').filter((p) => p !== '' && p !== '.');
  let treeId = sn.tree;
  let prefix = '';
  for (const part of parts) {
    const tree = await loadTree(repo, treeId);
    const node = tree.nodes.find((n) => n.name === part);
    if (!node) throw new LifeboatError('NOT_FOUND', `${prefix}/${part} is not in the snapshot.`);
    prefix = `${prefix}/${part}`;
    if (node.type !== 'dir' || !node.subtree) {
      yield { path: prefix, node };
      return;
    }
    treeId = node.subtree;
  }
  yield* walkTree(repo, treeId, { prefix, ...(opts.signal ? { signal: opts.signal } : {}) });
}
