/**
 * Scanner entries → restic tree nodes, with restic's rules (internal/fs/node.go and
 * internal/archiver/archiver.go, default flags):
 * - atime is stored as mtime (restic only keeps atime with --with-atime);
 * - device_id (st_dev) is stored for every node (the "device-id-for-hardlinks" feature is off);
 * - size only for files; links for files, symlinks and devices; device (st_rdev) for devices;
 * - content is [] for an empty file and null for everything that is not a file.
 * Plus restic's change detection (fileChanged) and node equality (Node.Equals), which decide
 * whether a file is re-read and how it is counted in the snapshot summary.
 */
import { parseGoTime, formatGoTime } from '../go-time.ts';
import { goModeFromPosix } from '../tree.ts';
import type { TreeNode } from '../tree.ts';
import type { ScanEntry } from './scanner.ts';

/** JSON integers: plain numbers while exact, bigint beyond 2^53 (64-bit inodes). */
function jsonInt(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function nodeFromEntry(e: ScanEntry): TreeNode {
  const mtime = formatGoTime(e.mtimeNs);
  const node: TreeNode = {
    name: e.name,
    type: e.type,
    mode: goModeFromPosix(e.mode),
    mtime,
    atime: mtime,
    ctime: formatGoTime(e.ctimeNs),
    uid: e.uid,
    gid: e.gid,
    user: e.user,
    group: e.group,
    inode: jsonInt(e.inode),
    device_id: jsonInt(e.dev),
    content: null,
  };
  switch (e.type) {
    case 'file':
      node.size = e.size;
      node.links = e.nlink;
      node.content = [];
      break;
    case 'symlink':
      node.linktarget = e.linkTarget ?? '';
      if (e.linkTargetRaw) node.linktarget_raw = e.linkTargetRaw.toString('base64');
      node.links = e.nlink;
      break;
    case 'dev':
    case 'chardev':
      node.device = jsonInt(e.rdev);
      node.links = e.nlink;
      break;
  }
  return node;
}

/** The stat of the opened file, which restic uses for a file it reads (not the scan's lstat). */
export interface OpenedStat {
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

/** Node of a file that was read: metadata of the opened file, size = bytes actually read. */
export function fileNode(e: ScanEntry, opened: OpenedStat, size: number, content: string[]): TreeNode {
  const node = nodeFromEntry(e);
  const mtime = formatGoTime(opened.mtimeNs);
  node.mtime = mtime;
  node.atime = mtime;
  node.ctime = formatGoTime(opened.ctimeNs);
  node.inode = jsonInt(opened.ino);
  node.device_id = jsonInt(opened.dev);
  node.size = size;
  node.content = content;
  return node;
}

export interface ChangeOptions {
  ignoreCtime?: boolean;
  ignoreInode?: boolean;
}

function timeNs(t: string | undefined): bigint | undefined {
  if (t === undefined) return undefined;
  try {
    return parseGoTime(t);
  } catch {
    return undefined;
  }
}

function int(v: number | bigint | undefined): bigint {
  return BigInt(v ?? 0);
}

/** restic's fileChanged(): true unless size, mtime, ctime and inode all match the parent node. */
export function fileChanged(e: ScanEntry, prev: TreeNode | undefined, opts: ChangeOptions = {}): boolean {
  if (!prev || prev.type !== 'file') return true;
  if (int(prev.size) !== BigInt(e.size)) return true;
  if (timeNs(prev.mtime) !== e.mtimeNs) return true;
  if (!opts.ignoreCtime && timeNs(prev.ctime) !== e.ctimeNs) return true;
  if (!opts.ignoreInode && int(prev.inode) !== e.inode) return true;
  return false;
}

function sameList<T>(a: readonly T[] | null | undefined, b: readonly T[] | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameXattrs(a: TreeNode['extended_attributes'], b: TreeNode['extended_attributes']): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  const values = new Map(x.map((attr) => [attr.name, attr.value]));
  return y.every((attr) => values.get(attr.name) === attr.value);
}

/** restic's Node.Equals: omitted fields equal their zero value, times compare as instants. */
export function nodesEqual(a: TreeNode, b: TreeNode): boolean {
  return (
    a.name === b.name &&
    a.type === b.type &&
    (a.mode ?? 0) === (b.mode ?? 0) &&
    timeNs(a.mtime) === timeNs(b.mtime) &&
    timeNs(a.atime) === timeNs(b.atime) &&
    timeNs(a.ctime) === timeNs(b.ctime) &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    (a.user ?? '') === (b.user ?? '') &&
    (a.group ?? '') === (b.group ?? '') &&
    int(a.inode) === int(b.inode) &&
    int(a.device_id) === int(b.device_id) &&
    (a.size ?? 0) === (b.size ?? 0) &&
    (a.links ?? 0) === (b.links ?? 0) &&
    (a.linktarget ?? '') === (b.linktarget ?? '') &&
    int(a.device) === int(b.device) &&
    sameList(a.content, b.content) &&
    sameXattrs(a.extended_attributes, b.extended_attributes) &&
    JSON.stringify(a.generic_attributes ?? {}) === JSON.stringify(b.generic_attributes ?? {}) &&
    (a.subtree ?? '') === (b.subtree ?? '') &&
    (a.error ?? '') === (b.error ?? '')
  );
}
