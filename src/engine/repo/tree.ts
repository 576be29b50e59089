/**
 * Tree blobs: `{"nodes":[…]}\n`, nodes sorted by name (byte order), each node's JSON field order
 * and omissions exactly as restic's Node struct (internal/data/node.go). Names are stored
 * strconv.Quote'd, see go-quote.ts.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { goJson, parseJson } from './go-json.ts';
import { goQuoteInner, goUnquoteInner } from './go-quote.ts';

export type NodeType = 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket' | 'irregular';

export interface ExtendedAttribute {
  name: string;
  /** base64, as Go encodes []byte */
  value: string;
}

/** One entry of a tree. Times are RFC3339Nano strings (see go-time.ts); mode is a Go os.FileMode. */
export interface TreeNode {
  name: string;
  type: NodeType;
  mode?: number;
  mtime: string;
  atime: string;
  ctime: string;
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  inode?: number | bigint;
  device_id?: number | bigint;
  size?: number;
  links?: number;
  linktarget?: string;
  /** base64 of a link target that is not valid UTF-8 (restic ≥ 0.16) */
  linktarget_raw?: string;
  extended_attributes?: ExtendedAttribute[];
  generic_attributes?: Record<string, unknown>;
  device?: number | bigint;
  /** Data blob ids for files ([] for an empty file), null for everything else. */
  content: string[] | null;
  subtree?: string;
  error?: string;
}

export interface Tree {
  nodes: TreeNode[];
}

/** Go's zero time, which restic writes for unknown timestamps. */
export const goZeroTime = '0001-01-01T00:00:00Z';

// Go os.FileMode bits
export const modeDir = 0x80000000;
export const modeSymlink = 0x08000000;
export const modeDevice = 0x04000000;
export const modeNamedPipe = 0x02000000;
export const modeSocket = 0x01000000;
export const modeSetuid = 0x00800000;
export const modeSetgid = 0x00400000;
export const modeCharDevice = 0x00200000;
export const modeSticky = 0x00100000;

/** Converts a POSIX st_mode to the Go os.FileMode restic stores (masked like restic does). */
export function goModeFromPosix(stMode: number): number {
  let mode = stMode & 0o777;
  switch (stMode & 0o170000) {
    case 0o040000:
      mode |= modeDir;
      break;
    case 0o120000:
      mode |= modeSymlink;
      break;
    case 0o060000:
      mode |= modeDevice;
      break;
    case 0o020000:
      mode |= modeDevice | modeCharDevice;
      break;
    case 0o010000:
      mode |= modeNamedPipe;
      break;
    case 0o140000:
      mode |= modeSocket;
      break;
  }
  if (stMode & 0o4000) mode |= modeSetuid;
  if (stMode & 0o2000) mode |= modeSetgid;
  if (stMode & 0o1000) mode |= modeSticky;
  return mode >>> 0;
}

/** Permission bits (incl. setuid/setgid/sticky) of a Go os.FileMode, as a POSIX mode. */
export function posixPermFromGoMode(goMode: number): number {
  let perm = goMode & 0o777;
  if (goMode & modeSetuid) perm |= 0o4000;
  if (goMode & modeSetgid) perm |= 0o2000;
  if (goMode & modeSticky) perm |= 0o1000;
  return perm;
}

/** Go compares strings byte-wise (UTF-8); JS compares UTF-16 units, which differs above U+FFFF. */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Reorders UTF-16 units so surrogates (code points above U+FFFF) sort after U+E000..U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function nonEmpty<T>(v: T | undefined | null | '' | 0): T | undefined {
  return v === '' || v === 0 || v === null || (typeof v === 'bigint' && v === 0n)
    ? undefined
    : (v ?? undefined);
}

/** A node's JSON in restic's field order, with `omitempty` fields dropped when empty. */
export function encodeNode(node: TreeNode): string {
  return goJson({
    name: goQuoteInner(node.name),
    type: node.type,
    mode: nonEmpty(node.mode),
    mtime: node.mtime,
    atime: node.atime,
    ctime: node.ctime,
    uid: node.uid,
    gid: node.gid,
    user: nonEmpty(node.user),
    group: nonEmpty(node.group),
    inode: nonEmpty(node.inode),
    device_id: nonEmpty(node.device_id),
    size: nonEmpty(node.size),
    links: nonEmpty(node.links),
    linktarget: nonEmpty(node.linktarget),
    linktarget_raw: nonEmpty(node.linktarget_raw),
    extended_attributes:
      node.extended_attributes && node.extended_attributes.length > 0 ? node.extended_attributes : undefined,
    generic_attributes:
      node.generic_attributes && Object.keys(node.generic_attributes).length > 0
        ? node.generic_attributes
        : undefined,
    device: nonEmpty(node.device),
    content: node.content,
    subtree: nonEmpty(node.subtree),
    error: nonEmpty(node.error),
  });
}

/** Sorts the nodes, rejects duplicates, and returns the tree blob's plaintext. */
export function encodeTree(nodes: readonly TreeNode[]): Buffer {
  const sorted = [...nodes].sort((a, b) => compareNames(a.name, b.name));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]?.name === sorted[i]?.name) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        `Duplicate name ${JSON.stringify(sorted[i]?.name)} in a tree.`,
      );
    }
  }
  const parts = sorted.map(encodeNode);
  return Buffer.from(`{"nodes":[${parts.join(',')}]}\n`, 'utf8');
}

const nodeTypes = new Set<string>([
  'file',
  'dir',
  'symlink',
  'dev',
  'chardev',
  'fifo',
  'socket',
  'irregular',
] satisfies NodeType[]);

/** Whether a stored type is one restic knows (anything else marks a damaged tree). */
export function isNodeType(type: string): type is NodeType {
  return nodeTypes.has(type);
}

/** Parses a tree blob. Structural problems are REPO_CORRUPT; unsafe names are left to the caller. */
export function decodeTree(plaintext: Uint8Array): Tree {
  const raw = parseJson<{ nodes?: unknown }>(plaintext);
  if (typeof raw !== 'object' || raw === null)
    throw new LifeboatError('REPO_CORRUPT', 'A tree is not a JSON object.');
  const list = raw.nodes ?? [];
  if (!Array.isArray(list)) throw new LifeboatError('REPO_CORRUPT', 'A tree has no node list.');
  const nodes = list.map((n: unknown) => decodeNode(n));
  return { nodes };
}

function decodeNode(value: unknown): TreeNode {
  if (typeof value !== 'object' || value === null)
    throw new LifeboatError('REPO_CORRUPT', 'A tree node is not an object.');
  const n = value as Record<string, unknown> & Partial<TreeNode>;
  if (typeof n.name !== 'string' || typeof n.type !== 'string')
    throw new LifeboatError('REPO_CORRUPT', 'A tree node lacks name or type.');
  if (!isNodeType(n.type))
    throw new LifeboatError('REPO_CORRUPT', `A tree node has unknown type ${JSON.stringify(n.type)}.`);
  const content = n.content;
  if (
    content !== undefined &&
    content !== null &&
    !(Array.isArray(content) && content.every((c) => typeof c === 'string'))
  ) {
    throw new LifeboatError('REPO_CORRUPT', 'A tree node has an invalid content list.');
  }
  let linktarget = typeof n.linktarget === 'string' ? n.linktarget : undefined;
  if (typeof n.linktarget_raw === 'string')
    linktarget = Buffer.from(n.linktarget_raw, 'base64').toString('utf8');
  return {
    ...(n as TreeNode),
    name: goUnquoteInner(n.name),
    mtime: typeof n.mtime === 'string' ? n.mtime : goZeroTime,
    atime: typeof n.atime === 'string' ? n.atime : goZeroTime,
    ctime: typeof n.ctime === 'string' ? n.ctime : goZeroTime,
    uid: typeof n.uid === 'number' ? n.uid : 0,
    gid: typeof n.gid === 'number' ? n.gid : 0,
    content: content ?? null,
    ...(linktarget !== undefined ? { linktarget } : {}),
    ...(typeof n.linktarget_raw === 'string' ? { linktarget_raw: undefined } : {}),
  };
}
