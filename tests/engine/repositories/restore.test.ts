import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { blobId } from '../../../src/engine/repo/blob-codec.ts';
import { goZeroTime } from '../../../src/engine/repo/tree.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import type { Backend } from '../../../src/engine/storage/backend.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { dirNode, fileNode, seedKdf } from '../../helpers/seed-repository.ts';
import { harness, tempDir, type Harness } from './harness.ts';

const password = 'restore test password';
const local = (p: string) => ({ kind: 'local' as const, path: p });

interface Fixture {
  h: Harness;
  repoDir: string;
  repositoryId: string;
  source: string;
  /** Oldest first: with contract.pdf, without it, a later one. */
  snapshots: string[];
  contract: Buffer;
  crm: Buffer;
}

/** Three real backups of a folder; contract.pdf is deleted after the first. */
async function fixture(): Promise<Fixture> {
  const root = tempDir('restore');
  const source = path.join(root, 'crm');
  mkdirSync(path.join(source, 'uploads'), { recursive: true });
  const contract = randomBytes(700 * 1024);
  const crm = randomBytes(300 * 1024);
  writeFileSync(path.join(source, 'uploads', 'contract.pdf'), contract);
  writeFileSync(path.join(source, 'crm.sqlite'), crm);
  writeFileSync(path.join(source, 'notes.txt'), 'Позвонить клиенту\n');
  const repoDir = path.join(root, 'repo');
  const repo = await Repository.init(new LocalBackend(repoDir), password, {
    kdf: seedKdf,
    packSize: 128 * 1024,
  });
  const snapshots: string[] = [];
  const snap = async (): Promise<void> => {
    const result = await backup(repo, { paths: [source], workers: 1 });
    snapshots.push(result.snapshotId ?? '');
  };
  await snap();
  rmSync(path.join(source, 'uploads', 'contract.pdf'));
  await snap();
  writeFileSync(path.join(source, 'notes.txt'), 'Позвонить клиенту\nОтправить счёт\n');
  await snap();
  const h = harness();
  const { repositoryId } = await h.call('connectRepository', { location: local(repoDir), password });
  return { h, repoDir, repositoryId, source, snapshots, contract, crm };
}

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

const request = (snapshotId: string, include: string[], target: string) => ({
  repositoryId: f.repositoryId,
  snapshotId,
  include,
  target: { kind: 'folder' as const, path: target },
});

describe('restore through the Service', () => {
  it('brings back a file deleted two versions ago, byte for byte, and verifies it', async () => {
    const target = path.join(tempDir('target'), 'restored');
    const req = request(f.snapshots[0] ?? '', [`${f.source}/uploads/contract.pdf`], target);
    const preview = await f.h.call('previewRestore', req);
    expect(preview).toEqual({
      files: 1,
      bytes: f.contract.length,
      targetPath: target,
      overwrites: [],
      overwriteCount: 0,
      neededBytes: expect.any(Number),
      freeBytes: expect.any(Number),
      enoughSpace: true,
    });
    f.h.progress.length = 0;
    const report = await f.h.call('restoreSnapshot', req);
    expect(readFileSync(path.join(target, f.source, 'uploads', 'contract.pdf')).equals(f.contract)).toBe(
      true,
    );
    expect(report).toMatchObject({
      snapshotId: f.snapshots[0],
      targetPath: target,
      filesRestored: 1,
      filesVerified: 1,
      bytesRestored: f.contract.length,
      problems: [],
      ok: true,
    });
    const phases = [...new Set(f.h.progress.map((p) => p.phase))];
    expect(phases).toEqual(['restoring', 'verifying']);
    expect(f.h.progress.at(-1)).toMatchObject({
      phase: 'verifying',
      filesDone: 1,
      bytesDone: f.contract.length,
    });
    expect(
      f.h.progress.every((p) => p.operation === 'restore' && p.jobId === null && p.filesTotal === 1),
    ).toBe(true);
  });

  it('refuses a folder that is not empty, a relative one, and paths the version does not have', async () => {
    const target = tempDir('busy');
    writeFileSync(path.join(target, 'other.txt'), 'mine');
    const req = request(f.snapshots[2] ?? '', [], target);
    expect((await f.h.fail('restoreSnapshot', req)).code).toBe('TARGET_NOT_EMPTY');
    expect((await f.h.fail('previewRestore', req)).code).toBe('TARGET_NOT_EMPTY');
    expect(readdirSync(target)).toEqual(['other.txt']);
    expect(
      (await f.h.fail('restoreSnapshot', { ...req, target: { kind: 'folder', path: 'x/y' } })).code,
    ).toBe('INVALID_ARGUMENT');
    expect((await f.h.fail('restoreSnapshot', { ...req, target: { kind: 'original' } })).code).toBe(
      'INVALID_ARGUMENT',
    );
    const missing = request(f.snapshots[2] ?? '', ['/no/such/file'], tempDir('none'));
    expect((await f.h.fail('restoreSnapshot', missing)).code).toBe('NOT_FOUND');
    expect((await f.h.fail('restoreSnapshot', request('e'.repeat(64), [], tempDir('none')))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('lists what restoring to the original place overwrites, then puts the old content back', async () => {
    const notes = path.join(f.source, 'notes.txt');
    const before = readFileSync(notes);
    writeFileSync(notes, 'changed since the backup\n');
    const req = {
      repositoryId: f.repositoryId,
      snapshotId: f.snapshots[2] ?? '',
      include: [notes],
      target: { kind: 'original' as const, confirmOverwrite: true as const },
    };
    const preview = await f.h.call('previewRestore', req);
    expect(preview).toMatchObject({ files: 1, targetPath: '/', overwrites: [notes], overwriteCount: 1 });
    const report = await f.h.call('restoreSnapshot', req);
    expect(report).toMatchObject({ ok: true, filesVerified: 1, problems: [] });
    expect(readFileSync(notes).equals(before)).toBe(true);
  });

  it('says which file a damaged pack lost, and restores and verifies the rest', async () => {
    const g = await fixture();
    const repo = await Repository.open(new LocalBackend(g.repoDir), password);
    await repo.loadIndex();
    const entry = repo.lookupBlob('data', blobId(g.crm));
    if (!entry) throw new Error('crm.sqlite is not one blob');
    const packFile = path.join(g.repoDir, 'data', entry.packId.slice(0, 2), entry.packId);
    const bytes = readFileSync(packFile);
    bytes[entry.offset + 100] = (bytes[entry.offset + 100] ?? 0) ^ 0xff;
    writeFileSync(packFile, bytes);
    const target = path.join(tempDir('damaged'), 'out');
    const report = await g.h.call('restoreSnapshot', {
      repositoryId: g.repositoryId,
      snapshotId: g.snapshots[2] ?? '',
      include: [],
      target: { kind: 'folder', path: target },
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        path: `${g.source}/crm.sqlite`,
        message: 'The backup copy of this file is damaged, so it could not be restored.',
      },
    ]);
    expect(report).toMatchObject({ filesRestored: 1, filesVerified: 1 });
    expect(existsSync(path.join(target, g.source, 'crm.sqlite'))).toBe(false);
    // In Russian for a Russian-speaking user.
    await g.h.call('updateSettings', { language: 'ru' });
    const ru = await g.h.call('restoreSnapshot', {
      repositoryId: g.repositoryId,
      snapshotId: g.snapshots[2] ?? '',
      include: [`${g.source}/crm.sqlite`],
      target: { kind: 'folder', path: path.join(tempDir('damaged-ru'), 'out') },
    });
    expect(ru.problems[0]?.message).toMatch(/повреждена/);
  });

  it('refuses a snapshot whose tree would write outside the target, writing nothing', async () => {
    const repoDir = tempDir('evil');
    const repo = await Repository.init(new LocalBackend(repoDir), password, { kdf: seedKdf });
    const data = await repo.saveBlob('data', Buffer.from('owned\n'));
    const evil = await repo.saveBlob(
      'tree',
      encodeTree([
        fileNode('../../escape.txt', 6, [data], goZeroTime),
        fileNode('ok.txt', 6, [data], goZeroTime),
      ]),
    );
    const root = await repo.saveBlob('tree', encodeTree([dirNode('x', evil, goZeroTime)]));
    await repo.flush();
    const snapshotId = await repo.saveSnapshot({ time: '2025-01-01T00:00:00Z', tree: root, paths: ['/x'] });
    const h = harness();
    const { repositoryId } = await h.call('connectRepository', { location: local(repoDir), password });
    const parent = tempDir('evil-target');
    const target = path.join(parent, 'a', 'b');
    const error = await h.fail('restoreSnapshot', {
      repositoryId,
      snapshotId,
      include: [],
      target: { kind: 'folder', path: target },
    });
    expect(error.code).toBe('UNSAFE_PATH');
    expect(existsSync(path.join(parent, 'escape.txt'))).toBe(false);
    expect(existsSync(target)).toBe(false);
  });
});

describe('special files', () => {
  it('mentions a pipe that is not restored, without calling the restore failed', async () => {
    const root = tempDir('fifo');
    const source = path.join(root, 'src');
    mkdirSync(source);
    writeFileSync(path.join(source, 'data.txt'), 'data');
    execFileSync('mkfifo', [path.join(source, 'pipe')]);
    const repoDir = path.join(root, 'repo');
    const repo = await Repository.init(new LocalBackend(repoDir), password, { kdf: seedKdf });
    const { snapshotId } = await backup(repo, { paths: [source], workers: 1 });
    const h = harness();
    const { repositoryId } = await h.call('connectRepository', { location: local(repoDir), password });
    const report = await h.call('restoreSnapshot', {
      repositoryId,
      snapshotId: snapshotId ?? '',
      include: [],
      target: { kind: 'folder', path: path.join(root, 'out') },
    });
    expect(report).toMatchObject({ ok: true, filesRestored: 1, filesVerified: 1 });
    expect(report.problems).toEqual([
      { path: `${source}/pipe`, message: expect.stringMatching(/not restored/) },
    ]);
  });
});

describe('cancelling a restore', () => {
  it('stops a restore in progress; the call rejects with CANCELLED and a second restore meanwhile is BUSY', async () => {
    const root = tempDir('cancel');
    const source = path.join(root, 'big');
    mkdirSync(source);
    for (let i = 0; i < 40; i++) writeFileSync(path.join(source, `file-${i}.bin`), randomBytes(1024 * 1024));
    const repoDir = path.join(root, 'repo');
    const repo = await Repository.init(new LocalBackend(repoDir), password, { kdf: seedKdf });
    const { snapshotId } = await backup(repo, { paths: [source], workers: 1 });
    // Slow storage, so the restore is surely still running when it is cancelled.
    const h = harness({
      jobs: { runner: { openBackend: async (location) => slowReads(new LocalBackend(location)) } },
    });
    const { repositoryId } = await h.call('connectRepository', { location: local(repoDir), password });
    expect(await h.call('cancelRestore', undefined)).toBe(false);
    const req = {
      repositoryId,
      snapshotId: snapshotId ?? '',
      include: [],
      target: { kind: 'folder' as const, path: path.join(root, 'out') },
    };
    let cancelled: Promise<boolean> | undefined;
    const off = h.service.on('progress', (p) => {
      if (p.phase === 'restoring' && p.bytesDone > 0 && !cancelled) cancelled = h.service.cancelRestore();
    });
    const running = h.fail('restoreSnapshot', req);
    await new Promise((r) => setTimeout(r, 5));
    expect(
      (
        await h.fail('restoreSnapshot', {
          ...req,
          target: { kind: 'folder', path: path.join(root, 'other') },
        })
      ).code,
    ).toBe('BUSY');
    expect((await running).code).toBe('CANCELLED');
    off();
    expect(await cancelled).toBe(true);
    // The next restore runs normally.
    const report = await h.call('restoreSnapshot', {
      ...req,
      target: { kind: 'folder', path: path.join(root, 'again') },
    });
    expect(report).toMatchObject({ ok: true, filesRestored: 40, filesVerified: 40 });
    expect(readdirSync(path.join(root, 'out', source)).length).toBeLessThan(40);
  }, 60_000);
});

function slowReads(backend: LocalBackend): Backend {
  return Object.assign(Object.create(backend) as LocalBackend, {
    read: async (...args: Parameters<Backend['read']>) => {
      if (args[0] === 'data') await new Promise((r) => setTimeout(r, 100));
      return backend.read(...args);
    },
  });
}
