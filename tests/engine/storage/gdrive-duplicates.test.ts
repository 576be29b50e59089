/**
 * Drive allows any number of files (and folders) with one name. A repository on Drive must never
 * lose or misread data because of that: a duplicated index or pack name is listed once and read
 * correctly — also when one copy is damaged; duplicated folders are read as one; a retried upload
 * whose first answer was lost leaves no duplicate behind; remove removes every copy.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { backendFor, startEmulator } from '../../emulators/gdrive/fixtures.ts';
import type { DriveEmulator } from '../../emulators/gdrive/fixtures.ts';
import { folderMime } from '../../emulators/gdrive/store.ts';
import { expectSameManifest, fastKdf, manifest, password } from '../../helpers/backup-fixtures.ts';
import { makeSourceTree } from '../repo/fs-fixtures.ts';

const location = 'gdrive:Lifeboat Backups/dups';
let emu: DriveEmulator;
let work: string;
let src: string;
let snapshotId: string;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const older = (f: { createdTime: string }): void => {
  f.createdTime = new Date(Date.parse(f.createdTime) - 3_600_000).toISOString();
};

beforeAll(async () => {
  emu = await startEmulator();
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-gdrive-dups-'));
  src = path.join(work, 'src');
  await makeSourceTree(src, { randomBytes: 2 * 1024 * 1024, textBytes: 512 * 1024 });
  const repo = await Repository.init(backendFor(emu, location), password, {
    kdf: fastKdf,
    packSize: 1024 * 1024,
  });
  snapshotId = (await backup(repo, { paths: [src] })).snapshotId!;
});

afterAll(async () => {
  await emu.close();
  await fs.rm(work, { recursive: true, force: true });
});

function filesUnder(dir: string) {
  return emu
    .files()
    .filter((f) => f.path.startsWith(`Lifeboat Backups/dups/${dir}/`) && f.mimeType !== folderMime);
}

async function expectRepositoryIntact(): Promise<void> {
  const repo = await Repository.open(backendFor(emu, location), password);
  const report = await checkRepository(repo, { readData: true });
  expect(report.errors).toEqual([]);
  const target = await fs.mkdtemp(path.join(work, 'restore-'));
  const res = await restoreSnapshot(repo, snapshotId, { target });
  expect(res.errors).toEqual([]);
  expectSameManifest(
    await manifest(path.join(target, src), { dirTimes: false }),
    await manifest(src, { dirTimes: false }),
  );
}

describe('duplicate names on Drive', () => {
  it('an identical copy of an index and of a pack: listed once, read correctly', async () => {
    const index = filesUnder('index')[0]!;
    const pack = filesUnder('data')[0]!;
    const indexFolder = emu.folders('Lifeboat Backups/dups/index')[0]!;
    const packFolder = emu.folders(`Lifeboat Backups/dups/data/${pack.name.slice(0, 2)}`)[0]!;
    emu.putFile(indexFolder.id, index.name, index.content!);
    emu.putFile(packFolder.id, pack.name, pack.content!);
    const b = backendFor(emu, location);
    const indexes = await b.list('index');
    expect(indexes.filter((f) => f.name === index.name)).toEqual([{ name: index.name, size: index.size }]);
    const packs = await b.list('data');
    expect(packs.filter((f) => f.name === pack.name)).toEqual([{ name: pack.name, size: pack.size }]);
    expect(new Set(packs.map((p) => p.name)).size).toBe(packs.length);
    await expectRepositoryIntact();
  });

  it('a damaged older copy (other content, same name): the intact one is used for list, reads and ranges', async () => {
    const pack = filesUnder('data')[1]!;
    const index = filesUnder('index')[0]!;
    const packFolder = emu.folders(`Lifeboat Backups/dups/data/${pack.name.slice(0, 2)}`)[0]!;
    const indexFolder = emu.folders('Lifeboat Backups/dups/index')[0]!;
    // truncated and bit-flipped copies that are *older*, so "oldest wins" alone would pick them
    older(emu.putFile(packFolder.id, pack.name, pack.content!.subarray(0, pack.size! - 100)));
    const flipped = Buffer.from(index.content!);
    flipped[10]! ^= 1;
    older(emu.putFile(indexFolder.id, index.name, flipped));

    const b = backendFor(emu, location);
    expect((await b.list('data')).find((f) => f.name === pack.name)).toEqual({
      name: pack.name,
      size: pack.size,
    });
    expect(await b.stat('data', pack.name)).toEqual({ name: pack.name, size: pack.size });
    const whole = await b.read('index', index.name);
    expect(sha(whole)).toBe(index.name);
    const part = await b.read('data', pack.name, { offset: pack.size! - 200, length: 200 });
    expect(part.equals(pack.content!.subarray(pack.size! - 200))).toBe(true);
    await expectRepositoryIntact();
  });

  it('duplicated folders (two data/xx, two index/) are read as one; new files go to the oldest', async () => {
    const repoFolder = emu.folders('Lifeboat Backups/dups')[0]!;
    const extraIndex = emu.store.create({
      name: 'index',
      mimeType: folderMime,
      parent: repoFolder.id,
      appId: emu.clientId,
    });
    const moved = Buffer.from('{"packs":[]}');
    const movedName = sha(moved);
    emu.putFile(extraIndex.id, movedName, moved);
    const b = backendFor(emu, location);
    expect((await b.list('index')).map((f) => f.name)).toContain(movedName);
    expect((await b.read('index', movedName)).equals(moved)).toBe(true);
    const fresh = Buffer.from('new index file');
    await b.write('index', sha(fresh), fresh);
    const oldest = emu.folders('Lifeboat Backups/dups/index')[0]!;
    expect(emu.store.children(oldest.id).some((f) => f.name === sha(fresh))).toBe(true);
    await b.remove('index', sha(fresh));
    await b.remove('index', movedName);
    await expectRepositoryIntact();
  });

  it('a duplicated repository folder: the one holding the config is the repository', async () => {
    const parent = emu.folders('Lifeboat Backups')[0]!;
    const empty = emu.store.create({
      name: 'dups',
      mimeType: folderMime,
      parent: parent.id,
      appId: emu.clientId,
    });
    older(empty);
    const repo = await Repository.open(backendFor(emu, location), password);
    expect((await repo.listSnapshots()).map((s) => s.id)).toEqual([snapshotId]);
  });

  it('write-once: an existing name (any copy) is "exists"; remove deletes every copy', async () => {
    const b = backendFor(emu, location);
    const data = Buffer.from('a lock');
    const name = sha(data);
    await b.write('locks', name, data);
    const locks = emu.folders('Lifeboat Backups/dups/locks')[0]!;
    emu.putFile(locks.id, name, data);
    await expect(b.write('locks', name, data)).rejects.toMatchObject({ code: 'REPO_CORRUPT' });
    expect(await b.list('locks')).toEqual([{ name, size: data.length }]);
    await b.remove('locks', name);
    expect(emu.store.children(locks.id).filter((f) => f.name === name)).toEqual([]);
    expect(await b.list('locks')).toEqual([]);
  });

  it('a retried upload whose first answer was lost, hidden by a lagging listing: the duplicate is cleaned up', async () => {
    const b = backendFor(emu, location);
    const data = randomBytes(4000);
    const name = sha(data);
    // the create succeeds but its answer is lost; the lookup before the retry does not see it yet
    emu.injectFault({
      kind: 'reset-after',
      match: (r) => r.method === 'POST' && r.query.get('uploadType') === 'multipart',
    });
    emu.injectFault({
      kind: 'stale-list',
      match: (r) => r.query.get('q')?.includes(`name = '${name}'`) ?? false,
      times: 2,
    });
    await b.write('snapshots', name, data);
    const copies = emu.files().filter((f) => f.name === name);
    expect(copies).toHaveLength(1);
    expect(b.driveStats().duplicatesRemoved).toBe(1);
    expect((await b.read('snapshots', name)).equals(data)).toBe(true);
    await b.remove('snapshots', name);
  });
});
