/**
 * A hostile repository must never make restore write outside the target. The trees here are
 * crafted by hand (raw JSON, so duplicates and bad names get through our own encoder).
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { encodeNode } from '../../../src/engine/repo/tree.ts';
import type { TreeNode } from '../../../src/engine/repo/tree.ts';
import { MemoryBackend } from './memory-backend.ts';

const t = '2024-05-01T10:00:00Z';
const file = (name: string, content: string[] = []): TreeNode => ({
  name,
  type: 'file',
  mode: 0o644,
  mtime: t,
  atime: t,
  ctime: t,
  uid: 0,
  gid: 0,
  size: 0,
  content,
});
const dir = (name: string, subtree: string): TreeNode => ({
  name,
  type: 'dir',
  mode: 0x800001ed,
  mtime: t,
  atime: t,
  ctime: t,
  uid: 0,
  gid: 0,
  content: null,
  subtree,
});
const link = (name: string, target: string): TreeNode => ({
  name,
  type: 'symlink',
  mode: 0x080001ff,
  mtime: t,
  atime: t,
  ctime: t,
  uid: 0,
  gid: 0,
  linktarget: target,
  content: null,
});

/** Tree JSON without our encoder's sorting and duplicate checks. */
function rawTree(nodes: TreeNode[]): Buffer {
  return Buffer.from(`{"nodes":[${nodes.map(encodeNode).join(',')}]}\n`);
}

let sandbox: string;
let target: string;
let outside: string;
let repo: Repository;

async function snapshotOf(nodes: TreeNode[]): Promise<string> {
  const tree = await repo.saveBlob('tree', rawTree(nodes));
  await repo.flush();
  return repo.saveSnapshot({ time: t, tree, paths: ['/'] });
}

async function evilBlob(): Promise<string> {
  return repo.saveBlob('data', Buffer.from('pwned\n'));
}

async function assertNothingOutside(): Promise<void> {
  expect((await fs.readdir(sandbox)).sort()).toEqual(['outside', 'target']);
  expect(await fs.readdir(outside)).toEqual([]);
}

beforeEach(async () => {
  sandbox = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-safety-'));
  target = path.join(sandbox, 'target');
  outside = path.join(sandbox, 'outside');
  await fs.mkdir(target);
  await fs.mkdir(outside);
  repo = await Repository.init(new MemoryBackend(), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
});

afterEach(async () => {
  await fs.rm(sandbox, { recursive: true, force: true });
});

describe('restore refuses unsafe names', () => {
  const cases: Array<[string, () => Promise<TreeNode[]>]> = [
    ['../evil', async () => [file('../evil', [await evilBlob()])]],
    ['a/b', async () => [file('a/b', [await evilBlob()])]],
    ['..', async () => [dir('..', await repo.saveBlob('tree', rawTree([file('evil', [await evilBlob()])])))]],
    ['.', async () => [dir('.', await repo.saveBlob('tree', rawTree([])))]],
    ['empty name', async () => [file('')]],
    ['NUL', async () => [file('a\0b')]],
    [
      'nested ../',
      async () => [
        dir('ok', await repo.saveBlob('tree', rawTree([file('../../outside/evil', [await evilBlob()])]))),
      ],
    ],
    [
      'symlink dir then file below it (relative)',
      async () => [
        link('x', '../outside'),
        dir('x', await repo.saveBlob('tree', rawTree([file('file', [await evilBlob()])]))),
      ],
    ],
    [
      'absolute symlink then file below it',
      async () => [
        link('abs', outside),
        dir('abs', await repo.saveBlob('tree', rawTree([file('file', [await evilBlob()])]))),
      ],
    ],
  ];

  for (const [label, make] of cases) {
    it(`refuses ${label} and writes nothing`, async () => {
      const sn = await snapshotOf(await make());
      await expect(restoreSnapshot(repo, sn, { target })).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
      await assertNothingOutside();
      expect(await fs.readdir(target)).toEqual([]);
    });
  }

  it('accepts odd but harmless names', async () => {
    const blob = await evilBlob();
    const names = ['..foo', '...', '.hidden', 'a\\b', ' space ', 'tab\tname', 'Отчёт'];
    const res = await restoreSnapshot(repo, await snapshotOf(names.map((n) => file(n, [blob]))), { target });
    expect(res.errors).toEqual([]);
    expect((await fs.readdir(target)).sort()).toEqual([...names].sort());
    await assertNothingOutside();
  });

  it('restores symlinks pointing outside as links, never writing through them', async () => {
    const blob = await evilBlob();
    const sn = await snapshotOf([
      link('abs', outside),
      link('rel', '../outside'),
      file('z-after-links', [blob]),
    ]);
    const res = await restoreSnapshot(repo, sn, { target });
    expect(res.errors).toEqual([]);
    expect(await fs.readlink(path.join(target, 'abs'))).toBe(outside);
    expect(await fs.readlink(path.join(target, 'rel'))).toBe('../outside');
    await assertNothingOutside();
  });

  it('refuses to descend through a symlink already in the target', async () => {
    // A first restore leaves a symlink; a second snapshot has a folder of the same name.
    await restoreSnapshot(repo, await snapshotOf([link('x', outside)]), { target });
    const sub = await repo.saveBlob('tree', rawTree([file('file', [await evilBlob()])]));
    const sn = await snapshotOf([dir('x', sub)]);
    await expect(restoreSnapshot(repo, sn, { target, overwrite: true })).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
    });
    await assertNothingOutside();
  });

  it('replaces an existing symlink instead of writing through it when overwriting', async () => {
    const victim = path.join(outside, 'victim.txt');
    await restoreSnapshot(repo, await snapshotOf([link('f', victim)]), { target });
    const sn = await snapshotOf([file('f', [await evilBlob()])]);
    await expect(restoreSnapshot(repo, sn, { target })).resolves.toMatchObject({
      errors: [expect.objectContaining({ path: '/f' })],
    });
    const res = await restoreSnapshot(repo, sn, { target, overwrite: true });
    expect(res.errors).toEqual([]);
    expect((await fs.lstat(path.join(target, 'f'))).isFile()).toBe(true);
    await assertNothingOutside();
  });
});
