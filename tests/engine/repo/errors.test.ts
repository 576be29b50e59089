/** The errors a user meets are typed: wrong password, no repository, full disk. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import { fsError } from '../../../src/engine/storage/fs-errors.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { MemoryBackend } from './memory-backend.ts';

const kdf = { N: 1024, r: 8, p: 1 };
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-errors-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('opening', () => {
  it('WRONG_PASSWORD for a wrong password', async () => {
    const be = new MemoryBackend();
    await Repository.init(be, 'right', { kdf });
    await expect(Repository.open(be, 'wrong')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await expect(Repository.open(be, 'right')).resolves.toBeInstanceOf(Repository);
  });

  it('REPO_NOT_FOUND for a missing folder or a folder without a repository', async () => {
    await expect(
      Repository.open(new LocalBackend(path.join(work, 'nope', 'deeper')), 'pw'),
    ).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
    await fs.mkdir(path.join(work, 'empty'));
    await expect(Repository.open(new LocalBackend(path.join(work, 'empty')), 'pw')).rejects.toMatchObject({
      code: 'REPO_NOT_FOUND',
    });
    await expect(new LocalBackend(path.join(work, 'nope')).list('snapshots')).rejects.toMatchObject({
      code: 'REPO_NOT_FOUND',
    });
  });

  it('REPO_EXISTS when initialising over a repository', async () => {
    const dir = path.join(work, 'twice');
    await Repository.init(new LocalBackend(dir), 'pw', { kdf });
    await expect(Repository.init(new LocalBackend(dir), 'pw', { kdf })).rejects.toMatchObject({
      code: 'REPO_EXISTS',
    });
    const be = new MemoryBackend();
    await Repository.init(be, 'pw', { kdf });
    await expect(Repository.init(be, 'pw', { kdf })).rejects.toMatchObject({ code: 'REPO_EXISTS' });
  });

  it('REPO_CORRUPT when a snapshot file does not match its name', async () => {
    const be = new MemoryBackend();
    const repo = await Repository.init(be, 'pw', { kdf });
    const tree = await repo.saveBlob('tree', encodeTree([]));
    await repo.flush();
    const id = await repo.saveSnapshot({ time: '2024-01-01T00:00:00Z', tree, paths: ['/'] });
    const file = be.files.get(`snapshots/${id}`) as Buffer;
    file[40] = (file[40] ?? 0) ^ 1;
    await expect(repo.loadSnapshot(id)).rejects.toMatchObject({ code: 'REPO_CORRUPT' });
  });
});

describe('fs error mapping', () => {
  it('maps errno codes', () => {
    const e = (code: string): Error => Object.assign(new Error(code), { code });
    expect(fsError(e('ENOSPC'), 'x').code).toBe('DISK_FULL');
    expect(fsError(e('EDQUOT'), 'x').code).toBe('DISK_FULL');
    expect(fsError(e('EACCES'), 'x').code).toBe('PERMISSION_DENIED');
    expect(fsError(e('EROFS'), 'x').code).toBe('PERMISSION_DENIED');
    expect(fsError(e('EIO'), 'x').code).toBe('INTERNAL');
  });
});

/** A 1 MiB tmpfs gives a real ENOSPC (needs root; skipped with a message otherwise). */
function mountTiny(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('cannot mount a tmpfs (not root?): real ENOSPC tests skipped');
    return false;
  }
}

describe('full disk', () => {
  let tiny: string;
  let mounted = false;

  beforeAll(async () => {
    tiny = path.join(work, 'tiny');
    await fs.mkdir(tiny);
    mounted = mountTiny(tiny);
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [tiny]);
  });

  it('DISK_FULL when backing up to a full disk, leaving no temp files', async (ctx) => {
    if (!mounted) ctx.skip();
    const dir = path.join(tiny, 'repo');
    const repo = await Repository.init(new LocalBackend(dir), 'pw', { kdf, packSize: 256 * 1024 });
    const save = async (): Promise<void> => {
      for (let i = 0; i < 8; i++) await repo.saveBlob('data', randomBytes(256 * 1024));
      await repo.flush();
    };
    await expect(save()).rejects.toMatchObject({ code: 'DISK_FULL' });
    const leftovers: string[] = [];
    for (const sub of await fs.readdir(path.join(dir, 'data'))) {
      for (const f of await fs.readdir(path.join(dir, 'data', sub)))
        if (f.includes('-tmp-')) leftovers.push(f);
    }
    expect(leftovers).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('DISK_FULL when restoring to a full disk, leaving no half file', async (ctx) => {
    if (!mounted) ctx.skip();
    const repo = await Repository.init(new MemoryBackend(), 'pw', { kdf });
    const big = randomBytes(1536 * 1024);
    const content = [
      await repo.saveBlob('data', big.subarray(0, 768 * 1024)),
      await repo.saveBlob('data', big.subarray(768 * 1024)),
    ];
    const t = '2024-01-01T00:00:00Z';
    const tree = await repo.saveBlob(
      'tree',
      encodeTree([
        {
          name: 'big.bin',
          type: 'file',
          mode: 0o644,
          mtime: t,
          atime: t,
          ctime: t,
          uid: 0,
          gid: 0,
          size: big.length,
          content,
        },
      ]),
    );
    await repo.flush();
    const sn = await repo.saveSnapshot({ time: t, tree, paths: ['/'] });
    const target = path.join(tiny, 'restore');
    // Skips the check before writing (restore-space.test.ts) to run out of space midway.
    const freeSpace = (): Promise<undefined> => Promise.resolve(undefined);
    await expect(restoreSnapshot(repo, sn, { target, freeSpace })).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    expect(await fs.readdir(target)).toEqual([]);
  });
});
