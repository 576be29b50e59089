import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots, summarizeDiff } from '../../../src/engine/repo/diff.ts';
import type { DiffEntry } from '../../../src/engine/repo/diff.ts';
import { listSnapshot } from '../../../src/engine/repo/ls.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import type { RestoreProgress } from '../../../src/engine/repo/restore.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import { backupDir, expectSameManifest, manifest, wrapDir } from './fs-fixtures.ts';
import { MemoryBackend } from './memory-backend.ts';

let work: string;
let repo: Repository;
let first: string;
let second: string;
let src: string;

async function snap(): Promise<string> {
  const tree = await backupDir(repo, src);
  const root = await repo.saveBlob('tree', encodeTree([wrapDir('src', tree)]));
  await repo.flush();
  return repo.saveSnapshot({ time: new Date().toISOString(), tree: root, paths: ['/src'] });
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-rld-'));
  src = path.join(work, 'src');
  await fs.mkdir(path.join(src, 'sub', 'empty'), { recursive: true });
  await fs.writeFile(path.join(src, 'same.txt'), 'unchanged\n');
  await fs.writeFile(path.join(src, 'big.bin'), randomBytes(2 * 1024 * 1024));
  await fs.writeFile(path.join(src, 'sub', 'gone.txt'), 'bye\n');
  await fs.writeFile(path.join(src, 'sub', 'grow.txt'), 'a\n');
  await fs.writeFile(path.join(src, 'empty.txt'), '');
  repo = await Repository.init(new MemoryBackend(), 'pw', {
    kdf: { N: 1024, r: 8, p: 1 },
    packSize: 512 * 1024,
  });
  first = await snap();
  await fs.rm(path.join(src, 'sub', 'gone.txt'));
  await fs.writeFile(path.join(src, 'sub', 'grow.txt'), 'a\nb\nc\n');
  await fs.writeFile(path.join(src, 'new.txt'), 'hello\n');
  await fs.chmod(path.join(src, 'same.txt'), 0o600);
  second = await snap();
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('ls', () => {
  it('walks a snapshot depth-first in name order, or a sub-path', async () => {
    const all: string[] = [];
    for await (const e of listSnapshot(repo, first)) all.push(e.path);
    expect(all).toEqual([
      '/src',
      '/src/big.bin',
      '/src/empty.txt',
      '/src/same.txt',
      '/src/sub',
      '/src/sub/empty',
      '/src/sub/gone.txt',
      '/src/sub/grow.txt',
    ]);
    const sub: string[] = [];
    for await (const e of listSnapshot(repo, first, { subPath: '/src/sub' })) sub.push(e.path);
    expect(sub).toEqual(['/src/sub/empty', '/src/sub/gone.txt', '/src/sub/grow.txt']);
  });
});

describe('diff', () => {
  it('reports added, removed and modified entries with sizes', async () => {
    const entries: DiffEntry[] = [];
    for await (const d of diffSnapshots(repo, first, second)) entries.push(d);
    const byPath = Object.fromEntries(entries.map((e) => [e.path, e]));
    expect(byPath['/src/new.txt']).toMatchObject({ kind: 'added', sizeAfter: 6 });
    expect(byPath['/src/sub/gone.txt']).toMatchObject({ kind: 'removed', sizeBefore: 4 });
    expect(byPath['/src/sub/grow.txt']).toMatchObject({
      kind: 'modified',
      contentChanged: true,
      sizeBefore: 2,
      sizeAfter: 6,
    });
    expect(byPath['/src/same.txt']).toMatchObject({
      kind: 'modified',
      contentChanged: false,
      metadataChanged: true,
    });
    expect(byPath['/src/big.bin']).toBeUndefined();
    expect(summarizeDiff(entries)).toMatchObject({
      added: 1,
      removed: 1,
      bytesAdded: 6 + 4,
      bytesRemoved: 4,
    });
  });
});

describe('restore', () => {
  it('restores everything with progress, then refuses to overwrite unless asked', async () => {
    const target = path.join(work, 'full');
    const seen: RestoreProgress[] = [];
    const res = await restoreSnapshot(repo, second, { target, onProgress: (p) => seen.push(p) });
    expect(res.errors).toEqual([]);
    expectSameManifest(await manifest(path.join(target, 'src')), await manifest(src));
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ filesDone: 5, filesTotal: 5 });
    expect(last?.bytesDone).toBe(last?.bytesTotal);

    const again = await restoreSnapshot(repo, second, { target });
    expect(again.errors.map((e) => e.path).sort()).toEqual([
      '/src/big.bin',
      '/src/empty.txt',
      '/src/new.txt',
      '/src/same.txt',
      '/src/sub/grow.txt',
    ]);
    const forced = await restoreSnapshot(repo, first, { target, overwrite: true });
    expect(forced.errors).toEqual([]);
    expect(await fs.readFile(path.join(target, 'src', 'sub', 'grow.txt'), 'utf8')).toBe('a\n');
  });

  it('restores only the included paths', async () => {
    const target = path.join(work, 'partial');
    const res = await restoreSnapshot(repo, first, {
      target,
      include: ['src/sub/grow.txt', '/src/empty.txt'],
    });
    expect(res.files).toBe(2);
    expect((await fs.readdir(path.join(target, 'src'))).sort()).toEqual(['empty.txt', 'sub']);
    expect(await fs.readdir(path.join(target, 'src', 'sub'))).toEqual(['grow.txt']);
  });

  it('restores hard links as hard links', async () => {
    const content = [await repo.saveBlob('data', Buffer.from('shared\n'))];
    const t = '2024-01-01T00:00:00Z';
    const f = (name: string) => ({
      name,
      type: 'file' as const,
      mode: 0o644,
      mtime: t,
      atime: t,
      ctime: t,
      uid: 0,
      gid: 0,
      inode: 99,
      device_id: 7,
      links: 2,
      size: 7,
      content,
    });
    const tree = await repo.saveBlob('tree', encodeTree([f('one'), f('two')]));
    await repo.flush();
    const sn = await repo.saveSnapshot({ time: t, tree, paths: ['/'] });
    const target = path.join(work, 'links');
    const res = await restoreSnapshot(repo, sn, { target });
    expect(res.files).toBe(2);
    const [a, b] = await Promise.all([fs.stat(path.join(target, 'one')), fs.stat(path.join(target, 'two'))]);
    expect(a.ino).toBe(b.ino);
    expect(a.nlink).toBe(2);
  });

  it('stops on abort with CANCELLED and leaves no partial file', async () => {
    const target = path.join(work, 'aborted');
    const ctl = new AbortController();
    const p = restoreSnapshot(repo, second, {
      target,
      signal: ctl.signal,
      parallel: 1,
      onProgress: (pr) => (pr.bytesDone > 0 ? ctl.abort() : undefined),
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    const left: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await fs.readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(path.join(d, e.name));
        else left.push(e.name);
      }
    };
    await walk(target);
    expect(left.filter((n) => n.includes('.tmp') || n === 'big.bin')).toEqual([]);
  });
});
