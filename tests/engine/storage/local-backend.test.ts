import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';

const id = (c: string): string => c.repeat(64).slice(0, 64);
let dir: string;
let be: LocalBackend;

beforeEach(async () => {
  dir = path.join(await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-local-')), 'repo');
  be = new LocalBackend(dir);
  await be.create();
});
afterEach(async () => {
  await fs.rm(path.dirname(dir), { recursive: true, force: true });
});

describe('LocalBackend', () => {
  it('creates restic’s layout with private permissions', async () => {
    expect((await fs.readdir(dir)).sort()).toEqual(['data', 'index', 'keys', 'locks', 'snapshots', 'tmp']);
    expect(await fs.readdir(path.join(dir, 'data'))).toHaveLength(256);
    expect((await fs.stat(path.join(dir, 'data', 'ab'))).mode & 0o777).toBe(0o700);
    await be.write('config', 'config', Buffer.from('c'));
    await expect(be.create()).rejects.toMatchObject({ code: 'REPO_EXISTS' });
  });

  it('writes once, atomically, with mode 0600, into data/<xx>/', async () => {
    await be.write('data', id('ab'), Buffer.from('hello world'));
    const file = path.join(dir, 'data', 'ab', id('ab'));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    await expect(be.write('data', id('ab'), Buffer.from('again'))).rejects.toMatchObject({
      code: 'REPO_CORRUPT',
    });
    expect((await be.read('data', id('ab'), { offset: 6, length: 5 })).toString()).toBe('world');
    expect(await be.stat('data', id('ab'))).toEqual({ name: id('ab'), size: 11 });
    expect(await be.stat('data', id('cd'))).toBeUndefined();
    expect((await fs.readdir(path.join(dir, 'data', 'ab'))).length).toBe(1); // no temp file left
  });

  it('lists files by type, skipping stray names, and lists config', async () => {
    await be.write('snapshots', id('1'), Buffer.from('a'));
    await be.write('snapshots', id('2'), Buffer.from('bb'));
    await fs.writeFile(path.join(dir, 'snapshots', `${id('3')}-tmp-123`), 'partial');
    await be.write('data', id('0f'), Buffer.from('p'));
    expect((await be.list('snapshots')).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: id('1'), size: 1 },
      { name: id('2'), size: 2 },
    ]);
    expect(await be.list('data')).toEqual([{ name: id('0f'), size: 1 }]);
    expect(await be.list('config')).toEqual([]);
    await be.write('config', 'config', Buffer.from('cfg'));
    expect(await be.list('config')).toEqual([{ name: 'config', size: 3 }]);
  });

  it('rejects names that could leave the repository folder', async () => {
    await expect(be.write('keys', '../../etc/passwd', Buffer.from('x'))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(be.read('data', '../config')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reports missing files, removes idempotently, and counts requests', async () => {
    await expect(be.read('index', id('9'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await be.write('locks', id('7'), Buffer.from('lock'));
    await be.remove('locks', id('7'));
    await be.remove('locks', id('7'));
    await be.write('index', id('8'), Buffer.alloc(100));
    await be.read('index', id('8'), { offset: 0, length: 10 });
    const s = be.stats();
    expect(s.write).toEqual({ calls: 2, bytes: 104 });
    expect(s.read).toEqual({ calls: 1, bytes: 10 });
    expect(s.remove.calls).toBe(2);
  });
});
