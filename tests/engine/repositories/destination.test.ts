import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedRepository } from '../../helpers/seed-repository.ts';
import { harness, tempDir } from './harness.ts';

const local = (p: string) => ({ kind: 'local' as const, path: p });
const isRoot = process.getuid?.() === 0;

describe('checking a local destination', () => {
  const h = harness();

  it('reports an empty folder with its disk space, and leaves no test file behind', async () => {
    const dir = tempDir('dest-empty');
    const check = await h.call('checkDestination', { location: local(dir) });
    const fs = await statfs(dir);
    expect(check).toMatchObject({ state: 'empty', totalBytes: fs.blocks * fs.bsize, sameDiskAs: [] });
    expect(Math.abs((check.freeBytes ?? 0) - fs.bavail * fs.bsize)).toBeLessThan(64 * 1024 * 1024);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('treats a missing folder whose parent exists as empty, without creating it', async () => {
    const dir = path.join(tempDir('dest-missing'), 'Lifeboat');
    expect(await h.call('checkDestination', { location: local(dir) })).toMatchObject({ state: 'empty' });
    expect(existsSync(dir)).toBe(false);
    const deeper = path.join(dir, 'a', 'b');
    expect((await h.fail('checkDestination', { location: local(deeper) })).code).toBe('NOT_FOUND');
  });

  it('recognizes a repository, and other files', async () => {
    const repo = tempDir('dest-repo');
    await seedRepository({ path: repo, password: 'pw', snapshots: 1 });
    expect(await h.call('checkDestination', { location: local(repo) })).toMatchObject({
      state: 'repository',
    });
    const other = tempDir('dest-other');
    writeFileSync(path.join(other, 'holiday.jpg'), 'x');
    expect(await h.call('checkDestination', { location: local(other) })).toMatchObject({ state: 'other' });
    expect(
      (await h.fail('checkDestination', { location: local(path.join(other, 'holiday.jpg')) })).code,
    ).toBe('INVALID_ARGUMENT');
    expect((await h.fail('checkDestination', { location: local('backups') })).code).toBe('INVALID_ARGUMENT');
  });

  it('names the sources on the same disk as the destination', async () => {
    const dir = tempDir('dest-disk');
    const source = tempDir('dest-source');
    const sources = [source, path.join(source, 'not-yet-there'), '/dev/shm', 'relative'];
    const check = await h.call('checkDestination', { location: local(dir), sourcePaths: sources });
    const shmIsOther = existsSync('/dev/shm');
    expect(check.sameDiskAs).toEqual(
      shmIsOther ? [source, path.join(source, 'not-yet-there')] : expect.any(Array),
    );
  });

  it('says when Lifeboat may not write there', async () => {
    // Even root may not create files in /sys; others meet a folder without write permission.
    let locked = '/sys/fs';
    if (!isRoot || !existsSync(locked)) {
      locked = path.join(tempDir('dest-ro'), 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
    }
    const error = await h.fail('checkDestination', { location: local(locked) });
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.hint).toBeTruthy();
  });
});
