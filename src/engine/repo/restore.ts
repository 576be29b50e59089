/**
 * Restores a snapshot (or chosen paths) into a target folder.
 *
 * Safety: the plan is validated before anything is written (restore-plan.ts); every parent folder
 * is checked with lstat and must be a real folder, never a symlink; files are written with
 * O_NOFOLLOW|O_EXCL to a temporary name and renamed into place; symlinks are created last, so
 * nothing is ever written through one. Result: nothing lands outside the target. Every blob is
 * verified against its id before it is written (restore-job.ts). A restore that cannot fit on the
 * target's disk is refused with DISK_FULL before anything is written (restore-space.ts).
 *
 * File content is restored pack by pack, decoding in worker threads (restore-files.ts).
 */
import * as fs from 'node:fs/promises';
import { LifeboatError } from '../../shared/errors.ts';
import { fsError } from '../storage/fs-errors.ts';
import type { IndexEntry } from './master-index.ts';
import type { Repository } from './repository.ts';
import { restoreFiles } from './restore-files.ts';
import { buildRestorePlan, displayPath, parseIncludes } from './restore-plan.ts';
import type { PlanItem } from './restore-plan.ts';
import type { SnapshotWithId } from './snapshot.ts';
import { SafeWriter } from './safe-writer.ts';
import { ensureRoomForRestore, type FreeSpace } from './restore-space.ts';

export interface RestoreProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentPath?: string;
}

/** Only root can give files to other users (POSIX); elsewhere owners are left as they come. */
const runningAsRoot = (): boolean => process.geteuid?.() === 0;

export interface RestoreOptions {
  target: string;
  /** Snapshot paths to restore ("/home/user/file"); everything when omitted. */
  include?: string[];
  /** Replace existing files and symlinks (folders are merged, never deleted). */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: RestoreProgress) => void;
  /** Pack ranges read, decoded and written in parallel (default 4). */
  parallel?: number;
  /** Decoding threads; default one per core (at most 4) for large restores, 0 (in process) for small ones. */
  workers?: number;
  /** How free space is measured before writing (restore-space.ts); tests inject their own. */
  freeSpace?: FreeSpace;
  /** Give entries their owner and group from the snapshot (default: when running as root, like restic). */
  owners?: boolean;
}

export interface RestoreIssue {
  path: string;
  code: string;
  message: string;
}

export interface RestoreResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  /** Entries not restored on purpose (devices, fifos, sockets). */
  skipped: RestoreIssue[];
  /** Entries that failed (damaged data, existing files); the rest was restored. */
  errors: RestoreIssue[];
}

function issue(item: PlanItem, err: unknown): RestoreIssue {
  const code = err instanceof LifeboatError ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return { path: displayPath(item.segments), code, message };
}

function isFatal(err: unknown): boolean {
  return (
    err instanceof LifeboatError &&
    ['DISK_FULL', 'CANCELLED', 'UNSAFE_PATH', 'PERMISSION_DENIED'].includes(err.code)
  );
}

export async function restoreSnapshot(
  repo: Repository,
  snapshot: string | SnapshotWithId,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  const signal = opts.signal;
  try {
    return await runRestore(repo, snapshot, opts);
  } catch (err) {
    if (signal?.aborted && !(err instanceof LifeboatError && err.code !== 'CANCELLED')) {
      throw new LifeboatError('CANCELLED', 'The restore was cancelled.');
    }
    throw err;
  }
}

async function runRestore(
  repo: Repository,
  snapshot: string | SnapshotWithId,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  await repo.ensureIndex();
  const sn = typeof snapshot === 'string' ? await repo.resolveSnapshot(snapshot) : snapshot;
  const plan = await buildRestorePlan(repo, sn.tree, parseIncludes(opts.include), opts.signal);

  // Resolve every file's blobs before writing anything, so damage to the index shows up early.
  const blobs = new Map<PlanItem, IndexEntry[]>();
  const missing: RestoreIssue[] = [];
  for (const item of plan.files) {
    const entries: IndexEntry[] = [];
    for (const id of item.node.content ?? []) {
      const e = repo.index.lookup('data', id);
      if (e) entries.push(e);
      else
        missing.push(
          issue(
            item,
            new LifeboatError('REPO_CORRUPT', `Data blob ${id.slice(0, 8)} is missing from the repository.`),
          ),
        );
    }
    blobs.set(item, entries);
  }

  await ensureRoomForRestore(plan, opts.target, opts.overwrite ?? false, opts.freeSpace);
  try {
    await fs.mkdir(opts.target, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw fsError(err, `the restore folder ${opts.target}`);
  }
  const root = await fs.realpath(opts.target);
  const w = new SafeWriter(root, opts.overwrite ?? false, opts.owners ?? runningAsRoot());
  const result: RestoreResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0, skipped: [], errors: [] };
  const failedPaths = new Set(missing.map((m) => m.path));
  result.errors.push(...missing);
  for (const item of plan.skipped)
    result.skipped.push({
      path: displayPath(item.segments),
      code: 'UNSUPPORTED',
      message: `${item.node.type} entries are not restored`,
    });

  for (const item of plan.dirs) {
    await w.ensureDir(item.segments);
    result.dirs++;
  }

  const progress: RestoreProgress = {
    filesDone: 0,
    filesTotal: plan.files.length,
    bytesDone: 0,
    bytesTotal: plan.totalBytes,
  };
  const report = (currentPath?: string): void =>
    opts.onProgress?.({ ...progress, ...(currentPath ? { currentPath } : {}) });
  // Files sharing an inode in the backup (hard links) are written once and linked afterwards.
  const queue: PlanItem[] = [];
  const links: Array<{ item: PlanItem; first: PlanItem }> = [];
  const firstOfInode = new Map<string, PlanItem>();
  for (const f of plan.files) {
    if (failedPaths.has(displayPath(f.segments))) continue;
    const k = hardlinkKey(f);
    const first = k === undefined ? undefined : firstOfInode.get(k);
    if (first) links.push({ item: f, first });
    else {
      if (k !== undefined) firstOfInode.set(k, f);
      queue.push(f);
    }
  }
  const written = new Set<PlanItem>();
  const fatal = (err: unknown): boolean => isFatal(err) || Boolean(opts.signal?.aborted);
  const restore = (items: PlanItem[]): Promise<void> =>
    restoreFiles(
      repo,
      w,
      items.map((item) => ({ item, entries: blobs.get(item) ?? [] })),
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.parallel ? { parallel: opts.parallel } : {}),
        ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
        isFatal: fatal,
        onBytes: (item, n) => {
          progress.bytesDone += n;
          report(displayPath(item.segments));
        },
        onFileDone: (item, err) => {
          if (err === undefined) {
            written.add(item);
            result.files++;
            result.bytes += item.node.size ?? 0;
          } else {
            result.errors.push(issue(item, err));
          }
          progress.filesDone++;
          report();
        },
      },
    );
  await restore(queue);
  // A hard link whose first copy failed is written on its own.
  await restore(links.filter((l) => !written.has(l.first)).map((l) => l.item));
  for (const { item, first } of links) {
    if (!written.has(first)) continue;
    opts.signal?.throwIfAborted();
    try {
      await w.writeHardlink(item, first);
      result.files++;
      result.bytes += item.node.size ?? 0;
      progress.bytesDone += item.node.size ?? 0;
    } catch (err) {
      if (isFatal(err)) throw err;
      result.errors.push(issue(item, err));
    }
    progress.filesDone++;
    report();
  }

  for (const item of plan.symlinks) {
    opts.signal?.throwIfAborted();
    try {
      await w.writeSymlink(item);
      result.symlinks++;
    } catch (err) {
      if (isFatal(err)) throw err;
      result.errors.push(issue(item, err));
    }
  }

  // Folder metadata last and deepest first: writing children changes a folder's mtime, and a
  // read-only folder must stay writable until its children are in.
  for (const item of [...plan.dirs].reverse()) {
    await w.setDirMeta(item).catch((err: unknown) => result.errors.push(issue(item, err)));
  }
  return result;
}

function hardlinkKey(item: PlanItem): string | undefined {
  const n = item.node;
  if (!n.links || n.links < 2 || n.inode === undefined) return undefined;
  return `${String(n.device_id ?? 0)}:${String(n.inode)}`;
}
