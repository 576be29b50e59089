/** Test fixtures: a varied source tree, a manifest to compare trees, and a minimal backup. */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { formatGoTime } from '../../../src/engine/repo/go-time.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import { encodeTree, goModeFromPosix } from '../../../src/engine/repo/tree.ts';
import type { TreeNode } from '../../../src/engine/repo/tree.ts';

export interface ManifestEntry {
  type: 'file' | 'dir' | 'symlink';
  mode?: number;
  /** Microseconds; compare with sameManifest, Node sets file times through a double (~0.25 µs). */
  mtimeUs?: number;
  size?: number;
  sha256?: string;
  target?: string;
}

/** Builds a tree with the cases restores get wrong: empty file/dir, Unicode, symlinks, modes. */
export async function makeSourceTree(
  root: string,
  opts: { randomBytes?: number; textBytes?: number } = {},
): Promise<void> {
  const w = async (rel: string, data: string | Buffer, mode = 0o644): Promise<void> => {
    const p = path.join(root, rel);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, data, { mode });
    await fs.chmod(p, mode);
  };
  await fs.mkdir(root, { recursive: true });
  await w('empty.txt', '');
  await fs.mkdir(path.join(root, 'empty-dir'));
  await w('Документы/Отчёт за май.txt', 'Привет, мир!\n'.repeat(100));
  await w('Документы/quote "and" back\\slash.txt', 'odd name\n');
  await w('random.bin', randomBytes(opts.randomBytes ?? 3 * 1024 * 1024));
  const lines: string[] = [];
  for (let i = 0, len = 0; len < (opts.textBytes ?? 2 * 1024 * 1024); i++) {
    const line = `${i};Customer ${i % 1000};client${i}@example.com;+7 900 ${String(i).padStart(7, '0')}\n`;
    lines.push(line);
    len += line.length;
  }
  await w('crm/contacts.csv', lines.join(''));
  await w('crm/private.key', 'secret\n', 0o600);
  await w('crm/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  await fs.symlink('Документы/Отчёт за май.txt', path.join(root, 'link-to-report'));
  await fs.symlink('/nonexistent/absolute/target', path.join(root, 'dangling-abs'));
  // Fixed microsecond timestamps so the comparison is exact.
  let t = 1_700_000_000.123456;
  for (const rel of [
    'empty.txt',
    'Документы/Отчёт за май.txt',
    'random.bin',
    'crm/contacts.csv',
    'crm/private.key',
    'crm/run.sh',
  ]) {
    await fs.utimes(path.join(root, rel), t, t);
    t += 1001.000001;
  }
  for (const rel of ['empty-dir', 'Документы', 'crm']) await fs.utimes(path.join(root, rel), t, (t += 7.5));
}

/** Type, permissions, mtime (µs), size and content hash of everything below `root`. */
export async function manifest(
  root: string,
  opts: { dirTimes?: boolean } = {},
): Promise<Record<string, ManifestEntry>> {
  const out: Record<string, ManifestEntry> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await fs.readdir(dir)).sort()) {
      const p = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await fs.lstat(p, { bigint: true });
      const mtimeUs = Number(st.mtimeNs) / 1000;
      if (st.isSymbolicLink()) out[r] = { type: 'symlink', target: await fs.readlink(p) };
      else if (st.isDirectory()) {
        out[r] = {
          type: 'dir',
          mode: Number(st.mode) & 0o7777,
          ...(opts.dirTimes === false ? {} : { mtimeUs }),
        };
        await walk(p, r);
      } else {
        const data = await fs.readFile(p);
        out[r] = {
          type: 'file',
          mode: Number(st.mode) & 0o7777,
          mtimeUs,
          size: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
        };
      }
    }
  };
  await walk(root, '');
  return out;
}

const chunkSize = 512 * 1024;

async function nodeFor(p: string, name: string): Promise<TreeNode> {
  const st = await fs.lstat(p, { bigint: true });
  return {
    name,
    type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file',
    mode: goModeFromPosix(Number(st.mode)),
    mtime: formatGoTime(st.mtimeNs),
    atime: formatGoTime(st.atimeNs),
    ctime: formatGoTime(st.ctimeNs),
    uid: Number(st.uid),
    gid: Number(st.gid),
    inode: st.ino,
    device_id: st.dev,
    content: null,
  };
}

/** A minimal backup (fixed-size chunks) used to produce repositories with our own writer. */
export async function backupDir(repo: Repository, dir: string): Promise<string> {
  const nodes: TreeNode[] = [];
  for (const name of await fs.readdir(dir)) {
    const p = path.join(dir, name);
    const node = await nodeFor(p, name);
    if (node.type === 'dir') node.subtree = await backupDir(repo, p);
    else if (node.type === 'symlink') node.linktarget = await fs.readlink(p);
    else {
      const data = await fs.readFile(p);
      const content: string[] = [];
      for (let off = 0; off < data.length; off += chunkSize)
        content.push(await repo.saveBlob('data', data.subarray(off, off + chunkSize)));
      node.content = content;
      node.size = data.length;
      node.links = 1;
    }
    nodes.push(node);
  }
  return repo.saveBlob('tree', encodeTree(nodes));
}

/** A tree with one folder `name` holding `subtree`. */
export function wrapDir(name: string, subtree: string, mode = 0o755): TreeNode {
  const t = '2024-05-01T10:00:00Z';
  return {
    name,
    type: 'dir',
    mode: (0x80000000 | mode) >>> 0,
    mtime: t,
    atime: t,
    ctime: t,
    uid: 0,
    gid: 0,
    content: null,
    subtree,
  };
}

/** Asserts two manifests are equal, allowing 1 µs of mtime difference. */
export function expectSameManifest(
  actual: Record<string, ManifestEntry>,
  expected: Record<string, ManifestEntry>,
): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, e] of Object.entries(expected)) {
    const a = actual[k];
    const close = a?.mtimeUs !== undefined && e.mtimeUs !== undefined && Math.abs(a.mtimeUs - e.mtimeUs) <= 1;
    expect({ path: k, ...a, ...(close ? { mtimeUs: e.mtimeUs } : {}) }).toEqual({ path: k, ...e });
  }
}
