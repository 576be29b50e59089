/**
 * The parent snapshot: choosing it (restic's rule: newest snapshot of the same host and the same
 * paths) and walking its trees in step with the scanner. Trees are loaded lazily, one directory at
 * a time and only when the scan enters a directory the parent also had, so an incremental backup
 * of a large tree holds just the directories on the current path in memory.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { Repository } from '../repository.ts';
import type { SnapshotWithId } from '../snapshot.ts';
import { decodeTree } from '../tree.ts';
import type { TreeNode } from '../tree.ts';
import type { BackupWarning } from './backup-types.ts';

export interface ParentQuery {
  /** Explicit snapshot id, prefix or "latest". */
  parent?: string;
  force?: boolean;
  hostname: string;
  /** Absolute, sorted source paths of this backup. */
  paths: readonly string[];
}

function samePaths(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((p, i) => p === y[i]);
}

/** The parent snapshot to compare against, or undefined for a full read. */
export async function findParentSnapshot(
  repo: Repository,
  q: ParentQuery,
): Promise<SnapshotWithId | undefined> {
  if (q.force) return undefined;
  if (q.parent !== undefined && q.parent !== 'latest') return repo.resolveSnapshot(q.parent);
  const candidates = (await repo.listSnapshots({ hostname: q.hostname })).filter((sn) =>
    samePaths(sn.paths, q.paths),
  );
  const latest = candidates[candidates.length - 1];
  if (!latest && q.parent === 'latest')
    throw new LifeboatError('NOT_FOUND', 'There is no earlier snapshot of these paths to use as parent.');
  return latest;
}

interface Frame {
  /** Path in the snapshot, for warnings. */
  path: string;
  treeId: string | undefined;
  nodes: Map<string, TreeNode> | undefined;
}

/**
 * Mirrors the scanner's directory stack over the parent snapshot. `lookup(name)` finds the parent's
 * node for an entry of the current directory; `enter(node)` / `leave()` follow dir-start / dir-end.
 */
export class ParentWalker {
  private readonly repo: Repository;
  private readonly warn: (w: BackupWarning) => void;
  private readonly stack: Frame[];

  constructor(repo: Repository, rootTree: string | undefined, warn: (w: BackupWarning) => void) {
    this.repo = repo;
    this.warn = warn;
    this.stack = [{ path: '/', treeId: rootTree, nodes: rootTree ? undefined : new Map() }];
  }

  async lookup(name: string): Promise<TreeNode | undefined> {
    const frame = this.stack[this.stack.length - 1]!;
    frame.nodes ??= await this.load(frame);
    return frame.nodes.get(name);
  }

  /** Enters a directory; `prev` is the parent's node for it (from lookup), if any. */
  enter(name: string, prev: TreeNode | undefined): void {
    const top = this.stack[this.stack.length - 1]!;
    const path = top.path === '/' ? `/${name}` : `${top.path}/${name}`;
    const treeId = prev?.type === 'dir' ? prev.subtree : undefined;
    this.stack.push({ path, treeId, nodes: treeId ? undefined : new Map() });
  }

  leave(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  private async load(frame: Frame): Promise<Map<string, TreeNode>> {
    const nodes = new Map<string, TreeNode>();
    if (!frame.treeId) return nodes;
    try {
      for (const n of decodeTree(await this.repo.loadBlob('tree', frame.treeId)).nodes) nodes.set(n.name, n);
    } catch (err) {
      if (err instanceof LifeboatError && err.code === 'CANCELLED') throw err;
      // restic: a damaged parent tree is reported and its files are simply read again
      this.warn({
        path: frame.path,
        kind: 'repository',
        message: `The previous backup of ${frame.path} could not be loaded; its files are read again.`,
        hint: 'Run a repository check.',
        details: err instanceof Error ? err.message : String(err),
      });
    }
    return nodes;
  }
}
