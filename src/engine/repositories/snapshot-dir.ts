/** One folder of a snapshot, for the restore screen's browser: folders first, then by name. */
import { LifeboatError } from '../../shared/errors.ts';
import type { TreeEntry } from '../../shared/repositories.ts';
import type { BrowseNode, BrowseTree } from './browse-tree.ts';
import type { OpenRepository } from './open-repository.ts';
import { isoTime } from './snapshot-list.ts';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/** The tree (and its id) of a folder inside a snapshot, by its path. */
export async function folderTree(
  open: OpenRepository,
  rootTree: string,
  path: string,
): Promise<{ id: string; tree: BrowseTree }> {
  let id = rootTree;
  let tree = await open.tree(rootTree);
  let at = '';
  for (const name of splitPath(path)) {
    at += `/${name}`;
    const node = tree.nodes.find((n) => n.name === name);
    if (!node) throw new LifeboatError('NOT_FOUND', `${at} is not in this backup version.`);
    if (node.type !== 'dir' || !node.subtree) {
      throw new LifeboatError('INVALID_ARGUMENT', `${at} is a file, not a folder.`);
    }
    id = node.subtree;
    tree = await open.tree(id);
  }
  return { id, tree };
}

/**
 * The last few sorted listings, by folder tree id and path: the UI asks for the same folder again
 * (going back, refetching), and sorting 50,000 names by how people read them takes a while.
 */
const recentListings = new WeakMap<OpenRepository, Map<string, TreeEntry[]>>();
const recentEntries = 150_000;

function remember(open: OpenRepository, key: string, entries: TreeEntry[]): void {
  let recent = recentListings.get(open);
  if (!recent) recentListings.set(open, (recent = new Map()));
  recent.set(key, entries);
  let total = 0;
  for (const list of recent.values()) total += list.length;
  for (const [k, list] of recent) {
    if (total <= recentEntries || k === key) break;
    recent.delete(k);
    total -= list.length;
  }
}

export async function listSnapshotDir(
  open: OpenRepository,
  snapshotId: string,
  path: string,
): Promise<TreeEntry[]> {
  const sn = await open.snapshot(snapshotId);
  const { id, tree } = await folderTree(open, sn.tree, path);
  const prefix = splitPath(path)
    .map((s) => `/${s}`)
    .join('');
  const key = `${id}:${prefix}`;
  const recent = recentListings.get(open)?.get(key);
  if (recent) return recent;
  const dirs: TreeEntry[] = [];
  const others: TreeEntry[] = [];
  for (const node of tree.nodes)
    (node.type === 'dir' ? dirs : others).push(toEntry(node, `${prefix}/${node.name}`));
  const byName = (a: TreeEntry, b: TreeEntry): number =>
    collator.compare(a.name, b.name) || (a.name < b.name ? -1 : 1);
  const entries = [...dirs.sort(byName), ...others.sort(byName)];
  remember(open, key, entries);
  return entries;
}

export function entryType(node: BrowseNode): TreeEntry['type'] {
  return node.type === 'file' || node.type === 'dir' || node.type === 'symlink' ? node.type : 'other';
}

export function toEntry(node: BrowseNode, path: string): TreeEntry {
  return {
    name: node.name,
    path,
    type: entryType(node),
    size: node.size,
    mtime: isoTime(node.mtime),
  };
}
