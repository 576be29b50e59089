/**
 * The drill's sandbox: a fresh private folder (mode 0700, so other users of the computer cannot
 * read the restored CRM data) that is deleted afterwards whatever happened. Before restoring, the
 * free space is checked, so a drill on a nearly full disk says so instead of filling it.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fsError } from '../../storage/fs-errors.ts';
import { unlockSandbox } from './verify-files.ts';

/** Left free beyond the restored bytes: the system and other programs need room too. */
const reserveBytes = 256 * 1024 * 1024;

export async function createSandbox(parent: string | undefined): Promise<string> {
  const dir = parent ?? tmpdir();
  try {
    await fs.mkdir(dir, { recursive: true });
    const sandbox = await fs.mkdtemp(path.join(dir, 'lifeboat-drill-'));
    await fs.chmod(sandbox, 0o700);
    return sandbox;
  } catch (err) {
    throw fsError(err, `the folder for restore drills (${dir})`);
  }
}

/** Bytes free for us in `dir`, or undefined when the system cannot tell. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await fs.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export async function hasRoomFor(
  dir: string,
  bytes: number,
): Promise<{ ok: boolean; free: number | undefined }> {
  const free = await freeBytes(dir);
  return { ok: free === undefined || free >= bytes + reserveBytes, free };
}

/** Deletes the sandbox; a second try after making read-only folders writable. */
export async function removeSandbox(sandbox: string): Promise<void> {
  try {
    await fs.rm(sandbox, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    await unlockSandbox(sandbox);
    await fs.rm(sandbox, { recursive: true, force: true, maxRetries: 2 });
  }
}
