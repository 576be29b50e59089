/**
 * The write path in detail: upload sessions that lose connections mid-append (recovered through
 * incorrect_offset/correct_offset), lost commit answers, content_hash verification (a server-side
 * corruption is detected and repaired), many small files batched so namespace lock contention never
 * surfaces, a full Dropbox (QUOTA_EXCEEDED, repository still valid), and lost sign-ins.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Dropbox, DropboxResponseError } from 'dropbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StaticTokenProvider } from '../../../src/engine/auth/token-provider.ts';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { dropboxContentHash } from '../../../src/engine/storage/dropbox/content-hash.ts';
import { createDropboxFetch, dropboxEndpoints } from '../../../src/engine/storage/dropbox/endpoints.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { dumpDropboxFolder } from '../../emulators/dropbox/dump.ts';
import { DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { emulatorBackend, emulatorTokens } from '../../emulators/dropbox/test-support.ts';
import { fastKdf, makeTree, password, pseudoRandom } from '../../helpers/backup-fixtures.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';

const mib = 1024 * 1024;
const hex = (i: number): string => i.toString(16).padStart(64, '0');
let emu: DropboxEmulator;
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-dropbox-upload-'));
  emu = await DropboxEmulator.start({ faults: { retryAfterSec: 0 } });
});
afterEach(() => {
  expect(emu.faults.pendingOneShots()).toBe(0); // every planned fault really happened
});
afterAll(async () => {
  await emu.close();
  await fs.rm(work, { recursive: true, force: true });
});

/** Buffer.equals: vitest's deep equality on megabytes of bytes is slow and huge on failure. */
function expectSame(actual: Buffer, expected: Buffer): void {
  expect(actual.byteLength).toBe(expected.byteLength);
  expect(actual.equals(expected)).toBe(true);
}

async function stored(p: string): Promise<Buffer> {
  const node = emu.store.get(p);
  if (node?.kind !== 'file') throw new Error(`${p} not stored`);
  return node.data;
}

describe('upload sessions', () => {
  it('a chunk whose answer is lost is resumed at Dropbox’s correct_offset; a chunk cut mid-body is resent', async () => {
    const backend = emulatorBackend(emu, 'dropbox:/sessions');
    const data = pseudoRandom(18 * mib + 12345, 7); // start + 4 appends of 4 MiB
    emu.injectOnce('files/upload_session/append_v2', 'reset_after'); // processed, answer lost
    emu.injectOnce('files/upload_session/append_v2', 'reset_mid_body'); // dropped while sending
    emu.injectOnce('files/upload_session/append_v2', 'server_error');
    await backend.write('data', hex(1), data);
    expectSame(await stored(`/sessions/data/00/${hex(1)}`), data);
    const s = backend.requestStats();
    expect(s.commits.offsetRecoveries).toBe(1);
    expect(s.commits.sessions).toBe(1);
    expect(emu.stats.largestBody).toBe(4 * mib);
    expectSame(await backend.read('data', hex(1)), data); // verified against content_hash on the way back
  });

  it('the closing append and the finish can both lose their answers', async () => {
    const backend = emulatorBackend(emu, 'dropbox:/sessions');
    const data = pseudoRandom(5 * mib, 8); // start (4 MiB) + one closing append
    emu.injectOnce('files/upload_session/append_v2', 'reset_after'); // closed, answer lost
    emu.injectOnce('files/upload_session/finish', 'reset_after'); // committed, answer lost → looked up
    await backend.write('data', hex(2), data);
    expectSame(await stored(`/sessions/data/00/${hex(2)}`), data);
    const s = backend.requestStats();
    expect(s.commits.offsetRecoveries).toBe(1);
    expect(s.requests['files/upload_session/finish']).toBe(2);
    expect(s.requests['files/get_metadata']).toBe(1);
  });

  it('sends content_hash with every chunk, and repairs a file Dropbox stored wrong', async () => {
    const backend = emulatorBackend(emu, 'dropbox:/hashes');
    const checkedBefore = emu.stats.contentHashesChecked;
    const small = pseudoRandom(300_000, 9);
    emu.injectOnce('files/upload', 'corrupt_store');
    await backend.write('index', hex(3), small);
    expectSame(await stored(`/hashes/index/${hex(3)}`), small);
    expect(dropboxContentHash(await stored(`/hashes/index/${hex(3)}`))).toBe(dropboxContentHash(small));
    expect(backend.requestStats().commits.requeued).toBe(1);
    expect(backend.requestStats().requests['files/delete_v2']).toBe(1);
    const big = pseudoRandom(10 * mib, 10);
    emu.injectOnce('files/upload_session/finish', 'corrupt_store');
    await backend.write('data', hex(4), big);
    expectSame(await stored(`/hashes/data/00/${hex(4)}`), big);
    expect(emu.stats.contentHashesChecked - checkedBefore).toBeGreaterThanOrEqual(1 + 1 + 3 + 3);
  });

  it('refuses a chunk over the payload limit like Dropbox (payload_too_large)', async () => {
    const small = await DropboxEmulator.start({ maxPayloadBytes: 1 * mib });
    try {
      const { accessToken } = small.issueToken();
      const sdk = new Dropbox({ accessToken, fetch: createDropboxFetch(dropboxEndpoints(small.endpoints(), {})) });
      const err = await sdk.filesUploadSessionStart({ contents: Buffer.alloc(mib + 1) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DropboxResponseError);
      expect((err as DropboxResponseError<{ error_summary: string }>).status).toBe(409);
      expect((err as DropboxResponseError<{ error_summary: string }>).error.error_summary).toMatch(/^payload_too_large\//);
    } finally {
      await small.close();
    }
  });
});

describe('many small files', () => {
  it('200 small files written at once are committed in batches, without too_many_write_operations', async () => {
    const busy = await DropboxEmulator.start({ writeLatencyMs: 5, writeRate: { perSecond: 20, burst: 5 } });
    try {
      const backend = emulatorBackend(busy, 'dropbox:/Apps/Lifeboat/many');
      const files = Array.from({ length: 200 }, (_, i) => ({ name: hex(0x1000 + i), data: pseudoRandom(200 + i * 13, i + 1) }));
      const t0 = performance.now();
      await Promise.all(files.map((f) => backend.write('snapshots', f.name, f.data)));
      const ms = performance.now() - t0;
      const s = backend.requestStats();
      console.info(`200 small files: ${Math.round(ms)} ms, ${s.total} requests, batches ${s.commits.batches}, largest ${s.commits.largestBatch}`);
      expect(busy.stats.writeContention).toBe(0);
      expect(s.retries).toBe(0);
      expect(s.commits.batchedFiles + s.commits.singleCommits).toBe(200);
      expect(s.commits.batches).toBeLessThanOrEqual(3);
      expect(busy.requestCount('files/upload_session/finish_batch_v2')).toBe(s.commits.batches);
      expect((await backend.list('snapshots')).length).toBe(200);
      expect(ms).toBeLessThan(5000);

      // The same files written naively (parallel files/upload) meet the namespace lock.
      const { accessToken } = busy.issueToken();
      const sdk = new Dropbox({ accessToken, fetch: createDropboxFetch(dropboxEndpoints(busy.endpoints(), {})) });
      const results = await Promise.allSettled(
        files.slice(0, 20).map((f) => sdk.filesUpload({ path: `/naive/${f.name}`, mode: { '.tag': 'add' }, contents: f.data })),
      );
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as DropboxResponseError<unknown>);
      expect(refused.length).toBeGreaterThan(10);
      expect(refused.every((e) => e.status === 429 && JSON.stringify(e.error).includes('too_many_write_operations'))).toBe(true);
      expect(refused[0]!.headers.get('retry-after')).toBe('1');
    } finally {
      await busy.close();
    }
  });
});

describe('a full Dropbox', () => {
  it('is QUOTA_EXCEEDED "Dropbox is full", not retried; the repository stays valid and works after space is freed', async () => {
    const full = await DropboxEmulator.start({ quotaBytes: 1024 ** 3 });
    try {
      const src = path.join(work, 'quota-src');
      await makeTree(src, { bigBytes: 2 * 1000 * 1000, smallFiles: 50, fifo: false });
      const backend = emulatorBackend(full, 'dropbox:/Apps/Lifeboat/shop');
      const repo = await Repository.init(backend, password, { kdf: fastKdf, packSize: 5 * mib });
      await backup(repo, { paths: [src], hostname: 'office-pc', workers: 2 });
      full.store.quotaBytes = full.store.usedBytes() + 64 * 1024;
      await fs.writeFile(path.join(src, 'big-export.bin'), pseudoRandom(6 * mib, 99));
      const retriesBefore = backend.requestStats().retries;
      const err = await backup(repo, { paths: [src], hostname: 'office-pc', workers: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LifeboatError);
      expect(err).toMatchObject({ code: 'QUOTA_EXCEEDED', message: 'Dropbox is full.' });
      expect(backend.requestStats().retries).toBe(retriesBefore); // not retried
      const usage = await new Dropbox({
        accessToken: full.issueToken().accessToken,
        fetch: createDropboxFetch(dropboxEndpoints(full.endpoints(), {})),
      }).usersGetSpaceUsage();
      expect(usage.result.used).toBeLessThanOrEqual(full.store.quotaBytes);

      const afterFailure = await checkRepository(await Repository.open(backend, password), { readData: true });
      expect(afterFailure.errors).toEqual([]);
      expect(afterFailure.counts.snapshots).toBe(1);

      full.store.quotaBytes = 1024 ** 3;
      // the next run opens the repository again (a failed run's Repository object is done)
      const next = await Repository.open(backend, password, { packSize: 5 * mib });
      const ok = await backup(next, { paths: [src], hostname: 'office-pc', workers: 2 });
      expect(ok.snapshotId).toBeTruthy();
      const report = await checkRepository(await Repository.open(backend, password), { readData: true });
      expect(report.errors).toEqual([]);
      expect(report.counts.snapshots).toBe(2);
      if (hasRestic) {
        const local = path.join(work, 'quota-dump');
        await dumpDropboxFolder(full, '/Apps/Lifeboat/shop', local);
        expect(await resticOk(local, ['check', '--read-data'], { password })).toContain('no errors were found');
      }
    } finally {
      await full.close();
    }
  });

  it('a full Dropbox inside a batch commit is QUOTA_EXCEEDED for the files that did not fit', async () => {
    const full = await DropboxEmulator.start({ quotaBytes: 10_000 });
    try {
      const backend = emulatorBackend(full, 'dropbox:/q');
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => backend.write('index', hex(i + 1), pseudoRandom(3000, i + 1))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of results.filter((x) => x.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'QUOTA_EXCEEDED' });
      }
      expect(backend.requestStats().commits.batches).toBe(1);
    } finally {
      await full.close();
    }
  });
});

describe('lost sign-in', () => {
  it('an expired access token is refreshed once and the call succeeds', async () => {
    const tokens = emulatorTokens(emu);
    const backend = emulatorBackend(emu, 'dropbox:/auth', { tokens });
    await backend.write('keys', hex(5), Buffer.from('k'));
    emu.clockOffsetMs = 5 * 3600_000; // every token issued so far has expired at Dropbox
    try {
      expect((await backend.list('keys')).map((f) => f.name)).toEqual([hex(5)]);
      expect(tokens.refreshes).toBe(1);
    } finally {
      emu.clockOffsetMs = 0;
    }
  });

  it('a token that cannot be refreshed is AUTH_REQUIRED, without retries', async () => {
    const backend = emulatorBackend(emu, 'dropbox:/auth', { tokens: new StaticTokenProvider('sl.not-a-token') });
    await expect(backend.list('keys')).rejects.toMatchObject({ code: 'AUTH_REQUIRED', message: 'Sign in to Dropbox again.' });
    const tokens = emulatorTokens(emu);
    const revoked = emulatorBackend(emu, 'dropbox:/auth', { tokens });
    emu.oauth.revokeAll();
    const before = emu.requestCount('files/list_folder');
    await expect(revoked.list('keys')).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(emu.requestCount('files/list_folder') - before).toBe(1);
    expect(emu.oauth.stats.errors.get('invalid_grant')).toBeGreaterThanOrEqual(1);
  });
});
