/**
 * Tree-level checks: from every snapshot, each reachable tree must be indexed, decodable and
 * acyclic; file content blobs must be indexed. Also finds which snapshot paths depend on damaged
 * blobs, so a report can say which files a broken pack affects.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { loadTree } from './ls.ts';
import type { Repository } from './repository.ts';
import type { SnapshotWithId } from './snapshot.ts';
import type { Tree } from './tree.ts';

export interface TreeProblem {
  treeId: string;
  message: string;
}

export interface TreeWalkResult {
  problems: TreeProblem[];
  trees: number;
  referencedData: Set<string>;
  referencedTrees: Set<string>;
}

const validTypes = new Set(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket', 'irregular']);

export async function checkTrees(
  repo: Repository,
  snapshots: readonly SnapshotWithId[],
  signal?: AbortSignal,
): Promise<TreeWalkResult> {
  const problems: TreeProblem[] = [];
  const referencedData = new Set<string>();
  const referencedTrees = new Set<string>();
  const done = new Set<string>();
  const active = new Set<string>();

  const visit = async (treeId: string, where: string): Promise<void> => {
    if (active.has(treeId)) {
      problems.push({ treeId, message: `tree cycle at ${where}` });
      return;
    }
    if (done.has(treeId)) return;
    signal?.throwIfAborted();
    done.add(treeId);
    referencedTrees.add(treeId);
    if (!repo.index.has('tree', treeId)) {
      problems.push({ treeId, message: `tree ${treeId.slice(0, 8)} (${where}) is not in the index` });
      return;
    }
    let tree: Tree;
    try {
      tree = await loadTree(repo, treeId);
    } catch (err) {
      if (!(err instanceof LifeboatError)) throw err;
      problems.push({
        treeId,
        message: `tree ${treeId.slice(0, 8)} (${where}) cannot be loaded: ${err.message}`,
      });
      return;
    }
    active.add(treeId);
    for (const node of tree.nodes) {
      const path = `${where === '/' ? '' : where}/${node.name}`;
      if (node.name === '') problems.push({ treeId, message: `node with empty name in ${where}` });
      if (!validTypes.has(node.type))
        problems.push({ treeId, message: `${path} has invalid type ${node.type}` });
      if (node.type === 'file') {
        if (node.content === null) problems.push({ treeId, message: `file ${path} has no blob list` });
        for (const id of node.content ?? []) {
          referencedData.add(id);
          if (!repo.index.has('data', id))
            problems.push({
              treeId,
              message: `file ${path}: data blob ${id.slice(0, 8)} is not in the index`,
            });
        }
      } else if (node.type === 'dir') {
        if (!node.subtree) problems.push({ treeId, message: `folder ${path} has no subtree` });
        else await visit(node.subtree, path);
      }
    }
    active.delete(treeId);
  };

  for (const sn of snapshots) await visit(sn.tree, '/');
  return { problems, trees: done.size, referencedData, referencedTrees };
}

export interface AffectedPath {
  snapshotId: string;
  path: string;
}

/**
 * Paths in the snapshots whose content (or listing, for trees) needs one of the damaged blobs.
 * Only subtrees that can reach a damaged blob are walked.
 */
export async function findAffectedPaths(
  repo: Repository,
  snapshots: readonly SnapshotWithId[],
  badData: ReadonlySet<string>,
  badTrees: ReadonlySet<string>,
  limit = 1000,
): Promise<AffectedPath[]> {
  const tainted = new Map<string, boolean>();
  const isTainted = async (treeId: string, depth: number): Promise<boolean> => {
    const known = tainted.get(treeId);
    if (known !== undefined) return known;
    tainted.set(treeId, false); // cycle guard
    let result = badTrees.has(treeId);
    if (!result && depth < 1024) {
      try {
        const tree = await loadTree(repo, treeId);
        for (const n of tree.nodes) {
          if (n.type === 'file' && (n.content ?? []).some((id) => badData.has(id))) result = true;
          else if (n.type === 'dir' && n.subtree && (await isTainted(n.subtree, depth + 1))) result = true;
          if (result) break;
        }
      } catch {
        result = true;
      }
    }
    tainted.set(treeId, result);
    return result;
  };

  const out: AffectedPath[] = [];
  const walk = async (sn: SnapshotWithId, treeId: string, prefix: string, depth: number): Promise<void> => {
    if (out.length >= limit || depth > 1024) return;
    if (badTrees.has(treeId)) {
      out.push({ snapshotId: sn.id, path: prefix || '/' });
      return;
    }
    let tree: Tree;
    try {
      tree = await loadTree(repo, treeId);
    } catch {
      out.push({ snapshotId: sn.id, path: prefix || '/' });
      return;
    }
    for (const n of tree.nodes) {
      const path = `${prefix}/${n.name}`;
      if (n.type === 'file' && (n.content ?? []).some((id) => badData.has(id)))
        out.push({ snapshotId: sn.id, path });
      else if (n.type === 'dir' && n.subtree && (await isTainted(n.subtree, depth + 1)))
        await walk(sn, n.subtree, path, depth + 1);
      if (out.length >= limit) return;
    }
  };
  for (const sn of snapshots) {
    if (await isTainted(sn.tree, 0)) await walk(sn, sn.tree, '', 0);
  }
  return out;
}
