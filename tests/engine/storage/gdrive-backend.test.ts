/**
 * The Google Drive backend end to end with the real @googleapis/drive + google-auth-library code
 * against the strict emulator: a repository at `gdrive:Lifeboat Backups/shop` is initialised,
 * backed up to, restored byte for byte, checked with read-data by us and — copied out of the
 * emulator — by `restic check --read-data`. Plus the Backend contract on Drive.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { GoogleDriveBackend } from '../../../src/engine/storage/gdrive/gdrive-backend.ts';
import { parseGdriveLocation } from '../../../src/engine/storage/gdrive/location.ts';
import { backendFor, startEmulator, tokenProviderFor } from '../../emulators/gdrive/fixtures.ts';
import type { DriveEmulator } from '../../emulators/gdrive/fixtures.ts';
import { expectSameManifest, fastKdf, makeTree, manifest, password } from '../../helpers/backup-fixtures.ts';
import { hasRestic, restic } from '../../helpers/restic.ts';

const location = 'gdrive:Lifeboat Backups/shop';
let emu: DriveEmulator;
let work: string;
let src: string;
let repo: Repository;
let writer: GoogleDriveBackend;
let snapshotId: string;
let backupMs = 0;

const hex = (c: string): string => c.repeat(64).slice(0, 64);

beforeAll(async () => {
  emu = await startEmulator({ partialPages: true });
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-gdrive-'));
  src = path.join(work, 'src');
  await makeTree(src, { bigBytes: 14_000_000, smallFiles: 300, fifo: false });
  // restic's default 16 MiB packs: the big ones go up resumably, index/snapshot/keys as multipart
  writer = backendFor(emu, location);
  repo = await Repository.init(writer, password, { kdf: fastKdf });
  const t = performance.now();
  const result = await backup(repo, { paths: [src], tags: ['crm'], hostname: 'office-pc' });
  backupMs = performance.now() - t;
  expect(result.partial).toBe(false);
  snapshotId = result.snapshotId!;
});

afterAll(async () => {
  await emu.close();
  await fs.rm(work, { recursive: true, force: true });
});

describe('a repository on Google Drive', () => {
  it('keeps restic’s layout inside the folder the app created', () => {
    const paths = emu.files().map((f) => f.path);
    expect(paths).toContain('Lifeboat Backups/shop/config');
    for (const dir of ['keys', 'data', 'index', 'snapshots', 'locks'])
      expect(paths).toContain(`Lifeboat Backups/shop/${dir}`);
    const packs = emu
      .files()
      .filter((f) => /^Lifeboat Backups\/shop\/data\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f.path));
    expect(packs.length).toBeGreaterThan(1);
    for (const p of packs) expect(p.path.split('/')[3]).toBe(p.name.slice(0, 2));
    // every name appears once per folder: no duplicates from retries
    expect(new Set(paths).size).toBe(paths.length);
    // the big packs went up resumably in 256 KiB-multiple chunks, the small files as multipart
    expect(emu.log.some((r) => r.uploadType === 'resumable')).toBe(true);
    expect(emu.log.some((r) => r.uploadType === 'multipart')).toBe(true);
  });

  it('is opened by a new backend and restored byte for byte', async () => {
    const reader = backendFor(emu, location);
    const fresh = await Repository.open(reader, password);
    const target = path.join(work, 'restore');
    const t = performance.now();
    const res = await restoreSnapshot(fresh, snapshotId, { target });
    const restoreMs = performance.now() - t;
    const w = writer.stats();
    const r = reader.stats();
    console.log(
      `backup of ${(w.write.bytes / 1e6).toFixed(1)} MB in ${backupMs.toFixed(0)} ms: ` +
        `${writer.driveStats().requests} requests (write ${w.write.calls}, list ${w.list.calls}, stat ${w.stat.calls}); ` +
        `open+restore in ${restoreMs.toFixed(0)} ms: ${reader.driveStats().requests} requests (read ${r.read.calls}, list ${r.list.calls})`,
    );
    expect(res.errors).toEqual([]);
    expectSameManifest(
      await manifest(path.join(target, src), { dirTimes: false }),
      await manifest(src, { dirTimes: false }),
    );
  });

  it('passes our check with read-data', async () => {
    const fresh = await Repository.open(backendFor(emu, location), password);
    const report = await checkRepository(fresh, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.snapshots).toBe(1);
    expect(report.counts.packsRead).toBe(report.counts.packs);
  });

  it.skipIf(!hasRestic)('passes `restic check --read-data` on a copy of the Drive folder', async () => {
    const copy = path.join(work, 'copy');
    const dump = await emu.dumpFolder('Lifeboat Backups/shop', copy);
    expect(dump.duplicates).toEqual([]);
    const check = await restic(copy, ['check', '--read-data'], { password });
    expect(check.stderr + check.stdout).toContain('no errors were found');
    expect(check.code).toBe(0);
  });

  it('counts requests and bytes per operation', async () => {
    const b = backendFor(emu, location);
    await Repository.open(b, password).then((r) => r.loadIndex());
    const stats = b.stats();
    expect(stats.list.calls).toBeGreaterThan(0);
    expect(stats.read.calls).toBeGreaterThan(0);
    expect(stats.read.bytes).toBeGreaterThan(0);
    expect(stats.write.calls).toBe(0);
    expect(b.driveStats().requests).toBe(Object.values(stats).reduce((n, s) => n + s.calls, 0));
  });
});

describe('the Backend contract on Drive', () => {
  it('parses gdrive: locations', () => {
    expect(parseGdriveLocation('gdrive:Lifeboat Backups/shop')).toEqual(['Lifeboat Backups', 'shop']);
    expect(parseGdriveLocation('gdrive:/a/b/')).toEqual(['a', 'b']);
    for (const bad of ['gdrive:', 'gdrive:a//b', 'gdrive:a/../b', 'dropbox:/x']) {
      expect(() => parseGdriveLocation(bad)).toThrow(LifeboatError);
    }
    expect(backendFor(emu, 'gdrive:x/y').location).toBe('gdrive:x/y');
    expect(() => backendFor(emu, 'x', { chunkSize: 1000 })).toThrow(/256 KiB/);
  });

  it('lists, stats, reads ranges, writes once and removes', async () => {
    const b = backendFor(emu, 'contract/one');
    await b.create();
    await expect(b.create()).resolves.toBeUndefined(); // no config yet: create is idempotent
    const data = randomBytes(3000);
    await b.write('index', hex('a'), data);
    await b.write('data', hex('b'), randomBytes(10));
    await expect(b.write('index', hex('a'), data)).rejects.toMatchObject({ code: 'REPO_CORRUPT' });
    expect(await b.list('index')).toEqual([{ name: hex('a'), size: 3000 }]);
    expect(await b.list('data')).toEqual([{ name: hex('b'), size: 10 }]);
    expect(await b.list('locks')).toEqual([]);
    expect(await b.list('config')).toEqual([]);
    expect(await b.stat('index', hex('a'))).toEqual({ name: hex('a'), size: 3000 });
    expect(await b.stat('index', hex('c'))).toBeUndefined();
    expect(
      (await b.read('index', hex('a'), { offset: 1000, length: 24 })).equals(data.subarray(1000, 1024)),
    ).toBe(true);
    expect((await b.read('index', hex('a'), { offset: 5, length: 0 })).length).toBe(0);
    await expect(b.read('index', hex('a'), { offset: 2990, length: 20 })).rejects.toMatchObject({
      code: 'REPO_CORRUPT',
    });
    await expect(b.read('index', hex('c'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await b.write('keys', hex('d'), Buffer.alloc(0));
    expect((await b.read('keys', hex('d'))).length).toBe(0);
    await b.remove('index', hex('a'));
    await b.remove('index', hex('a')); // already gone: fine
    expect(await b.list('index')).toEqual([]);
    await expect(b.write('index', 'not-a-hash', data)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await b.write('config', 'config', Buffer.from('cfg'));
    await expect(backendFor(emu, 'contract/one').create()).rejects.toMatchObject({ code: 'REPO_EXISTS' });
    expect(await b.list('config')).toEqual([{ name: 'config', size: 3 }]);
  });

  it('says REPO_NOT_FOUND for a folder that does not exist', async () => {
    const b = backendFor(emu, 'no/such/folder');
    await expect(b.list('snapshots')).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
    expect(await b.stat('config', 'config')).toBeUndefined();
    await expect(b.read('keys', hex('e'))).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
    await expect(Repository.open(b, password)).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
    await expect(b.write('keys', hex('e'), Buffer.from('x'))).rejects.toMatchObject({
      code: 'REPO_NOT_FOUND',
    });
    await b.remove('keys', hex('e'));
  });

  it('follows nextPageToken through more than 1000 files (and short pages)', async () => {
    const b = backendFor(emu, 'contract/many');
    await b.create();
    const index = emu.folders('contract/many/index')[0]!;
    for (let i = 0; i < 1234; i++)
      emu.putFile(index.id, i.toString(16).padStart(64, '0'), Buffer.from([i & 255]));
    const listed = await b.list('index');
    expect(listed.length).toBe(1234);
    expect(new Set(listed.map((f) => f.name)).size).toBe(1234);
    const lists = emu.log.filter((r) => r.method === 'GET' && r.path === '/drive/v3/files');
    expect(lists.length).toBeGreaterThan(2);
  });

  it('finds data written by another client after its folder list was cached', async () => {
    const a = backendFor(emu, 'contract/two');
    await a.create();
    const b = backendFor(emu, 'contract/two');
    expect(await b.list('data')).toEqual([]);
    await a.write('data', hex('f'), Buffer.from('from a'));
    // b cached "no data/ff folder"; a read after a 404-style miss looks again
    expect((await b.read('data', hex('f'))).toString()).toBe('from a');
    expect(await b.list('data')).toEqual([{ name: hex('f'), size: 6 }]);
  });

  it('recreates a subfolder removed by hand', async () => {
    const b = backendFor(emu, 'contract/three');
    await b.create();
    await b.write('snapshots', hex('1'), Buffer.from('one'));
    const folder = emu.folders('contract/three/snapshots')[0]!;
    emu.store.delete(folder.id);
    await b.write('snapshots', hex('2'), Buffer.from('two'));
    expect((await b.list('snapshots')).map((f) => f.name)).toEqual([hex('2')]);
  });

  it('reads the API root from LIFEBOAT_GDRIVE_URL', async () => {
    const before = process.env.LIFEBOAT_GDRIVE_URL;
    process.env.LIFEBOAT_GDRIVE_URL = emu.url;
    try {
      const b = new GoogleDriveBackend({ folder: location, tokens: tokenProviderFor(emu) });
      expect((await b.list('snapshots')).length).toBe(1);
    } finally {
      if (before === undefined) delete process.env.LIFEBOAT_GDRIVE_URL;
      else process.env.LIFEBOAT_GDRIVE_URL = before;
    }
  });
});
