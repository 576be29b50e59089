/**
 * The source paths of a backup: absolute, deduplicated and sorted (the snapshot's `paths` and the
 * key for finding its parent), minus the ones that do not exist, which restic skips with a warning.
 */
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LifeboatError } from '../../../shared/errors.ts';
import type { BackupWarning } from './backup-types.ts';

/** Absolute, deduplicated, sorted: the snapshot's `paths` and the key for finding the parent. */
export function normalizePaths(paths: readonly string[], streams = false): string[] {
  if (paths.length === 0 && !streams)
    throw new LifeboatError('INVALID_ARGUMENT', 'Choose at least one file or folder to back up.');
  return [...new Set(paths.map((p) => resolve(p)))].sort();
}

/**
 * Like restic, a source that does not exist is skipped with a warning (and left out of the
 * snapshot's paths); if none exists there is nothing to back up.
 */
export async function existingSources(
  paths: string[],
  warn: (w: BackupWarning) => void,
  streams = false,
): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    try {
      await lstat(p);
      out.push(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const missing = code === 'ENOENT' || code === 'ENOTDIR';
      warn({
        path: p,
        kind: missing ? 'vanished' : 'unreadable',
        message: missing ? `${p} does not exist; it was skipped.` : `${p} cannot be read; it was skipped.`,
        details: err instanceof Error ? err.message : String(err),
      });
    }
  }
  if (out.length === 0 && !streams) {
    throw new LifeboatError(
      'SOURCE_UNREADABLE',
      'Nothing to back up: none of the chosen paths can be read.',
      {
        hint: 'Check that the files and folders exist and that Lifeboat may read them.',
      },
    );
  }
  return out;
}
