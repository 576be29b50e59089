/**
 * The periodic data check: download a slice of the packs and verify every blob in them. Successive
 * checks take successive slices (part 0 of 10, part 1 of 10, …), like restic's
 * --read-data-subset=n/t, so after `of` checks every pack has been read once; a random subset (what
 * check.ts offers) could skip a damaged pack for months.
 */
import type { PackProblem } from '../repo/check-packs.ts';
import { readPacks } from '../repo/check-packs.ts';
import type { Repository } from '../repo/repository.ts';

export interface DataPart {
  part: number;
  of: number;
}

/** The slice after `previous`; a changed percentage starts a new rotation. */
export function nextDataPart(previous: DataPart | null, percent: number): DataPart {
  const of = Math.max(1, Math.round(100 / Math.min(100, Math.max(1, percent))));
  if (!previous || previous.of !== of) return { part: 0, of };
  return { part: (previous.part + 1) % of, of };
}

/** Packs of one slice, chosen by their id (stable while the pack exists). */
export function packsOfPart(packIds: readonly string[], { part, of }: DataPart): string[] {
  return packIds.filter((id) => parseInt(id.slice(0, 4), 16) % of === part);
}

export interface DataCheckResult {
  packs: number;
  bytes: number;
  problems: PackProblem[];
}

export async function readDataSubset(
  repo: Repository,
  part: DataPart,
  options: { signal?: AbortSignal; onPack?: (done: number, total: number) => void } = {},
): Promise<DataCheckResult> {
  await repo.loadIndex();
  const files = new Set((await repo.backend.list('data')).map((f) => f.name));
  const byPack = repo.index.byPack();
  // Packs missing from storage are the structure check's business.
  const chosen = packsOfPart([...byPack.keys()].filter((id) => files.has(id)).sort(), part);
  let done = 0;
  let bytes = 0;
  const problems = await readPacks(
    repo,
    chosen,
    byPack,
    (n) => {
      done++;
      bytes += n;
      options.onPack?.(done, chosen.length);
    },
    options.signal,
  );
  return { packs: chosen.length, bytes, problems };
}
