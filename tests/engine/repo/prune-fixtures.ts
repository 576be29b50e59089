/** Fixtures for forget/prune tests: small-chunk backups, content manifests, crash injection. */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { encodeBlob } from '../../../src/engine/repo/blob-codec.ts';
import { formatGoTime, parseGoTime } from '../../../src/engine/repo/go-time.ts';
import { PackWriter } from '../../../src/engine/repo/pack.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import { encodeTree, goModeFromPosix } from '../../../src/engine/repo/tree.ts';
import type { TreeNode } from '../../../src/engine/repo/tree.ts';
import type { Backend, ByteRange, FileInfo, FileType } from '../../../src/engine/storage/backend.ts';

export const fastKdf = { N: 1024, r: 8, p: 1 };
export const fastLock = { settleMs: 0, refreshMs: 0 };

/** Backs up `dir` with fixed `chunk`-byte blobs; returns the tree id. */
export async function backupTree(repo: Repository, dir: string, chunk = 16 * 1024): Promise<string> {
  const nodes: TreeNode[] = [];
  for (const name of (await fs.readdir(dir)).sort()) {
    const p = path.join(dir, name);
    const st = await fs.lstat(p, { bigint: true });
    const node: TreeNode = {
      name,
      type: st.isDirectory() ? 'dir' : 'file',
      mode: goModeFromPosix(Number(st.mode)),
      mtime: formatGoTime(st.mtimeNs),
      atime: formatGoTime(st.atimeNs),
      ctime: formatGoTime(st.ctimeNs),
      uid: Number(st.uid),
      gid: Number(st.gid),
      content: null,
    };
    if (node.type === 'dir') node.subtree = await backupTree(repo, p, chunk);
    else {
      const data = await fs.readFile(p);
      node.content = [];
      for (let off = 0; off < data.length; off += chunk)
        node.content.push(await repo.saveBlob('data', data.subarray(off, off + chunk)));
      node.size = data.length;
      node.links = 1;
    }
    nodes.push(node);
  }
  return repo.saveBlob('tree', encodeTree(nodes));
}

/** Backs up `dir` as a snapshot taken at `time`; returns the snapshot id. */
export async function snapshotDir(
  repo: Repository,
  dir: string,
  time: string,
  extra: { hostname?: string; tags?: string[]; paths?: string[] } = {},
): Promise<string> {
  const tree = await backupTree(repo, dir);
  await repo.flush();
  return repo.saveSnapshot({
    time: formatGoTime(parseGoTime(time), 0),
    tree,
    paths: extra.paths ?? ['/crm'],
    hostname: extra.hostname ?? 'office-pc',
    ...(extra.tags ? { tags: extra.tags } : {}),
  });
}

/** Writes random (incompressible) files: name → size. */
export async function writeFiles(dir: string, files: Record<string, number | Buffer>): Promise<void> {
  for (const [name, v] of Object.entries(files)) {
    const p = path.join(dir, name);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, typeof v === 'number' ? randomBytes(v) : v);
  }
}

/** relative path → sha256 of every file below `root`. */
export async function contentManifest(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else
        out[r] = createHash('sha256')
          .update(await fs.readFile(path.join(dir, e.name)))
          .digest('hex');
    }
  };
  await walk(root, '');
  return out;
}

/** Every repository file with its size ("data/ab12…" → bytes). */
export async function repoFiles(backend: Backend): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const type of ['data', 'index', 'snapshots', 'keys', 'config'] as const)
    for (const f of await backend.list(type)) out.set(`${type}/${f.name}`, f.size);
  return out;
}

export async function dataSize(backend: Backend): Promise<number> {
  return (await backend.list('data')).reduce((s, f) => s + f.size, 0);
}

/** A pack no index lists, as an interrupted backup leaves behind. Returns its id and size. */
export async function writeOrphanPack(
  repo: Repository,
  bytes = 20_000,
): Promise<{ id: string; size: number }> {
  const w = new PackWriter('data');
  const plain = randomBytes(bytes);
  w.add(createHash('sha256').update(plain).digest('hex'), encodeBlob(repo.key, plain, { compress: true }));
  const { id, data } = w.finalize(repo.key);
  await repo.backend.write('data', id, data);
  return { id, size: data.length };
}

export interface CrashPoint {
  op: 'write' | 'remove';
  type: FileType;
  /** Operations of this kind that succeed before the crash. */
  after: number;
}

/** Wraps a backend; after the crash point every call fails, as if the process had died. */
export class CrashingBackend implements Backend {
  readonly inner: Backend;
  readonly location: string;
  private readonly point: CrashPoint;
  private count = 0;
  crashed = false;

  constructor(inner: Backend, point: CrashPoint) {
    this.inner = inner;
    this.location = inner.location;
    this.point = point;
  }

  private gate(op: 'list' | 'stat' | 'read' | 'write' | 'remove', type: FileType): void {
    if (!this.crashed && op === this.point.op && type === this.point.type && this.count++ >= this.point.after)
      this.crashed = true;
    if (this.crashed) throw new LifeboatError('NETWORK', `simulated crash at ${op} ${type}`);
  }

  async list(type: FileType): Promise<FileInfo[]> {
    this.gate('list', type);
    return this.inner.list(type);
  }
  async stat(type: FileType, name: string): Promise<FileInfo | undefined> {
    this.gate('stat', type);
    return this.inner.stat(type, name);
  }
  async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    this.gate('read', type);
    return this.inner.read(type, name, range);
  }
  async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    this.gate('write', type);
    return this.inner.write(type, name, data);
  }
  async remove(type: FileType, name: string): Promise<void> {
    this.gate('remove', type);
    return this.inner.remove(type, name);
  }
}
