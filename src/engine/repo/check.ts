/**
 * Repository check, like `restic check [--read-data | --read-data-subset=x%]`: structure (snapshots,
 * index, packs, trees) and optionally the data itself. Returns a structured report; damaged packs
 * are listed with the snapshot paths they affect.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { checkPackHeaders, readPacks, selectPacks } from './check-packs.ts';
import type { PackProblem } from './check-packs.ts';
import { checkTrees, findAffectedPaths } from './check-trees.ts';
import type { AffectedPath } from './check-trees.ts';
import { mapLimit } from './concurrency.ts';
import type { Repository } from './repository.ts';
import type { SnapshotWithId } from './snapshot.ts';

export interface CheckOptions {
  /** Download and verify pack contents: all packs, or a random fraction (0..1) of them. */
  readData?: boolean | { fraction: number };
  /** Read every pack header and compare it with the index (default true). */
  readHeaders?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: {
    phase: 'snapshots' | 'index' | 'packs' | 'trees' | 'data';
    done: number;
    total: number;
  }) => void;
}

export interface CheckIssue {
  kind: 'snapshot' | 'index' | 'pack' | 'tree' | 'blob';
  message: string;
  id?: string;
}

export interface DamagedPack {
  packId: string;
  message: string;
  /** Snapshot files (and folders) that cannot be restored completely because of this pack. */
  affected: AffectedPath[];
}

export interface CheckReport {
  ok: boolean;
  errors: CheckIssue[];
  warnings: CheckIssue[];
  damagedPacks: DamagedPack[];
  counts: {
    snapshots: number;
    packs: number;
    trees: number;
    dataBlobs: number;
    packsRead: number;
    bytesRead: number;
    unusedBlobs: number;
  };
}

export async function checkRepository(repo: Repository, opts: CheckOptions = {}): Promise<CheckReport> {
  const { signal } = opts;
  const errors: CheckIssue[] = [];
  const warnings: CheckIssue[] = [];
  const progress = opts.onProgress ?? (() => undefined);

  // Snapshots first, then the index (restic's read order: a snapshot saved meanwhile has its index).
  const names = (await repo.backend.list('snapshots')).map((f) => f.name);
  const snapshots: SnapshotWithId[] = [];
  await mapLimit(names, 8, async (id) => {
    try {
      snapshots.push(await repo.loadSnapshot(id));
    } catch (err) {
      if (!(err instanceof LifeboatError)) throw err;
      errors.push({ kind: 'snapshot', id, message: `snapshot ${id.slice(0, 8)}: ${err.message}` });
    }
  });
  progress({ phase: 'snapshots', done: names.length, total: names.length });

  try {
    await repo.loadIndex();
  } catch (err) {
    if (!(err instanceof LifeboatError)) throw err;
    errors.push({ kind: 'index', message: `index cannot be loaded: ${err.message}` });
    return report(errors, warnings, [], snapshots.length, 0, 0, 0, 0, 0, 0);
  }
  progress({ phase: 'index', done: 1, total: 1 });

  const files = new Map((await repo.backend.list('data')).map((f) => [f.name, f.size] as const));
  const byPack = repo.index.byPack();
  for (const id of files.keys()) {
    if (!byPack.has(id))
      warnings.push({
        kind: 'pack',
        id,
        message: `pack ${id.slice(0, 8)} is not referenced by any index (left over from an interrupted backup; prune removes it)`,
      });
  }
  const problems: PackProblem[] = await checkPackHeaders(
    repo,
    byPack,
    files,
    opts.readHeaders ?? true,
    signal,
  );
  progress({ phase: 'packs', done: byPack.size, total: byPack.size });

  const trees = await checkTrees(repo, snapshots, signal);
  for (const p of trees.problems) errors.push({ kind: 'tree', id: p.treeId, message: p.message });
  progress({ phase: 'trees', done: trees.trees, total: trees.trees });

  let unused = 0;
  let dataBlobs = 0;
  for (const e of repo.index.entries()) {
    if (e.type === 'data') dataBlobs++;
    const used = e.type === 'data' ? trees.referencedData.has(e.id) : trees.referencedTrees.has(e.id);
    if (!used) unused++;
  }
  if (unused > 0)
    warnings.push({
      kind: 'blob',
      message: `${unused} blobs are not used by any snapshot (prune can remove them)`,
    });

  let packsRead = 0;
  let bytesRead = 0;
  if (opts.readData) {
    const candidates = [...byPack.keys()].filter(
      (id) => files.has(id) && !problems.some((p) => p.packId === id),
    );
    const chosen = opts.readData === true ? candidates : selectPacks(candidates, opts.readData.fraction);
    const read = await readPacks(
      repo,
      chosen,
      byPack,
      (bytes) => {
        packsRead++;
        bytesRead += bytes;
        progress({ phase: 'data', done: packsRead, total: chosen.length });
      },
      signal,
    );
    problems.push(...read);
  }

  const damagedPacks: DamagedPack[] = [];
  for (const p of problems) {
    errors.push({ kind: 'pack', id: p.packId, message: p.message });
    const data = new Set(p.badBlobs.filter((b) => b.type === 'data').map((b) => b.id));
    const treeIds = new Set(p.badBlobs.filter((b) => b.type === 'tree').map((b) => b.id));
    const affected = p.badBlobs.length === 0 ? [] : await findAffectedPaths(repo, snapshots, data, treeIds);
    damagedPacks.push({ packId: p.packId, message: p.message, affected });
  }

  return report(
    errors,
    warnings,
    damagedPacks,
    snapshots.length,
    byPack.size,
    trees.trees,
    dataBlobs,
    packsRead,
    bytesRead,
    unused,
  );
}

function report(
  errors: CheckIssue[],
  warnings: CheckIssue[],
  damagedPacks: DamagedPack[],
  snapshots: number,
  packs: number,
  trees: number,
  dataBlobs: number,
  packsRead: number,
  bytesRead: number,
  unusedBlobs: number,
): CheckReport {
  return {
    ok: errors.length === 0,
    errors,
    warnings,
    damagedPacks,
    counts: { snapshots, packs, trees, dataBlobs, packsRead, bytesRead, unusedBlobs },
  };
}
