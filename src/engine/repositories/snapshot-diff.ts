/** What changed between two versions: counts of everything, and the first `limit` changes listed. */
import type { SnapshotDiff } from '../../shared/repositories.ts';
import { diffSnapshots as diffTrees } from '../repo/diff.ts';
import type { NodeType } from '../repo/tree.ts';
import type { OpenRepository } from './open-repository.ts';

const defaultLimit = 1000;

const entryType = (t: NodeType): SnapshotDiff['changes'][number]['type'] =>
  t === 'file' || t === 'dir' || t === 'symlink' ? t : 'other';

/** Run inside `open.use()` (the engine's tree walk reads the index). */
export async function diffSnapshots(
  open: OpenRepository,
  from: string,
  to: string,
  limit = defaultLimit,
): Promise<SnapshotDiff> {
  const [a, b] = await Promise.all([open.snapshot(from), open.snapshot(to)]);
  const diff: SnapshotDiff = {
    added: 0,
    removed: 0,
    modified: 0,
    addedBytes: 0,
    removedBytes: 0,
    changes: [],
    truncated: false,
  };
  for await (const e of diffTrees(open.repo, a, b)) {
    diff[e.kind] += 1;
    if (e.kind === 'added') diff.addedBytes += e.sizeAfter ?? 0;
    else if (e.kind === 'removed') diff.removedBytes += e.sizeBefore ?? 0;
    else if (e.contentChanged) {
      const grown = (e.sizeAfter ?? 0) - (e.sizeBefore ?? 0);
      if (grown > 0) diff.addedBytes += grown;
      else diff.removedBytes -= grown;
    }
    if (diff.changes.length < limit) {
      diff.changes.push({
        path: e.path,
        change: e.kind,
        type: entryType(e.type),
        size: (e.kind === 'removed' ? e.sizeBefore : e.sizeAfter) ?? 0,
      });
    } else diff.truncated = true;
  }
  return diff;
}
