/**
 * A bad day at Dropbox: 10% of API requests fail (429 too_many_requests / too_many_write_operations,
 * 500, 503, connections dropped before processing, after processing, or mid-upload) and access
 * tokens expire every 50 requests. Backup, restore and check still complete, and the result is a
 * clean repository (our check with read-data, and restic's on a copy).
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropboxTokenProvider } from '../../../src/engine/auth/dropbox-token-provider.ts';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import type { DropboxBackend } from '../../../src/engine/storage/dropbox/dropbox-backend.ts';
import { dumpDropboxFolder } from '../../emulators/dropbox/dump.ts';
import type { FaultKind } from '../../emulators/dropbox/faults.ts';
import { DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { emulatorBackend, emulatorTokens } from '../../emulators/dropbox/test-support.ts';
import { expectSameManifest, fastKdf, makeTree, manifest, password } from '../../helpers/backup-fixtures.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';

const kinds: FaultKind[] = [
  'too_many_requests',
  'too_many_write_operations',
  'server_error',
  'unavailable',
  'reset_before',
  'reset_after',
  'reset_mid_body',
];
let work: string;
let src: string;
let emu: DropboxEmulator;
let tokens: DropboxTokenProvider;
let backend: DropboxBackend;
let repo: Repository;
let snapshotId: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-dropbox-faults-'));
  src = path.join(work, 'crm');
  await makeTree(src, { bigBytes: 24 * 1000 * 1000, smallFiles: 200, fifo: false });
  emu = await DropboxEmulator.start({
    listPageSize: 10,
    writeLatencyMs: 1,
    expireTokenAfter: 50,
    faults: { rate: 0.1, kinds, seed: 20240611, retryAfterSec: 0 },
  });
  tokens = emulatorTokens(emu);
  backend = emulatorBackend(emu, 'dropbox:/Apps/Lifeboat/shop', { tokens });
  repo = await Repository.init(backend, password, { kdf: fastKdf, packSize: 5 * 1024 * 1024 });
  // three backups with changes in between: packs, indexes, snapshots, locks created and removed
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      await fs.writeFile(path.join(src, `export-${i}.csv`), `id,deal\n${String(i).repeat(200_000)}\n`);
      await fs.rm(path.join(src, 'small', 'd0' + String(i)), { recursive: true });
    }
    const r = await backup(repo, { paths: [src], hostname: 'office-pc', workers: 2 });
    snapshotId = r.snapshotId!;
  }
});

afterAll(async () => {
  await emu?.close();
  await fs.rm(work, { recursive: true, force: true });
});

describe('Dropbox with 10% failing requests and expiring tokens', () => {
  it('backs up, restores byte for byte and checks clean', async () => {
    const target = path.join(work, 'restore');
    const res = await restoreSnapshot(repo, snapshotId, { target });
    expect(res.errors).toEqual([]);
    expectSameManifest(
      await manifest(path.join(target, src), { fifos: false, dirTimes: false }),
      await manifest(src, { fifos: false, dirTimes: false }),
    );
    const report = await checkRepository(repo, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('really met the faults, and recovered through retries and token refreshes', () => {
    const injected = Object.fromEntries(emu.faults.injected);
    const stats = backend.requestStats();
    console.info('dropbox faults:', JSON.stringify(injected), `requests ${stats.total}, retries ${stats.retries}, refreshes ${tokens.refreshes}`, JSON.stringify(stats.commits));
    const total = [...emu.faults.injected.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(15);
    expect(Object.keys(injected).length).toBeGreaterThanOrEqual(5);
    expect(stats.retries).toBeGreaterThan(0);
    expect(tokens.refreshes).toBeGreaterThan(0);
  });

  it.skipIf(!hasRestic)('leaves a repository restic accepts (check --read-data on a copy)', async () => {
    emu.setFaults({});
    const local = path.join(work, 'dump');
    await dumpDropboxFolder(emu, '/Apps/Lifeboat/shop', local);
    const out = await resticOk(local, ['check', '--read-data'], { password, timeoutMs: 60_000 });
    expect(out).toContain('no errors were found');
  });
});
