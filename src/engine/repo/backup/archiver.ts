/**
 * backup(): source paths → a restic snapshot. Under a non-exclusive lock: load the index, choose
 * the parent, scan and save (backup-walk.ts) while a pre-scan counts the totals, then
 * packs → index (repo.flush) → snapshot, the crash-safe order: a snapshot only ever names blobs
 * that are indexed. On cancel or error no snapshot is written, but what was packed so far is
 * flushed and indexed, so the next backup does not upload it again.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import { LifeboatError } from '../../../shared/errors.ts';
import { appVersion } from '../../version.ts';
import { dateToNs, formatGoTime, nowNs } from '../go-time.ts';
import { lockRepository } from '../lock.ts';
import type { RepoLock } from '../lock.ts';
import type { Repository } from '../repository.ts';
import type { Snapshot } from '../snapshot.ts';
import { FileSaver } from '../workers/file-saver.ts';
import type { BackupOptions, BackupResult, BackupStats, BackupWarning } from './backup-types.ts';
import { existingSources, normalizePaths } from './backup-paths.ts';
import { walkSources } from './backup-walk.ts';
import { BlobSink } from './blob-sink.ts';
import { FileStage } from './file-stage.ts';
import { findParentSnapshot, ParentWalker } from './parent-tree.ts';
import { preScan, ProgressTracker } from './progress.ts';
import { allStreamsFailed, saveStreamSources, streamRootName } from './stream-stage.ts';
import type { StreamSource } from './stream-stage.ts';
import { buildSummary, ChangeCounters } from './summary.ts';
import { TreeBuilder } from './tree-builder.ts';
import { pathComponents } from './path-components.ts';

export type {
  BackupOptions,
  BackupProgress,
  BackupResult,
  BackupStats,
  BackupWarning,
} from './backup-types.ts';
export type { StreamEntry, StreamSource } from './stream-stage.ts';

/** Files read at once; small files (batched to the workers) have their own, larger allowance. */
const maxFilesInFlight = 32;
const maxSmallFilesInFlight = 256;

export async function backup(repo: Repository, options: BackupOptions): Promise<BackupResult> {
  const paths = normalizePaths(options.paths, (options.streams?.length ?? 0) > 0);
  const startNs = nowNs();
  const started = performance.now();
  const userSignal = options.signal;
  if (userSignal?.aborted) throw cancelled();
  // the lock's 200 ms re-check for rivals runs alongside the backup; the snapshot waits for it
  const lock = options.dryRun
    ? undefined
    : await lockRepository(repo, { exclusive: false, confirmLater: true });
  try {
    return await run(repo, options, paths, startNs, started, lock);
  } catch (err) {
    if (userSignal?.aborted && !(err instanceof LifeboatError && err.code !== 'CANCELLED')) throw cancelled();
    if (err instanceof LifeboatError) throw err;
    throw new LifeboatError('INTERNAL', 'The backup failed.', {
      details: err instanceof Error ? err.message : String(err),
      cause: err,
    });
  } finally {
    await lock?.release().catch(() => undefined);
  }
}

async function run(
  repo: Repository,
  options: BackupOptions,
  requested: string[],
  startNs: bigint,
  started: number,
  lock: RepoLock | undefined,
): Promise<BackupResult> {
  const hostname = options.hostname ?? osHostname();
  const warnings: BackupWarning[] = [];
  const warn = (w: BackupWarning): void => {
    warnings.push(w);
    try {
      options.onWarning?.(w);
    } catch {
      // a failing listener must not break the backup
    }
  };
  const streams = options.streams ?? [];
  const paths = requested.length ? await existingSources(requested, warn, streams.length > 0) : [];
  checkNoClash(paths, streams);
  const stats: BackupStats = {
    filesRead: 0,
    bytesRead: 0,
    filesReused: 0,
    filesReread: 0,
    dataBlobs: 0,
    treeBlobs: 0,
    packsWritten: 0,
    durationMs: 0,
  };

  // One controller stops everything: the user's cancel, or a fatal error in any file.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let fatal: unknown;
  lock?.confirmed.catch((err: unknown) => {
    fatal ??= err;
    stop.abort();
  });
  const progress = new ProgressTracker(options.onProgress);
  progress.start();
  const preScanStop = new AbortController();
  const scanOpts = {
    ...(options.excludes ? { excludes: options.excludes } : {}),
    ...(options.iexcludes ? { iexcludes: options.iexcludes } : {}),
    ...(options.oneFileSystem ? { oneFileSystem: true } : {}),
  };
  const counting = paths.length
    ? preScan(paths, { ...scanOpts, signal: AbortSignal.any([stop.signal, preScanStop.signal]) }, progress)
    : Promise.resolve(progress.totalsDone());

  const packsBefore = repo.stats.packsWritten;
  const sink = new BlobSink(repo, { dryRun: options.dryRun ?? false });
  let saver: FileSaver | undefined;
  let files: FileStage | undefined;
  try {
    await repo.ensureIndex();
    const parentSn = await findParentSnapshot(repo, {
      ...(options.parent !== undefined ? { parent: options.parent } : {}),
      force: options.force ?? false,
      hostname,
      paths: [...paths, ...streams.map((s) => s.path)].sort(),
    });
    const newSaver = () =>
      new FileSaver({
        key: repo.key,
        isKnown: (id) => sink.hasData(id),
        saveBlob: (blob) => sink.saveData(blob),
        ...(options.workers ? { workers: options.workers } : {}),
        task: { compress: repo.compression },
      });
    const counters = new ChangeCounters();
    files = new FileStage({
      saver: () => (saver ??= newSaver()),
      sink,
      counters,
      progress,
      stats,
      warn,
      signal: stop.signal,
      force: options.force ?? false,
      ignoreCtime: options.ignoreCtime ?? false,
      ignoreInode: options.ignoreInode ?? false,
      maxInFlight: maxFilesInFlight,
      maxSmallInFlight: maxSmallFilesInFlight,
      onFatal: (err) => {
        fatal ??= err;
        stop.abort();
      },
    });
    const trees = new TreeBuilder({
      saveTree: (buf) => sink.saveTree(buf),
      onDir: (prev, node) => counters.dir(prev, node),
    });
    const parent = new ParentWalker(repo, parentSn?.tree, warn);
    if (paths.length) {
      await walkSources(
        paths,
        { ...scanOpts, signal: stop.signal },
        { parent, files, trees, warn, fatal: () => fatal },
      );
    }
    let savedStreams: string[] = [];
    if (streams.length) {
      // no chunk a stream needs may still be claimed by a file that could fail (a stream is read once)
      await files.idle();
      if (fatal !== undefined) throw fatal;
      const done = await saveStreamSources(streams, {
        saver: () => (saver ??= newSaver()),
        saveTree: (buf) => sink.saveTree(buf),
        parent,
        counters,
        progress,
        stats,
        warn,
        signal: stop.signal,
      });
      for (const node of done.nodes) trees.add(node);
      savedStreams = done.saved;
      if (paths.length === 0 && done.saved.length === 0) throw allStreamsFailed(done.failed);
    }
    const root = await trees.finish();
    if (root.nodes === 0) {
      throw new LifeboatError(
        'SOURCE_UNREADABLE',
        'Nothing could be backed up: none of the paths could be read.',
        {
          hint: 'Check that the folders exist and that Lifeboat may read them.',
        },
      );
    }
    if (stop.signal.aborted) throw fatal ?? cancelled();

    progress.setPhase('finishing');
    preScanStop.abort();
    await saver?.close();
    await sink.close();
    if (!options.dryRun) {
      await repo.flush();
      if (lock) await ensureLockHeld(lock);
    }
    if (stop.signal.aborted) throw fatal ?? cancelled(); // honoured until the snapshot exists
    const endNs = nowNs();
    const summary = buildSummary(counters, sink.counts, startNs, endNs);
    const snapshotPaths = [...paths, ...savedStreams].sort();
    const snapshot = makeSnapshot(options, snapshotPaths, hostname, root.treeId, parentSn?.id, startNs);
    snapshot.summary = summary;
    const snapshotId = options.dryRun ? null : await repo.saveSnapshot(snapshot);
    Object.assign(stats, {
      dataBlobs: sink.counts.dataBlobs,
      treeBlobs: sink.counts.treeBlobs,
      packsWritten: repo.stats.packsWritten - packsBefore,
      durationMs: Math.round(performance.now() - started),
    });
    const partial = warnings.some((w) => w.kind === 'unreadable' || w.kind === 'vanished');
    return { snapshotId, snapshot, summary, warnings, partial, stats };
  } catch (err) {
    stop.abort();
    // Let every file settle and the workers stop, then index what reached the packer.
    await files?.idle();
    await saver?.close();
    await sink.close();
    if (!options.dryRun) await repo.flush().catch(() => undefined);
    throw fatal ?? err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    preScanStop.abort();
    await counting;
    progress.stop();
  }
}

/** A stream source's folder ('/postgres') must not collide with a backed-up folder's first name, nor two sources with each other. */
function checkNoClash(paths: readonly string[], streams: readonly StreamSource[]): void {
  const taken = new Set(paths.map((p) => pathComponents(p)[0]?.name ?? ''));
  const seen = new Set<string>();
  for (const s of streams) {
    if (seen.has(s.path)) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        `Two databases would be stored as ${s.path} in the snapshot.`,
        {
          hint: 'Back up databases of the same name on different servers with separate jobs.',
        },
      );
    }
    seen.add(s.path);
    const name = streamRootName(s);
    if (taken.has(name)) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        `The folder /${name} cannot be backed up together with a database: database copies are stored under /${name} in the snapshot.`,
        { hint: 'Back up this folder with a separate job.' },
      );
    }
  }
}

function cancelled(): LifeboatError {
  return new LifeboatError('CANCELLED', 'The backup was cancelled. No snapshot was written.', {
    hint: 'Data uploaded so far is kept and reused by the next backup.',
  });
}

function makeSnapshot(
  options: BackupOptions,
  paths: string[],
  hostname: string,
  tree: string,
  parent: string | undefined,
  startNs: bigint,
): Snapshot {
  let user = { username: '', uid: 0, gid: 0 };
  try {
    const u = userInfo();
    user = { username: u.username, uid: Math.max(u.uid, 0), gid: Math.max(u.gid, 0) };
  } catch {
    // no passwd entry: restic leaves the user out too
  }
  const tags = [...new Set((options.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''))];
  return {
    time: formatGoTime(options.time ? dateToNs(options.time) : startNs),
    ...(parent ? { parent } : {}),
    tree,
    paths,
    hostname,
    username: user.username,
    uid: user.uid,
    gid: user.gid,
    ...(options.excludes?.length ? { excludes: [...options.excludes] } : {}),
    ...(tags.length ? { tags } : {}),
    program_version: `lifeboat ${appVersion}`,
  };
}

/**
 * A lock that vanished (removed as stale by another client, e.g. after the computer slept through
 * the refreshes) may mean a prune ran meanwhile: writing the snapshot could then reference deleted
 * data. restic refuses in that case, so do we. First, the lock's re-check for rivals must have passed.
 */
async function ensureLockHeld(lock: RepoLock): Promise<void> {
  await lock.confirmed;
  const exists = async (id: string) =>
    (await lock.repo.backend.stat('locks', id).catch((err: unknown) => {
      if (err instanceof LifeboatError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    })) !== undefined;
  const id = lock.id;
  // a refresh running right now replaces the file: look again under the new name
  if ((await exists(id)) || (lock.id !== id && (await exists(lock.id)))) return;
  throw new LifeboatError(
    'REPO_LOCKED',
    'The backup lost its repository lock; the snapshot was not written.',
    {
      hint: 'Another program removed the lock, probably as stale. Run the backup again.',
    },
  );
}
