/**
 * Drive misbehaving the ways it does in real life: rate limits (403 and 429, Retry-After), 5xx,
 * dropped connections before, during and after a request (lost answers), truncated downloads,
 * access tokens that stop working — 10 % of all requests, mixed — and a full Drive. The backup
 * completes, the repository checks clean and nothing is duplicated; a full Drive is a clear
 * QUOTA_EXCEEDED and leaves a valid repository.
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
import { backendFor, startEmulator } from '../../emulators/gdrive/fixtures.ts';
import type { DriveEmulator } from '../../emulators/gdrive/fixtures.ts';
import type { FaultKind } from '../../emulators/gdrive/server.ts';
import { makeSourceTree } from '../repo/fs-fixtures.ts';
import { expectSameManifest, fastKdf, manifest, password } from '../../helpers/backup-fixtures.ts';
import { hasRestic, restic } from '../../helpers/restic.ts';

let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-gdrive-faults-'));
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function duplicatesIn(emu: DriveEmulator): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const f of emu.files()) {
    if (seen.has(f.path)) dups.push(f.path);
    seen.add(f.path);
  }
  return dups;
}

describe('10 % of requests failing, mixed', () => {
  let emu: DriveEmulator;

  beforeAll(async () => {
    emu = await startEmulator({ tokenMaxUses: 25, partialPages: true });
  });
  afterAll(() => emu.close());

  it('a backup still completes, restores byte for byte and checks clean', async () => {
    const src = path.join(work, 'mixed-src');
    await makeSourceTree(src, { randomBytes: 16 * 1024 * 1024, textBytes: 2 * 1024 * 1024 });
    const location = 'gdrive:Lifeboat Backups/faults';
    // uploads and downloads are a minority of requests: weigh the faults only they can get
    emu.setFaults({ rate: 0.1, seed: 7, weights: { 'reset-mid-body': 4, 'truncate-download': 3 } });
    const b = backendFor(emu, location, { chunkSize: 256 * 1024 });
    const repo = await Repository.init(b, password, { kdf: fastKdf, packSize: 6 * 1024 * 1024 });
    const first = await backup(repo, { paths: [src], hostname: 'office-pc' });
    expect(first.partial).toBe(false);
    await fs.writeFile(path.join(src, 'crm', 'new.csv'), randomBytes(2 * 1024 * 1024));
    const second = await backup(repo, { paths: [src], hostname: 'office-pc' });
    expect(second.summary.files_new).toBe(1);

    // reading under the same faults: restore and check with read-data
    const reader = await Repository.open(backendFor(emu, location), password);
    const target = path.join(work, 'mixed-restore');
    const restored = await restoreSnapshot(reader, second.snapshotId!, { target });
    expect(restored.errors).toEqual([]);
    expectSameManifest(
      await manifest(path.join(target, src), { dirTimes: false }),
      await manifest(src, { dirTimes: false }),
    );
    const report = await checkRepository(reader, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);

    const injected = emu.log.filter((r) => r.fault);
    const kinds = new Set(injected.map((r) => r.fault));
    const total = emu.log.filter((r) => !['/token', '/o/oauth2/v2/auth'].includes(r.path)).length;
    console.log(
      `faults: ${injected.length} of ${total} Drive requests (${[...kinds].join(', ')}); ` +
        `writer ${JSON.stringify(b.driveStats())}, token refreshes ${emu.oauth.counts.refreshes}`,
    );
    expect(injected.length / total).toBeGreaterThan(0.05);
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    expect(kinds.has('reset-mid-body') || kinds.has('reset')).toBe(true);
    expect(b.driveStats().retries).toBeGreaterThan(0);
    expect(b.driveStats().forcedRefreshes).toBeGreaterThan(0); // tokens died after 25 uses
    expect(duplicatesIn(emu)).toEqual([]);

    emu.setFaults(undefined);
    if (hasRestic) {
      const copy = path.join(work, 'mixed-copy');
      await emu.dumpFolder('Lifeboat Backups/faults', copy);
      const check = await restic(copy, ['check', '--read-data'], { password });
      expect(check.stderr + check.stdout).toContain('no errors were found');
    }
  });
});

describe('each kind of failure, one at a time', () => {
  let emu: DriveEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  const kinds: FaultKind[] = [
    'rate-429',
    'rate-403',
    'user-rate-403',
    'error-500',
    'error-503',
    'reset',
    'reset-mid-body',
    'reset-after',
  ];
  for (const kind of kinds) {
    it(`${kind} on an upload (POST) is retried and leaves exactly one file`, async () => {
      const b = backendFor(emu, `one-at-a-time/${kind}`, { chunkSize: 256 * 1024 });
      await b.create();
      const name = randomBytes(32).toString('hex');
      const data = randomBytes(kind === 'reset-mid-body' ? 6 * 1024 * 1024 : 100_000);
      emu.injectFault({ kind, match: (r) => r.method === 'POST' || r.method === 'PUT' });
      await b.write('data', name, data);
      expect((await b.read('data', name)).equals(data)).toBe(true);
      expect(emu.files().filter((f) => f.name === name)).toHaveLength(1);
      expect(emu.log.some((r) => r.fault === kind)).toBe(true);
      expect(b.driveStats().retries).toBe(1);
    });
  }

  it('a truncated download is read again', async () => {
    const b = backendFor(emu, 'one-at-a-time/truncate');
    await b.create();
    const name = randomBytes(32).toString('hex');
    const data = randomBytes(300_000);
    await b.write('index', name, data);
    emu.injectFault({ kind: 'truncate-download' });
    expect((await b.read('index', name)).equals(data)).toBe(true);
    emu.injectFault({ kind: 'truncate-download' });
    expect(
      (await b.read('index', name, { offset: 1000, length: 200_000 })).equals(data.subarray(1000, 201_000)),
    ).toBe(true);
    expect(b.driveStats().retries).toBe(2);
  });

  it('waits at least as long as Retry-After says', async () => {
    const delays: number[] = [];
    const b = backendFor(emu, 'one-at-a-time/retry-after', {
      retry: { baseMs: 1, maxMs: 5, sleep: async (ms) => void delays.push(ms) },
    });
    await b.create();
    emu.setFaults({ rate: 0, retryAfterSeconds: 3 });
    emu.injectFault({ kind: 'rate-429' });
    await b.write('locks', randomBytes(32).toString('hex'), Buffer.from('lock'));
    emu.setFaults(undefined);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(3000);
  });

  it('a request that never gets an answer times out and is retried', async () => {
    const b = backendFor(emu, 'one-at-a-time/stall', { timeoutMs: 300 });
    await b.create();
    const name = randomBytes(32).toString('hex');
    await b.write('index', name, Buffer.from('patience'));
    emu.injectFault({ kind: 'stall', match: (r) => r.isDownload });
    const t = performance.now();
    expect((await b.read('index', name)).toString()).toBe('patience');
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
    expect(b.driveStats().retries).toBe(1);
  });

  it('a Drive that keeps failing ends in NETWORK, not an endless loop', async () => {
    const b = backendFor(emu, 'one-at-a-time/down', { retry: { baseMs: 1, maxMs: 2, retries: 3 } });
    await b.create();
    emu.injectFault({ kind: 'error-503', times: 10 });
    const err = await b.list('index').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).code).toBe('NETWORK');
    expect(b.driveStats().retries).toBe(3);
    emu.injectFault({ kind: 'error-503', times: 0 });
    emu.setFaults(undefined);
  });

  it('an md5Checksum that differs from ours: the damaged copy is deleted and uploaded again', async () => {
    const b = backendFor(emu, 'one-at-a-time/md5', { chunkSize: 256 * 1024 });
    await b.create();
    for (const size of [50_000, 6 * 1024 * 1024]) {
      const name = randomBytes(32).toString('hex');
      const data = randomBytes(size);
      emu.corruptUploads = 1;
      await b.write('data', name, data);
      expect(emu.corruptUploads).toBe(0);
      const stored = emu.files().filter((f) => f.name === name);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.content!.equals(data)).toBe(true);
    }
  });
});

describe('a full Google Drive', () => {
  it('is a clear QUOTA_EXCEEDED, not retried, and the repository stays valid and usable', async () => {
    const emu = await startEmulator();
    try {
      const src = path.join(work, 'quota-src');
      await makeSourceTree(src, { randomBytes: 8 * 1024 * 1024, textBytes: 1024 * 1024 });
      const location = 'gdrive:Lifeboat Backups/full';
      const b = backendFor(emu, location);
      const repo = await Repository.init(b, password, { kdf: fastKdf, packSize: 4 * 1024 * 1024 });
      const small = path.join(work, 'quota-small');
      await fs.mkdir(small, { recursive: true });
      await fs.writeFile(path.join(small, 'a.txt'), 'first backup\n');
      expect((await backup(repo, { paths: [small] })).partial).toBe(false);

      emu.quotaBytes = emu.usage() + 3 * 1024 * 1024; // room for some packs, not for all
      const err = await backup(repo, { paths: [src] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LifeboatError);
      const e = err as LifeboatError;
      expect(e.code).toBe('QUOTA_EXCEEDED');
      expect(e.message).toBe('Google Drive is full.');
      expect(e.hint).toMatch(/Free up space/);
      expect(b.driveStats().retries).toBe(0); // storageQuotaExceeded is never retried
      expect(emu.log.filter((r) => r.status === 403).length).toBeGreaterThanOrEqual(1);

      // still valid: the first snapshot checks clean (left-over packs are only warnings)
      const after = await Repository.open(backendFor(emu, location), password);
      const report = await checkRepository(after, { readData: true });
      expect(report.errors).toEqual([]);
      expect((await after.listSnapshots()).length).toBe(1);

      // room again: the next backup works
      emu.quotaBytes = undefined;
      const again = await backup(after, { paths: [src] });
      expect(again.partial).toBe(false);
      const final = await checkRepository(await Repository.open(backendFor(emu, location), password), {
        readData: true,
      });
      expect(final.errors).toEqual([]);
      expect(final.counts.snapshots).toBe(2);
    } finally {
      await emu.close();
    }
  });

  it('is detected when a resumable upload starts (X-Upload-Content-Length) and when it completes', async () => {
    const emu = await startEmulator();
    try {
      const b = backendFor(emu, 'quota/resumable', { chunkSize: 1024 * 1024 });
      await b.create();
      emu.quotaBytes = 4 * 1024 * 1024;
      const name = randomBytes(32).toString('hex');
      await expect(b.write('data', name, randomBytes(6 * 1024 * 1024))).rejects.toMatchObject({
        code: 'QUOTA_EXCEEDED',
      });
      expect(emu.sessions.size).toBe(0); // refused at the start
      // a session started with room, the Drive filled up meanwhile: refused at the last chunk
      emu.quotaBytes = 10 * 1024 * 1024;
      const other = backendFor(emu, 'quota/resumable');
      const filler = emu.folders('quota/resumable/index')[0]!;
      let filled = false;
      emu.injectFault({
        kind: 'error-500',
        match: (r) => {
          if (!filled && r.isChunk && !r.isStatusQuery) {
            filled = true; // someone else fills the Drive while our upload runs
            emu.putFile(filler.id, 'filler', Buffer.alloc(5 * 1024 * 1024));
          }
          return false;
        },
      });
      await expect(other.write('data', name, randomBytes(6 * 1024 * 1024))).rejects.toMatchObject({
        code: 'QUOTA_EXCEEDED',
      });
      expect(emu.files().filter((f) => f.name === name)).toHaveLength(0);
    } finally {
      await emu.close();
    }
  });
});
