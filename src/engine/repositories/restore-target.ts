/**
 * Where a restore writes. A folder must be new or empty: restoring into a folder with files in it
 * would mix versions, and refusing is simpler to explain than a merge (choose another folder, or
 * empty this one). The original place (`/`, the snapshot's absolute paths) overwrites what is there,
 * which the user confirmed after seeing the list `existingPaths` makes.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import type { RestoreTarget } from '../../shared/repositories.ts';
import type { PlanItem } from '../repo/restore-plan.ts';
import { errnoCode, fsError } from '../storage/fs-errors.ts';

export interface ResolvedTarget {
  /** The folder the snapshot's paths are written under. */
  root: string;
  overwrite: boolean;
  original: boolean;
}

export async function resolveTarget(target: RestoreTarget): Promise<ResolvedTarget> {
  if (target.kind === 'original') {
    if (process.platform === 'win32') {
      throw new LifeboatError(
        'UNSUPPORTED',
        'Restoring to the original place is not available on Windows yet.',
        {
          hint: 'Restore into a new folder and move the files from there.',
        },
      );
    }
    return { root: path.parse(process.cwd()).root, overwrite: true, original: true };
  }
  if (!path.isAbsolute(target.path)) {
    throw new LifeboatError('INVALID_ARGUMENT', `The folder "${target.path}" must be a full path.`, {
      hint: 'Choose the folder again.',
    });
  }
  const root = path.resolve(target.path);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { root, overwrite: false, original: false };
    if (errnoCode(err) === 'ENOTDIR') {
      throw new LifeboatError('INVALID_ARGUMENT', `${root} is a file, not a folder.`, {
        hint: 'Choose a folder.',
      });
    }
    throw fsError(err, `the folder ${root}`);
  }
  if (names.length > 0) {
    throw new LifeboatError('TARGET_NOT_EMPTY', `The folder ${root} is not empty.`, {
      hint: 'Choose a new or empty folder, so restored files do not mix with others.',
    });
  }
  return { root, overwrite: false, original: false };
}

export function localPath(root: string, item: PlanItem): string {
  return path.join(root, ...item.segments);
}

/** Plan entries that exist at the target already (what restoring to the original place replaces). */
export async function existingPaths(root: string, items: readonly PlanItem[]): Promise<string[]> {
  const found: string[] = [];
  const batch = 64;
  for (let i = 0; i < items.length; i += batch) {
    const slice = items.slice(i, i + batch);
    const hits = await Promise.all(
      slice.map((item) =>
        lstat(localPath(root, item)).then(
          () => true,
          () => false,
        ),
      ),
    );
    slice.forEach((item, k) => hits[k] && found.push(localPath(root, item)));
  }
  return found;
}
