/**
 * What the setup wizard learns about a destination before using it: is a repository there already, is
 * it empty, can Lifeboat write there (a test file is written and removed), how much space is free, and
 * whether it sits on the same disk as the data it would protect (a copy on the same disk is no backup).
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import type { RepositoryLocation } from '../../shared/locations.ts';
import type { DestinationCheck } from '../../shared/repositories.ts';
import type { Backend } from '../storage/backend.ts';
import { errnoCode, fsError } from '../storage/fs-errors.ts';
import type { RepositoriesDeps } from './deps.ts';
import { openStorage } from './open-storage.ts';

const repositoryEntries = ['config', 'keys', 'data', 'index', 'snapshots'];

export async function checkDestination(
  deps: RepositoriesDeps,
  location: RepositoryLocation,
  sourcePaths: readonly string[] = [],
): Promise<DestinationCheck> {
  if (location.kind === 'local') return checkLocalFolder(location.path, sourcePaths);
  return checkCloudFolder(await openStorage(deps, location));
}

export async function checkLocalFolder(
  folder: string,
  sourcePaths: readonly string[],
): Promise<DestinationCheck> {
  if (!path.isAbsolute(folder)) {
    throw new LifeboatError('INVALID_ARGUMENT', `The folder "${folder}" must be a full path.`, {
      hint: 'Choose the folder again.',
    });
  }
  const dir = path.resolve(folder);
  let names: string[] | undefined;
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOTDIR') {
      throw new LifeboatError('INVALID_ARGUMENT', `${dir} is a file, not a folder.`, {
        hint: 'Choose a folder.',
      });
    }
    if (code !== 'ENOENT') throw fsError(err, `the folder ${dir}`);
  }
  // A folder that does not exist yet is fine when its parent does: creating the repository makes it.
  const existing = names ? dir : path.dirname(dir);
  if (!names) {
    const parent = await stat(existing).catch(() => undefined);
    if (!parent?.isDirectory()) {
      throw new LifeboatError('NOT_FOUND', `The folder ${existing} does not exist.`, {
        hint: 'Check that the disk or network share is connected, or choose another folder.',
      });
    }
  }
  await proveWritable(existing);
  const space = await statfs(existing).catch(() => undefined);
  return {
    state:
      !names || names.length === 0
        ? 'empty'
        : repositoryEntries.every((n) => names.includes(n))
          ? 'repository'
          : 'other',
    freeBytes: space ? space.bavail * space.bsize : null,
    totalBytes: space ? space.blocks * space.bsize : null,
    sameDiskAs: await onSameDisk(existing, sourcePaths),
  };
}

async function proveWritable(dir: string): Promise<void> {
  const probe = path.join(dir, `.lifeboat-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, 'Lifeboat checks that it may write here; this file is removed at once.\n', {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (err) {
    if (errnoCode(err) === 'EROFS') {
      throw new LifeboatError('PERMISSION_DENIED', `${dir} is on a read-only disk.`, {
        hint: 'Choose a folder on a disk Lifeboat can write to.',
        details: err instanceof Error ? err.message : String(err),
      });
    }
    throw fsError(err, `the folder ${dir}`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** The source paths on the same device as the destination folder (by stat's device number). */
async function onSameDisk(dir: string, sourcePaths: readonly string[]): Promise<string[]> {
  const device = (await stat(dir)).dev;
  const same: string[] = [];
  for (const source of sourcePaths) {
    const dev = await deviceOf(source);
    if (dev !== undefined && dev === device) same.push(source);
  }
  return same;
}

/** The device of a path, or of its nearest existing parent (a source may be typed before it exists). */
async function deviceOf(p: string): Promise<number | undefined> {
  if (!path.isAbsolute(p)) return undefined;
  for (let at = path.resolve(p); ; at = path.dirname(at)) {
    const st = await stat(at).catch(() => undefined);
    if (st) return st.dev;
    if (path.dirname(at) === at) return undefined;
  }
}

/**
 * A cloud folder: what is there, a test file written and removed through the backend (after making the
 * repository's empty folders, which creating the repository would make anyway), the account's quota.
 */
async function checkCloudFolder(backend: Backend): Promise<DestinationCheck> {
  const hasConfig = (await backend.stat('config', 'config')) !== undefined;
  let state: DestinationCheck['state'] = hasConfig ? 'repository' : 'empty';
  if (!hasConfig) {
    for (const type of ['keys', 'snapshots', 'index'] as const) {
      const files = await backend.list(type).catch((err: unknown) => {
        if (err instanceof LifeboatError && (err.code === 'REPO_NOT_FOUND' || err.code === 'NOT_FOUND'))
          return [];
        throw err;
      });
      if (files.length > 0) state = 'other';
    }
    await backend.create?.();
  }
  const probe = randomBytes(32).toString('hex');
  await backend.write('locks', probe, Buffer.from('Lifeboat write test\n'));
  await backend.remove('locks', probe);
  // The quota is a nicety: the test write above already proved the place usable.
  const space = await backend.space?.().catch(() => undefined);
  return { state, freeBytes: space?.free ?? null, totalBytes: space?.total ?? null, sameDiskAs: [] };
}
