/**
 * Refuses a restore that cannot fit, before anything is written (issue #7): running out of space
 * halfway leaves a half restore and a vaguer error.
 *
 * Kept simple on purpose: the bytes to write are the plan's file sizes (plus a small margin for
 * folders and block rounding), compared with the free space of the file system under the target
 * (its nearest existing folder). When restoring over existing files (the original place), each
 * top folder of the plan (`/home`, `/srv`) is measured on its own file system, and a file that is
 * already there counts only for what it grows by, since it is replaced. Mount points deeper down
 * are not looked for. When the system cannot tell the free space, the restore goes ahead.
 */
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import { formatBytes } from '../sources/database-options.ts';
import type { RestorePlan } from './restore-plan.ts';

/** Bytes free for us in the file system holding `dir` (an existing folder), or undefined. */
export type FreeSpace = (dir: string) => Promise<number | undefined>;

export const freeSpaceOf: FreeSpace = async (dir) => {
  try {
    const s = await fs.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
};

/** Folders, metadata and the last block of every file take a little more than the sizes add up to. */
export function withMargin(bytes: number, files: number): number {
  return Math.ceil(bytes * 1.01) + files * 4096 + 64 * 1024;
}

/** How much room a restore needs where it writes, and how much there is (shown before it starts). */
export interface RestoreRoom {
  /** The bytes to write on the tightest file system, margin included (0 when nothing grows). */
  neededBytes: number;
  /** Free there; null when the system cannot tell. */
  freeBytes: number | null;
  enough: boolean;
  /** The files' own bytes there (no margin) and the place they go, as the DISK_FULL message says. */
  contentBytes: number;
  place: string;
}

/**
 * The room on the tightest file system the restore writes to: the first one short of space, or
 * else the one with the least to spare. Nothing is written or thrown.
 */
export async function restoreRoom(
  plan: RestorePlan,
  target: string,
  overwrite: boolean,
  freeSpace: FreeSpace = freeSpaceOf,
): Promise<RestoreRoom> {
  const rooms = await roomPerFileSystem(plan, target, overwrite, freeSpace);
  const tightest = rooms.find((r) => !r.enough) ?? [...rooms].sort(byLeastToSpare)[0];
  if (tightest) return tightest;
  // Nothing to write (or nowhere to measure): still say how much is free where it goes.
  const dir = await nearestExisting(target);
  const free = dir ? await freeSpace(dir.path) : undefined;
  return { neededBytes: 0, freeBytes: free ?? null, enough: true, contentBytes: 0, place: target };
}

export async function ensureRoomForRestore(
  plan: RestorePlan,
  target: string,
  overwrite: boolean,
  freeSpace: FreeSpace = freeSpaceOf,
): Promise<void> {
  const room = await restoreRoom(plan, target, overwrite, freeSpace);
  if (room.enough || room.freeBytes === null) return;
  throw new LifeboatError(
    'DISK_FULL',
    `The restore needs ${formatBytes(room.contentBytes)} but only ${formatBytes(room.freeBytes)} are free on the disk of ${room.place}.`,
    {
      hint: 'Choose a folder on another disk, or free up space there, then try again. Nothing was restored.',
    },
  );
}

/** Known free space first, least to spare first; then the unknown ones, biggest first. */
function byLeastToSpare(a: RestoreRoom, b: RestoreRoom): number {
  if (a.freeBytes === null || b.freeBytes === null) {
    return a.freeBytes === b.freeBytes ? b.neededBytes - a.neededBytes : a.freeBytes === null ? 1 : -1;
  }
  return a.freeBytes - a.neededBytes - (b.freeBytes - b.neededBytes);
}

/** One entry per file system the restore grows something on. */
async function roomPerFileSystem(
  plan: RestorePlan,
  target: string,
  overwrite: boolean,
  freeSpace: FreeSpace,
): Promise<RestoreRoom[]> {
  // Bytes and files per place measured: the target, or each top folder when overwriting.
  const places = new Map<string, { bytes: number; files: number }>();
  const batch = 64;
  for (let i = 0; i < plan.files.length; i += batch) {
    const slice = plan.files.slice(i, i + batch);
    const there = overwrite
      ? await Promise.all(slice.map((item) => existingSize(path.join(target, ...item.segments))))
      : [];
    slice.forEach((item, k) => {
      const place =
        overwrite && item.segments.length > 1 ? path.join(target, item.segments[0] ?? '') : target;
      const sum = places.get(place) ?? { bytes: 0, files: 0 };
      sum.bytes += Math.max(0, (item.node.size ?? 0) - (there[k] ?? 0));
      sum.files += 1;
      places.set(place, sum);
    });
  }
  // Places on one file system share its free space.
  const perDevice = new Map<number, { dir: string; shown: string; bytes: number; files: number }>();
  for (const [place, sum] of places) {
    const dir = await nearestExisting(place);
    if (!dir) continue;
    const st = await fs.stat(dir.path).catch(() => undefined);
    if (!st) continue;
    const d = perDevice.get(st.dev) ?? { dir: dir.path, shown: place, bytes: 0, files: 0 };
    d.bytes += sum.bytes;
    d.files += sum.files;
    perDevice.set(st.dev, d);
  }
  const rooms: RestoreRoom[] = [];
  for (const d of perDevice.values()) {
    if (d.bytes === 0) continue;
    const free = await freeSpace(d.dir);
    const need = withMargin(d.bytes, d.files);
    rooms.push({
      neededBytes: need,
      freeBytes: free ?? null,
      // When the system cannot tell, the restore goes ahead.
      enough: free === undefined || free >= need,
      contentBytes: d.bytes,
      place: d.shown,
    });
  }
  return rooms;
}

async function existingSize(file: string): Promise<number> {
  const st = await fs.lstat(file).catch(() => undefined);
  return st?.isFile() ? st.size : 0;
}

async function nearestExisting(dir: string): Promise<{ path: string } | undefined> {
  let current = path.resolve(dir);
  for (;;) {
    const st = await fs.stat(current).catch(() => undefined);
    if (st?.isDirectory()) return { path: current };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
