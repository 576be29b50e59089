/**
 * A real 1 MiB tmpfs for the restore tests that need a full disk. Mounting needs root: without it
 * the tests that use the disk skip themselves (`if (!disk.mounted) ctx.skip()`), with a warning.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface TinyDisk {
  /** The mount point (set once the describe block's beforeAll ran). */
  readonly path: string;
  readonly mounted: boolean;
}

/**
 * Mounts the disk at `<parent()>/tiny` before the enclosing describe block's tests and unmounts it
 * after them. `skipped` names what is not tested without it, for the warning.
 */
export function useTinyDisk(parent: () => string, skipped: string): TinyDisk {
  const disk = { path: '', mounted: false };
  beforeAll(async () => {
    disk.path = path.join(parent(), 'tiny');
    await fs.mkdir(disk.path);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk.path], { stdio: 'ignore' });
      disk.mounted = true;
    } catch {
      console.warn(`cannot mount a tmpfs (not root?): ${skipped} skipped`);
    }
  });
  afterAll(() => {
    if (disk.mounted) execFileSync('umount', [disk.path]);
  });
  return disk;
}
