/**
 * Finding a file by name across versions ("where is the contract I deleted last spring?"). Versions
 * share most of their trees, and the same tree id always holds the same entries, so the matches of a
 * subtree are computed once (relative to it) and reused wherever it appears again. Trees are loaded
 * several at a time (each is a read from the storage), and results keep the order: oldest version
 * first, entries in tree order.
 */
import type { FileMatch } from '../../shared/repositories.ts';
import { mapLimit } from '../repo/concurrency.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import type { OpenRepository } from './open-repository.ts';
import { toEntry } from './snapshot-dir.ts';
import { isoTime, listSnapshots } from './snapshot-list.ts';

const defaultLimit = 1000;
/** A deeper tree than this is damaged or hostile; it is not searched further. */
const maxDepth = 256;
/** Tree reads in flight. */
const parallelReads = 16;

interface RelativeMatch {
  /** Path below the tree the match was found in ("/a/b.txt"). */
  path: string;
  entry: Pick<FileMatch, 'type' | 'size' | 'mtime'>;
}

export interface FindRequest {
  query: string;
  snapshotIds?: readonly string[] | undefined;
  limit?: number | undefined;
}

/** At most `n` calls of `fn` running at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Loads the trees level by level, each level's trees in a few range reads (repository-pool.ts).
 * Stops when the cache could not hold more: the search then reads what is missing one by one.
 */
async function prefetchLevels(open: OpenRepository, roots: readonly string[]): Promise<void> {
  const seen = new Set(roots);
  let level = [...seen];
  for (let depth = 0; level.length > 0 && depth < maxDepth; depth++) {
    await open.prefetchTrees(level);
    const next: string[] = [];
    for (const id of level) {
      const tree = open.cachedTree(id);
      if (!tree) return;
      for (const node of tree.nodes) {
        if (node.type === 'dir' && node.subtree && !seen.has(node.subtree)) {
          seen.add(node.subtree);
          next.push(node.subtree);
        }
      }
    }
    level = next;
  }
}

export async function findInSnapshots(
  open: OpenRepository,
  request: FindRequest,
): Promise<{ matches: FileMatch[]; truncated: boolean }> {
  const limit = request.limit ?? defaultLimit;
  const needle = request.query.toLocaleLowerCase();
  const ids = request.snapshotIds ?? (await listSnapshots(open)).map((s) => s.id);
  const snapshots: SnapshotWithId[] = await mapLimit(ids, parallelReads, (id) => open.snapshot(id));
  await open.ensureIndex();
  await prefetchLevels(
    open,
    snapshots.map((sn) => sn.tree),
  );
  const read = limiter(parallelReads);
  // Matches per tree id, relative to that tree. A list longer than the limit is cut: only its
  // beginning can ever be shown.
  const memo = new Map<string, Promise<RelativeMatch[]>>();
  const search = (treeId: string, depth: number): Promise<RelativeMatch[]> => {
    let found = memo.get(treeId);
    if (!found) {
      found = (async () => {
        const tree = await read(() => open.tree(treeId));
        const below = tree.nodes.map((node) =>
          node.type === 'dir' && node.subtree && depth < maxDepth
            ? search(node.subtree, depth + 1)
            : undefined,
        );
        // Lists cut short are not awaited to the end: their failures must not go unhandled.
        for (const p of below) p?.catch(() => undefined);
        const out: RelativeMatch[] = [];
        for (let i = 0; i < tree.nodes.length && out.length <= limit; i++) {
          const node = tree.nodes[i]!;
          if (node.name.toLocaleLowerCase().includes(needle)) {
            const { type, size, mtime } = toEntry(node, '');
            out.push({ path: `/${node.name}`, entry: { type, size, mtime } });
          }
          for (const m of (await below[i]) ?? []) {
            if (out.length > limit) break;
            out.push({ path: `/${node.name}${m.path}`, entry: m.entry });
          }
        }
        return out;
      })();
      memo.set(treeId, found);
    }
    return found;
  };
  const perSnapshot = await Promise.all(snapshots.map((sn) => search(sn.tree, 0)));
  const matches: FileMatch[] = [];
  let truncated = false;
  snapshots.forEach((sn, i) => {
    for (const m of perSnapshot[i] ?? []) {
      if (matches.length >= limit) {
        truncated = true;
        return;
      }
      matches.push({ snapshotId: sn.id, time: isoTime(sn.time), path: m.path, ...m.entry });
    }
  });
  return { matches, truncated };
}
