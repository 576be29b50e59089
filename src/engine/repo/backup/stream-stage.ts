/**
 * Stream sources of a backup (database dumps, SQLite copies): their entries become files under
 * virtual folders at the snapshot's root ('/postgres/crm.sql', '/sqlite/crm.db'), next to the
 * folders the scan saved. Each entry's stream is read once, cut into chunks here and encoded by the
 * workers like a big file (FileSaver.saveStream); dedup happens at chunk level, never by the parent
 * (a dump is always read). One entry at a time: each holds a database snapshot open.
 *
 * A source whose pre-flight, opening or stream fails is left out of the snapshot entirely (its
 * other entries too: a dump's info.json without the dump would claim a backup that is not there),
 * with a warning carrying the source's error. Repository failures and cancels stay fatal.
 */
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../../shared/errors.ts';
import { dateToNs, formatGoTime } from '../go-time.ts';
import { encodeTree, goModeFromPosix } from '../tree.ts';
import type { TreeNode } from '../tree.ts';
import { StreamReadError } from '../workers/file-saver.ts';
import type { FileSaver } from '../workers/file-saver.ts';
import type { BackupStats, BackupWarning } from './backup-types.ts';
import type { ParentWalker } from './parent-tree.ts';
import { countedRead, type ProgressTracker } from './progress.ts';
import type { ChangeCounters } from './summary.ts';
import { groupName, userName } from './user-names.ts';

/** One file a stream source produces (src/engine/sources' SourceEntry has this shape). */
export interface StreamEntry {
  /** Forward-slash path below the snapshot root, e.g. 'postgres/crm.sql'. */
  path: string;
  mode: number;
  mtime: Date;
  size?: number;
  /** Expected size, for progress only. */
  sizeHint?: number;
  open(): Promise<Readable>;
}

export interface StreamSource {
  /** Snapshot path of the source's main entry ('/postgres/crm.sql'): in the snapshot's paths and in messages. */
  path: string;
  /** Pre-flight checks run when iteration starts; each entry is produced only when opened. */
  entries(signal: AbortSignal): AsyncIterable<StreamEntry>;
}

export interface StreamStageDeps {
  saver(): FileSaver;
  saveTree(plaintext: Buffer): Promise<string>;
  parent: ParentWalker;
  counters: ChangeCounters;
  progress: ProgressTracker;
  stats: BackupStats;
  warn(w: BackupWarning): void;
  signal: AbortSignal;
}

export interface StreamStageResult {
  /** Nodes for the snapshot's root tree (the virtual folders). */
  nodes: TreeNode[];
  /** Paths of the sources that were saved completely. */
  saved: string[];
  /** Sources left out, with their errors. */
  failed: { path: string; error: LifeboatError }[];
}

interface VirtualDir {
  dirs: Map<string, VirtualDir>;
  files: TreeNode[];
}

/** The failure of a source (not of the repository): it leaves the source out, not the backup. */
class SourceFailure extends Error {
  readonly error: LifeboatError;
  constructor(error: LifeboatError) {
    super(error.message);
    this.error = error;
  }
}

/** Runs a call into the source; its errors become SourceFailure unless the backup was stopped. */
async function fromSource<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw sourceError(signal, err instanceof StreamReadError ? err.cause : err);
  }
}

function sourceError(signal: AbortSignal, err: unknown): unknown {
  if (signal.aborted) return err;
  if (err instanceof LifeboatError) return err.code === 'CANCELLED' ? err : new SourceFailure(err);
  return new SourceFailure(
    new LifeboatError('DUMP_FAILED', 'The database copy failed.', {
      details: err instanceof Error ? err.message : String(err),
      cause: err,
    }),
  );
}

function splitPath(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new LifeboatError('INTERNAL', `A source produced the invalid entry path "${path}".`);
  }
  return parts;
}

/** The top-level names stream sources occupy, to catch a clash with a backed-up folder early. */
export function streamRootName(source: StreamSource): string {
  return splitPath(source.path)[0]!;
}

const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

/** A node with no file behind it (a dump, its folder): owned by this process's user, one time for all three. */
function madeUpNode(name: string, type: 'file' | 'dir', posixMode: number, mtime: string) {
  return {
    name,
    type,
    mode: goModeFromPosix(posixMode),
    mtime,
    atime: mtime,
    ctime: mtime,
    uid,
    gid,
    user: userName(uid),
    group: groupName(gid),
  };
}

function streamNode(name: string, entry: StreamEntry, size: number, content: string[]): TreeNode {
  return {
    ...madeUpNode(name, 'file', 0o100000 | (entry.mode & 0o777), formatGoTime(dateToNs(entry.mtime))),
    size,
    links: 1,
    content,
  };
}

async function saveEntry(entry: StreamEntry, d: StreamStageDeps): Promise<TreeNode> {
  const parts = splitPath(entry.path);
  const label = `/${parts.join('/')}`;
  d.progress.fileStarted(label);
  d.progress.found(1, entry.size ?? entry.sizeHint ?? 0);
  try {
    const stream = await fromSource(d.signal, () => entry.open());
    const result = await countedRead(d.progress, d.stats, (onProgress) =>
      fromSource(d.signal, () => d.saver().saveStream(label, stream, { signal: d.signal, onProgress })),
    );
    return streamNode(
      parts.at(-1)!,
      entry,
      result.bytesRead,
      result.chunks.map((c) => c.id),
    );
  } finally {
    d.progress.fileDone();
  }
}

/** Saves every entry of one source; on a source failure nothing of it is kept. */
async function saveSource(source: StreamSource, d: StreamStageDeps): Promise<[string[], TreeNode][]> {
  const out: [string[], TreeNode][] = [];
  const iterator = source.entries(d.signal)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await fromSource(d.signal, () => iterator.next());
      if (next.done) break;
      const node = await saveEntry(next.value, d);
      out.push([splitPath(next.value.path).slice(0, -1), node]);
    }
  } finally {
    await iterator.return?.().catch(() => undefined);
  }
  return out;
}

export async function saveStreamSources(
  sources: readonly StreamSource[],
  d: StreamStageDeps,
): Promise<StreamStageResult> {
  const root: VirtualDir = { dirs: new Map(), files: [] };
  const saved: string[] = [];
  const failed: StreamStageResult['failed'] = [];
  for (const source of sources) {
    if (d.signal.aborted) break;
    let files: [string[], TreeNode][];
    try {
      files = await saveSource(source, d);
    } catch (err) {
      if (!(err instanceof SourceFailure)) throw err;
      failed.push({ path: source.path, error: err.error });
      d.warn({
        path: source.path,
        kind: 'unreadable',
        code: err.error.code,
        message: `${err.error.message} It was left out of this snapshot.`,
        ...(err.error.hint ? { hint: err.error.hint } : {}),
        ...(err.error.details ? { details: err.error.details } : {}),
      });
      continue;
    }
    for (const [dirs, node] of files) {
      let dir = root;
      for (const name of dirs) {
        let sub = dir.dirs.get(name);
        if (!sub) dir.dirs.set(name, (sub = { dirs: new Map(), files: [] }));
        dir = sub;
      }
      dir.files.push(node);
    }
    saved.push(source.path);
  }
  const nodes: TreeNode[] = [];
  for (const [name, dir] of root.dirs) nodes.push(await saveDir(name, dir, d));
  for (const file of root.files) {
    d.counters.file(await d.parent.lookup(file.name), file);
    nodes.push(file);
  }
  return { nodes, saved, failed };
}

/** Saves a virtual folder's tree; counts its files and itself against the parent snapshot. */
async function saveDir(name: string, dir: VirtualDir, d: StreamStageDeps): Promise<TreeNode> {
  const prev = await d.parent.lookup(name);
  d.parent.enter(name, prev);
  try {
    const children: TreeNode[] = [];
    for (const [sub, subDir] of dir.dirs) children.push(await saveDir(sub, subDir, d));
    for (const file of dir.files) {
      d.counters.file(await d.parent.lookup(file.name), file);
      children.push(file);
    }
    const mtime =
      children
        .map((c) => c.mtime)
        .sort()
        .at(-1) ?? formatGoTime(dateToNs(new Date()));
    const node: TreeNode = {
      ...madeUpNode(name, 'dir', 0o040000 | 0o700, mtime),
      content: null,
      subtree: await d.saveTree(encodeTree(children)),
    };
    d.counters.dir(prev, node);
    return node;
  } finally {
    d.parent.leave();
  }
}

/** The error to report when every source of a backup failed: the first source's own. */
export function allStreamsFailed(failed: StreamStageResult['failed']): LifeboatError {
  return failed[0]?.error ?? new LifeboatError('SOURCE_UNREADABLE', 'Nothing could be backed up.');
}
