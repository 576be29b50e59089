/**
 * Differences between two snapshots: added, removed and modified paths. Identical subtrees (same
 * id) are skipped without loading them, so comparing two backups of a large tree is cheap.
 */
import type { Repository } from './repository.ts';
import type { SnapshotWithId } from './snapshot.ts';
import { compareNames } from './tree.ts';
import type { NodeType, TreeNode } from './tree.ts';
import { loadTree, walkTree } from './ls.ts';

export type DiffKind = 'added' | 'removed' | 'modified';

export interface DiffEntry {
  path: string;
  kind: DiffKind;
  type: NodeType;
  /** Type in the first snapshot when it changed (e.g. file became a symlink). */
  oldType?: NodeType;
  sizeBefore?: number;
  sizeAfter?: number;
  /** File content (blob list) or link target differs. */
  contentChanged: boolean;
  /** Mode, owner or mtime differs. */
  metadataChanged: boolean;
}

export interface DiffSummary {
  added: number;
  removed: number;
  modified: number;
  bytesAdded: number;
  bytesRemoved: number;
}

function sameContent(a: TreeNode, b: TreeNode): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'symlink') return a.linktarget === b.linktarget;
  if (a.type !== 'file') return true;
  const ca = a.content ?? [];
  const cb = b.content ?? [];
  return ca.length === cb.length && ca.every((id, i) => id === cb[i]);
}

function sameMetadata(a: TreeNode, b: TreeNode): boolean {
  return (
    a.mode === b.mode &&
    a.mtime === b.mtime &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.user === b.user &&
    a.group === b.group
  );
}

async function* entriesOf(
  repo: Repository,
  node: TreeNode,
  path: string,
  kind: 'added' | 'removed',
): AsyncGenerator<DiffEntry> {
  const size = node.type === 'file' ? (node.size ?? 0) : undefined;
  yield {
    path,
    kind,
    type: node.type,
    ...(kind === 'added' ? { sizeAfter: size } : { sizeBefore: size }),
    contentChanged: true,
    metadataChanged: false,
  };
  if (node.type === 'dir' && node.subtree) {
    for await (const e of walkTree(repo, node.subtree, { prefix: path })) {
      const s = e.node.type === 'file' ? (e.node.size ?? 0) : undefined;
      yield {
        path: e.path,
        kind,
        type: e.node.type,
        ...(kind === 'added' ? { sizeAfter: s } : { sizeBefore: s }),
        contentChanged: true,
        metadataChanged: false,
      };
    }
  }
}

async function* diffTrees(
  repo: Repository,
  a: string | undefined,
  b: string | undefined,
  prefix: string,
): AsyncGenerator<DiffEntry> {
  if (a === b) return;
  const na = a ? (await loadTree(repo, a)).nodes : [];
  const nb = b ? (await loadTree(repo, b)).nodes : [];
  let i = 0;
  let j = 0;
  while (i < na.length || j < nb.length) {
    const x = na[i];
    const y = nb[j];
    const cmp = x && y ? compareNames(x.name, y.name) : x ? -1 : 1;
    if (cmp < 0 && x) {
      yield* entriesOf(repo, x, `${prefix}/${x.name}`, 'removed');
      i++;
    } else if (cmp > 0 && y) {
      yield* entriesOf(repo, y, `${prefix}/${y.name}`, 'added');
      j++;
    } else if (x && y) {
      const path = `${prefix}/${x.name}`;
      if (x.type !== y.type) {
        yield* entriesOf(repo, x, path, 'removed');
        yield* entriesOf(repo, y, path, 'added');
      } else {
        const contentChanged = !sameContent(x, y);
        const metadataChanged = !sameMetadata(x, y);
        if (contentChanged || (metadataChanged && x.type !== 'dir')) {
          yield {
            path,
            kind: 'modified',
            type: y.type,
            ...(y.type === 'file' ? { sizeBefore: x.size ?? 0, sizeAfter: y.size ?? 0 } : {}),
            contentChanged,
            metadataChanged,
          };
        }
        if (x.type === 'dir') yield* diffTrees(repo, x.subtree, y.subtree, path);
      }
      i++;
      j++;
    }
  }
}

/** Streams the differences from snapshot `a` to snapshot `b`. */
export async function* diffSnapshots(
  repo: Repository,
  a: string | SnapshotWithId,
  b: string | SnapshotWithId,
): AsyncGenerator<DiffEntry> {
  await repo.ensureIndex();
  const sa = typeof a === 'string' ? await repo.resolveSnapshot(a) : a;
  const sb = typeof b === 'string' ? await repo.resolveSnapshot(b) : b;
  yield* diffTrees(repo, sa.tree, sb.tree, '');
}

export function summarizeDiff(entries: readonly DiffEntry[]): DiffSummary {
  const s: DiffSummary = { added: 0, removed: 0, modified: 0, bytesAdded: 0, bytesRemoved: 0 };
  for (const e of entries) {
    s[e.kind] += 1;
    if (e.kind === 'added') s.bytesAdded += e.sizeAfter ?? 0;
    else if (e.kind === 'removed') s.bytesRemoved += e.sizeBefore ?? 0;
    else if (e.contentChanged) {
      const d = (e.sizeAfter ?? 0) - (e.sizeBefore ?? 0);
      if (d > 0) s.bytesAdded += d;
      else s.bytesRemoved -= d;
    }
  }
  return s;
}
