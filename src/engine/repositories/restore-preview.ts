/** What a restore would write, and which existing files it would replace (shown before confirming). */
import { LifeboatError } from '../../shared/errors.ts';
import type { RestorePreview, RestoreRequest } from '../../shared/repositories.ts';
import { buildRestorePlan, parseIncludes, type RestorePlan } from '../repo/restore-plan.ts';
import { freeSpaceOf, restoreRoom, type FreeSpace } from '../repo/restore-space.ts';
import type { SnapshotWithId } from '../repo/snapshot.ts';
import type { OpenRepository } from './open-repository.ts';
import { existingPaths, resolveTarget } from './restore-target.ts';

const overwritesListed = 200;
/** The validated plan of what to restore (UNSAFE_PATH for a hostile tree, NOT_FOUND for a path not there). */
export async function planFor(
  open: OpenRepository,
  sn: SnapshotWithId,
  include: readonly string[],
  signal?: AbortSignal,
): Promise<RestorePlan> {
  const plan = await buildRestorePlan(open.repo, sn.tree, parseIncludes([...include]), signal);
  if (include.length > 0 && plan.files.length + plan.dirs.length + plan.symlinks.length === 0) {
    throw new LifeboatError('NOT_FOUND', 'The chosen files are not in this backup version.', {
      hint: 'Choose the files again from the list of this version.',
    });
  }
  return plan;
}

/** Run inside `open.use()`, like the restore itself (the index must not change under the plan). */
export async function previewRestore(
  open: OpenRepository,
  request: RestoreRequest,
  freeSpace: FreeSpace = freeSpaceOf,
): Promise<RestorePreview> {
  const sn = await open.snapshot(request.snapshotId);
  const target = await resolveTarget(request.target);
  const plan = await planFor(open, sn, request.include);
  const overwrites = target.original
    ? await existingPaths(target.root, [...plan.files, ...plan.symlinks])
    : [];
  // The same measure the restore refuses by, so "enough" here means it will not stop for space.
  const room = await restoreRoom(plan, target.root, target.overwrite, freeSpace);
  return {
    files: plan.files.length,
    bytes: plan.totalBytes,
    targetPath: target.root,
    overwrites: overwrites.slice(0, overwritesListed),
    overwriteCount: overwrites.length,
    neededBytes: room.neededBytes,
    freeBytes: room.freeBytes,
    enoughSpace: room.enough,
  };
}
