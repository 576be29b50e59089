/**
 * End to end through the real SDK and the strict emulator: a repository at
 * dropbox:/Apps/Lifeboat/shop is created, backed up into, restored byte for byte and checked with
 * read-data; the emulator's copy of the folder is then a repository the real restic accepts.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import type { BackupResult } from '../../../src/engine/repo/backup/archiver.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import type { DropboxBackend } from '../../../src/engine/storage/dropbox/dropbox-backend.ts';
import { dumpDropboxFolder } from '../../emulators/dropbox/dump.ts';
import { DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { emulatorBackend } from '../../emulators/dropbox/test-support.ts';
import { expectSameManifest, fastKdf, makeTree, manifest, password } from '../../helpers/backup-fixtures.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';

const mib = 1024 * 1024;
let work: string;
let src: string;
let emu: DropboxEmulator;
let backend: DropboxBackend;
let repo: Repository;
let first: BackupResult;
let second: BackupResult;
let backupMs = 0;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-dropbox-repo-'));
  src = path.join(work, 'crm');
  await makeTree(src, { bigBytes: 14 * 1000 * 1000, smallFiles: 300, fifo: false });
  emu = await DropboxEmulator.start({ listPageSize: 25, writeLatencyMs: 2 });
  backend = emulatorBackend(emu, 'dropbox:/Apps/Lifeboat/shop');
  repo = await Repository.init(backend, password, { kdf: fastKdf, packSize: 6 * mib });
  const t0 = performance.now();
  first = await backup(repo, { paths: [src], hostname: 'office-pc', workers: 2 });
  await fs.writeFile(path.join(src, 'Документы', 'new-deal.csv'), 'id,amount\n1,100\n');
  second = await backup(repo, { paths: [src], hostname: 'office-pc', workers: 2 });
  backupMs = performance.now() - t0;
});

afterAll(async () => {
  await emu?.close();
  await fs.rm(work, { recursive: true, force: true });
});

describe('a repository in Dropbox (emulated)', () => {
  it('stores restic’s layout under the folder, packs bigger than a chunk through upload sessions', () => {
    expect(first.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(second.snapshot.parent).toBe(first.snapshotId);
    expect(emu.store.get('/apps/lifeboat/shop/config')?.kind).toBe('file');
    expect(emu.store.children('/Apps/Lifeboat/shop/snapshots', false)).toHaveLength(2);
    const stats = backend.requestStats();
    expect(stats.commits.sessions).toBeGreaterThan(0);
    expect(stats.commits.appends).toBeGreaterThan(0);
    expect(emu.stats.largestBody).toBeLessThanOrEqual(4 * mib);
    expect(emu.stats.writeContention).toBe(0);
    expect(emu.stats.contentHashesChecked).toBeGreaterThan(0);
    console.info(
      `dropbox e2e: 2 backups in ${Math.round(backupMs)} ms, ${stats.total} HTTP requests`,
      JSON.stringify(stats.requests),
      JSON.stringify(stats.commits),
    );
  });

  it('restores byte for byte (reopened with the password, from a fresh backend)', async () => {
    const reopened = await Repository.open(emulatorBackend(emu, 'dropbox:/apps/LIFEBOAT/shop'), password);
    const target = path.join(work, 'restore');
    const res = await restoreSnapshot(reopened, second.snapshotId!, { target });
    expect(res.errors).toEqual([]);
    expectSameManifest(
      await manifest(path.join(target, src), { fifos: false, dirTimes: false }),
      await manifest(src, { fifos: false, dirTimes: false }),
    );
  });

  it('passes our check with read-data', async () => {
    const report = await checkRepository(repo, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.snapshots).toBe(2);
    expect(report.counts.packsRead).toBe(report.counts.packs);
  });

  it.skipIf(!hasRestic)('copied out of Dropbox, passes `restic check --read-data` and restores with restic', async () => {
    const local = path.join(work, 'dump');
    const files = await dumpDropboxFolder(emu, '/Apps/Lifeboat/shop', local);
    expect(files).toBeGreaterThan(5);
    const out = await resticOk(local, ['check', '--read-data'], { password, timeoutMs: 60_000 });
    expect(out).toContain('no errors were found');
    const target = path.join(work, 'restic-restore');
    await resticOk(local, ['restore', 'latest', '--target', target], { password, timeoutMs: 60_000 });
    expectSameManifest(
      await manifest(path.join(target, src), { fifos: false, dirTimes: false }),
      await manifest(src, { fifos: false, dirTimes: false }),
    );
  });
});
