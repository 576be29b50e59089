/**
 * Walks the source paths and yields every entry in restic's tree order: names sorted byte-wise
 * (UTF-8) within a directory, depth first, with 'dir-start' / 'dir-end' around a directory's
 * children so the consumer can build trees bottom-up (a tree is complete at its 'dir-end').
 *
 * Like restic, several sources become one virtual tree from the file-system root: backing up
 * /home/ann/crm and /var/db yields home → ann → crm and var → db, where home, ann and var are
 * "partial" directories (their metadata is real, their children are only the ones leading to a
 * source). The root itself is never yielded: its children form the snapshot's root tree.
 *
 * Per-entry problems (no permission, vanished while scanning) go to onError and are never fatal.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { pathComponents, platformPath } from './path-components.ts';
import type { PathApi } from './path-components.ts';
import { LifeboatError } from '../../../shared/errors.ts';
import { compareNames } from '../tree.ts';
import { cancelledError } from '../workers/worker-protocol.ts';
import { ExcludeMatcher } from './exclude-patterns.ts';
import { groupName, userName } from './user-names.ts';

export type EntryType = 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket' | 'irregular';

export interface ScanEntry {
  /** Absolute path. */
  path: string;
  name: string;
  type: EntryType;
  /** POSIX st_mode (type and permission bits); tree.ts goModeFromPosix() converts it for restic. */
  mode: number;
  uid: number;
  gid: number;
  user: string;
  group: string;
  size: number;
  inode: bigint;
  /** Device of the file system holding the entry (restic's `device`, for hard links). */
  dev: bigint;
  /** Device number of a device node (restic's `device_id`). */
  rdev: bigint;
  nlink: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Symlink target, decoded as UTF-8. */
  linkTarget?: string;
  /** The raw bytes when the target is not valid UTF-8 (restic's linktarget_raw). */
  linkTargetRaw?: Buffer;
}

export type ScanEvent =
  | { kind: 'entry'; entry: ScanEntry }
  | { kind: 'dir-start'; entry: ScanEntry; partial: boolean }
  | { kind: 'dir-end'; entry: ScanEntry; partial: boolean; complete: boolean };

export interface ScanIssue {
  path: string;
  /** 'vanished': deleted while scanning; 'denied': no permission; 'error': anything else. */
  reason: 'vanished' | 'denied' | 'error';
  error: LifeboatError;
}

export interface ScanOptions {
  /** restic --exclude patterns (see exclude-patterns.ts). */
  excludes?: readonly string[];
  /** restic --iexclude patterns (case-insensitive). */
  iexcludes?: readonly string[];
  onError?: (issue: ScanIssue) => void;
  signal?: AbortSignal;
  /** Do not descend into other file systems (restic --one-file-system); mount points stay, empty. */
  oneFileSystem?: boolean;
  /** lstat calls in flight per directory; default 32. */
  statConcurrency?: number;
}

interface SourceNode {
  name: string;
  path: string;
  isSource: boolean;
  children: Map<string, SourceNode>;
}

type Stated = { entry: ScanEntry } | { entry: undefined };

interface Frame {
  entry: ScanEntry;
  names: string[];
  next: number;
  /** lstat results of names[next …], started ahead of time. */
  ahead: Promise<Stated>[];
  complete: boolean;
  rootDev: bigint;
}

export async function* scan(sources: readonly string[], opts: ScanOptions = {}): AsyncGenerator<ScanEvent> {
  const matcher = new ExcludeMatcher(opts.excludes, opts.iexcludes);
  const concurrency = opts.statConcurrency ?? 32;
  const report = (path: string, err: unknown) => opts.onError?.(toIssue(path, err));
  const checkCancel = () => {
    if (opts.signal?.aborted) throw cancelledError('Scanning the files');
  };

  const statEntry = async (path: string, name: string): Promise<Stated> => {
    try {
      return { entry: await toEntry(path, name, await lstat(path, { bigint: true })) };
    } catch (err) {
      report(path, err);
      return { entry: undefined };
    }
  };

  const openFrame = async (entry: ScanEntry, rootDev: bigint): Promise<Frame> => {
    const frame: Frame = { entry, names: [], next: 0, ahead: [], complete: true, rootDev };
    try {
      const names = await readdir(entry.path);
      frame.names = sortNames(names).filter((n) => !matcher.excludes(join(entry.path, n)));
    } catch (err) {
      report(entry.path, err);
      frame.complete = false;
    }
    return frame;
  };

  /**
   * Full scan of one source, iteratively (deep trees must not nest async generators). `withRoot`
   * false: only the root's contents (when the source is the file-system root itself).
   */
  async function* walk(root: ScanEntry, withRoot = true): AsyncGenerator<ScanEvent> {
    if (root.type !== 'dir') {
      yield { kind: 'entry', entry: root };
      return;
    }
    if (withRoot) yield { kind: 'dir-start', entry: root, partial: false };
    const stack: Frame[] = [await openFrame(root, root.dev)];
    while (stack.length > 0) {
      checkCancel();
      const top = stack[stack.length - 1]!;
      while (top.ahead.length < concurrency && top.next + top.ahead.length < top.names.length) {
        const name = top.names[top.next + top.ahead.length]!;
        top.ahead.push(statEntry(join(top.entry.path, name), name));
      }
      if (top.next >= top.names.length) {
        stack.pop();
        if (withRoot || stack.length > 0)
          yield { kind: 'dir-end', entry: top.entry, partial: false, complete: top.complete };
        continue;
      }
      top.next++;
      const { entry } = await top.ahead.shift()!;
      if (!entry) continue;
      if (entry.type !== 'dir') {
        yield { kind: 'entry', entry };
        continue;
      }
      yield { kind: 'dir-start', entry, partial: false };
      if (opts.oneFileSystem && entry.dev !== top.rootDev) {
        yield { kind: 'dir-end', entry, partial: false, complete: true };
        continue;
      }
      stack.push(await openFrame(entry, top.rootDev));
    }
  }

  /** The virtual tree above the sources: partial directories down to each source. */
  async function* visit(node: SourceNode): AsyncGenerator<ScanEvent> {
    checkCancel();
    if (matcher.excludes(node.path)) return;
    const { entry } = await statEntry(node.path, node.name);
    if (!entry) return;
    if (node.isSource) {
      yield* walk(entry);
      return;
    }
    if (entry.type !== 'dir') return; // a parent turned into a file: its sources are gone (reported by lstat of them)
    yield { kind: 'dir-start', entry, partial: true };
    for (const child of sortedChildren(node)) yield* visit(child);
    yield { kind: 'dir-end', entry, partial: true, complete: true };
  }

  const root = buildSourceTree(sources);
  if (root.isSource) {
    // backing up the root itself: its children are the top level
    const { entry } = await statEntry(root.path, root.name);
    if (entry) yield* walk(entry, false);
    return;
  }
  for (const child of sortedChildren(root)) yield* visit(child);
}

/**
 * Sources as a tree from the root; a source inside another source is covered by the outer one. On
 * Windows the root's children are the volumes (see path-components.ts).
 */
export function buildSourceTree(sources: readonly string[], p: PathApi = platformPath): SourceNode {
  const root: SourceNode = { name: '', path: p.resolve(p.sep), isSource: false, children: new Map() };
  for (const s of sources) {
    const abs = p.resolve(s);
    const components = pathComponents(abs, p);
    // the root itself (`/`) is the source: its children are the top level
    if (components.length === 0) {
      root.isSource = true;
      root.children.clear();
      continue;
    }
    let node = root;
    for (const { name, path } of components) {
      if (node.isSource) break;
      let child = node.children.get(name);
      if (!child) {
        child = { name, path, isSource: false, children: new Map() };
        node.children.set(name, child);
      }
      node = child;
    }
    node.isSource = true;
    node.children.clear();
  }
  return root;
}

function sortedChildren(node: SourceNode): SourceNode[] {
  const names = sortNames([...node.children.keys()]);
  return names.map((n) => node.children.get(n)!);
}

/** Byte-wise UTF-8 order (Go's); plain JS order is the same unless a name has surrogate pairs. */
function sortNames(names: string[]): string[] {
  if (names.some((n) => /[\uD800-\uDFFF]/.test(n))) return names.sort(compareNames);
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function toEntry(path: string, name: string, st: BigIntStats): Promise<ScanEntry> {
  const uid = Number(st.uid);
  const gid = Number(st.gid);
  const entry: ScanEntry = {
    path,
    name,
    type: typeOf(st),
    mode: Number(st.mode),
    uid,
    gid,
    user: userName(uid),
    group: groupName(gid),
    size: Number(st.size),
    inode: st.ino,
    dev: st.dev,
    rdev: st.rdev,
    nlink: Number(st.nlink),
    atimeNs: st.atimeNs,
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
  };
  if (entry.type === 'symlink') {
    const raw = await readlink(path, { encoding: 'buffer' });
    entry.linkTarget = raw.toString('utf8');
    if (!Buffer.from(entry.linkTarget, 'utf8').equals(raw)) entry.linkTargetRaw = raw;
  }
  return entry;
}

function typeOf(st: BigIntStats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isBlockDevice()) return 'dev';
  if (st.isCharacterDevice()) return 'chardev';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return 'irregular';
}

function toIssue(path: string, err: unknown): ScanIssue {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'vanished'
      : code === 'EACCES' || code === 'EPERM'
        ? 'denied'
        : 'error';
  const message =
    reason === 'vanished'
      ? `${path} disappeared while the backup ran; it was skipped.`
      : reason === 'denied'
        ? `No permission to read ${path}; it was skipped.`
        : `Could not read ${path}; it was skipped.`;
  const error = new LifeboatError('SOURCE_UNREADABLE', message, {
    ...(reason === 'denied' ? { hint: 'Run Lifeboat as a user who can read it, or exclude it.' } : {}),
    details: err instanceof Error ? err.message : String(err),
  });
  return { path, reason, error };
}
