/**
 * Which snapshot a drill restores: the one asked for, or one at random ("выбор случайной копии"
 * in the user's checklist). Random rather than always the newest, so old snapshots, whose packs
 * nobody has read for months, get tested too. Drill-report snapshots are never candidates.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { Repository } from '../../repo/repository.ts';
import type { SnapshotFilter, SnapshotWithId } from '../../repo/snapshot.ts';
import { drillReportTag } from '../../../shared/repositories.ts';

/** Tag of the snapshots that hold drill reports (store-report.ts). */
export { drillReportTag };

/** mulberry32: small, fast, and good enough to pick snapshots and samples reproducibly. */
export function createSeededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PickedSnapshot {
  snapshot: SnapshotWithId;
  chosenAtRandom: boolean;
  candidates: number;
}

export async function pickSnapshot(
  repo: Repository,
  opts: { snapshot?: string; filter?: SnapshotFilter; random?: () => number },
): Promise<PickedSnapshot> {
  if (opts.snapshot) {
    const snapshot = await repo.resolveSnapshot(opts.snapshot);
    return { snapshot, chosenAtRandom: false, candidates: 1 };
  }
  const all = await repo.listSnapshots(opts.filter);
  const candidates = all.filter((s) => !(s.tags ?? []).includes(drillReportTag));
  if (candidates.length === 0)
    throw new LifeboatError('NOT_FOUND', 'There is no backup to test yet.', {
      hint: 'Run the backup at least once, then try the restore drill again.',
    });
  const random = opts.random ?? Math.random;
  const index = Math.min(candidates.length - 1, Math.floor(random() * candidates.length));
  return {
    snapshot: candidates[index] as SnapshotWithId,
    chosenAtRandom: true,
    candidates: candidates.length,
  };
}

/** `count` distinct items chosen at random (partial Fisher–Yates), in their original order. */
export function sampleOf<T>(items: readonly T[], count: number, random: () => number): T[] {
  if (count >= items.length) return [...items];
  const idx = items.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}
