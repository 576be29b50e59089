/** A restore that cannot fit is refused before anything is written (issue #7). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { encodeTree, type TreeNode } from '../../../src/engine/repo/tree.ts';
import { useTinyDisk } from '../../helpers/tiny-disk.ts';
import { MemoryBackend } from './memory-backend.ts';

const kdf = { N: 1024, r: 8, p: 1 };
const t = '2024-01-01T00:00:00Z';
const meta = { mode: 0o644, mtime: t, atime: t, ctime: t, uid: 0, gid: 0 };
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-space-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

/** A snapshot of `top/<name>` files with the given contents. */
async function snapshotOf(
  files: Record<string, Buffer>,
  top = 'shop',
): Promise<{ repo: Repository; sn: string }> {
  const repo = await Repository.init(new MemoryBackend(), 'pw', { kdf });
  const nodes: TreeNode[] = [];
  for (const [name, data] of Object.entries(files)) {
    nodes.push({
      name,
      type: 'file',
      ...meta,
      size: data.length,
      content: [await repo.saveBlob('data', data)],
    });
  }
  const sub = await repo.saveBlob('tree', encodeTree(nodes));
  const tree = await repo.saveBlob(
    'tree',
    encodeTree([{ name: top, type: 'dir', ...meta, mode: 0o755 | 0o40000, subtree: sub, content: null }]),
  );
  await repo.flush();
  return { repo, sn: await repo.saveSnapshot({ time: t, tree, paths: ['/'] }) };
}

describe('free space checked before writing', () => {
  it('refuses with DISK_FULL in plain words, creating nothing', async () => {
    const { repo, sn } = await snapshotOf({ 'a.bin': randomBytes(300_000), 'b.bin': randomBytes(200_000) });
    const target = path.join(work, 'small', 'restore');
    const asked: string[] = [];
    const freeSpace = (dir: string): Promise<number> => (asked.push(dir), Promise.resolve(300_000));
    await expect(restoreSnapshot(repo, sn, { target, freeSpace })).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: `The restore needs 500.0 KB but only 300.0 KB are free on the disk of ${target}.`,
      hint: expect.stringContaining('another disk'),
    });
    expect(asked).toEqual([work]); // the nearest folder that exists
    await expect(fs.stat(path.join(work, 'small'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('goes ahead when there is room, or when the system cannot tell', async () => {
    const { repo, sn } = await snapshotOf({ 'a.bin': randomBytes(50_000) });
    const roomy = path.join(work, 'roomy');
    await restoreSnapshot(repo, sn, { target: roomy, freeSpace: () => Promise.resolve(1_000_000) });
    expect((await fs.stat(path.join(roomy, 'shop', 'a.bin'))).size).toBe(50_000);
    const unknown = path.join(work, 'unknown');
    await restoreSnapshot(repo, sn, { target: unknown, freeSpace: () => Promise.resolve(undefined) });
    expect((await fs.stat(path.join(unknown, 'shop', 'a.bin'))).size).toBe(50_000);
  });

  it('over existing files only what they grow by counts, measured under the top folder', async () => {
    const a = randomBytes(400_000);
    const { repo, sn } = await snapshotOf({ 'a.bin': a, 'new.bin': randomBytes(10_000) });
    const target = path.join(work, 'original');
    await fs.mkdir(path.join(target, 'shop'), { recursive: true });
    await fs.writeFile(path.join(target, 'shop', 'a.bin'), randomBytes(390_000));
    const asked: string[] = [];
    const freeSpace = (dir: string): Promise<number> => (asked.push(dir), Promise.resolve(200_000));
    await restoreSnapshot(repo, sn, { target, overwrite: true, freeSpace });
    expect(asked).toEqual([path.join(target, 'shop')]);
    expect(await fs.readFile(path.join(target, 'shop', 'a.bin'))).toEqual(a);
    // Without the old copy the same restore does not fit.
    await fs.rm(path.join(target, 'shop', 'a.bin'));
    await expect(restoreSnapshot(repo, sn, { target, overwrite: true, freeSpace })).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
  });
});

/** A real 1 MiB tmpfs (needs root; skipped with a message otherwise). */
describe('on a real small disk', () => {
  const disk = useTinyDisk(() => work, 'real free space test');

  it('refuses 1.5 MB before writing and restores 300 KB', async (ctx) => {
    if (!disk.mounted) ctx.skip();
    const big = await snapshotOf({ 'big.bin': randomBytes(1_500_000) });
    const target = path.join(disk.path, 'restore');
    await expect(restoreSnapshot(big.repo, big.sn, { target })).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/^The restore needs 1\.5 MB but only 1\.0 MB are free on the disk of /),
    });
    expect(await fs.readdir(disk.path)).toEqual([]);
    const small = await snapshotOf({ 'small.bin': randomBytes(300_000) });
    await restoreSnapshot(small.repo, small.sn, { target });
    expect((await fs.stat(path.join(target, 'shop', 'small.bin'))).size).toBe(300_000);
  });
});
