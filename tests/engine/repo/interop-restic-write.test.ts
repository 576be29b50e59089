/** Interoperability with the real restic binary: restic checks and restores what we wrote; keys are shared. */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { formatGoTime, nowNs } from '../../../src/engine/repo/go-time.ts';
import { lockRepository } from '../../../src/engine/repo/lock.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { hasRestic, restic, resticOk } from '../../helpers/restic.ts';
import { backupDir, expectSameManifest, makeSourceTree, manifest, wrapDir } from './fs-fixtures.ts';
import type { ManifestEntry } from './fs-fixtures.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';

const password = 'correct horse battery staple';
const fastKdf = { N: 4096, r: 8, p: 1 };
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-interop-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe.skipIf(!hasRestic)('Lifeboat → restic', () => {
  let repoDir: string;
  let src: string;

  beforeAll(async () => {
    repoDir = path.join(work, 'our-repo');
    src = path.join(work, 'our-src');
    await makeSourceTree(src, { randomBytes: 2 * 1024 * 1024 + 123 });
    const repo = await Repository.init(new LocalBackend(repoDir), password, {
      kdf: fastKdf,
      packSize: 1024 * 1024,
    });
    const dataTree = await backupDir(repo, src);
    const root = await repo.saveBlob('tree', encodeTree([wrapDir('data', dataTree)]));
    await repo.flush();
    await repo.saveUnpacked('snapshots', {
      time: formatGoTime(nowNs()),
      tree: root,
      paths: ['/data'],
      hostname: 'office-pc',
      username: 'lifeboat',
      tags: ['crm'],
      program_version: 'lifeboat 0.1.0',
    });
    expect(repo.packerStats.packsWritten).toBeGreaterThan(2);
  });

  it('passes `restic check --read-data` and `restic restore` reproduces it', async () => {
    const check = await restic(repoDir, ['check', '--read-data'], { password });
    expect(check.stderr + check.stdout).toContain('no errors were found');
    expect(check.code).toBe(0);
    const target = path.join(work, 'restic-restored');
    await resticOk(repoDir, ['restore', 'latest', '--target', target], { password });
    expectSameManifest(await manifest(path.join(target, 'data')), await manifest(src));
  });

  it('is readable by our own restore and check too', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const target = path.join(work, 'self-restored');
    const res = await restoreSnapshot(repo, 'latest', {
      target,
      include: ['/data/crm', '/data/link-to-report'],
    });
    expect(res.errors).toEqual([]);
    const m = await manifest(path.join(target, 'data'), { dirTimes: false });
    const full = await manifest(src, { dirTimes: false });
    expect(Object.keys(m).sort()).toEqual([
      'crm',
      'crm/contacts.csv',
      'crm/private.key',
      'crm/run.sh',
      'link-to-report',
    ]);
    expectSameManifest(m, Object.fromEntries(Object.keys(m).map((k) => [k, full[k] as ManifestEntry])));
    expect((await checkRepository(repo, { readData: true })).ok).toBe(true);
  });

  it('shares keys with restic: key list, password change, restic-added key', async () => {
    const keys = await resticOk(repoDir, ['key', 'list', '--json'], { password });
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    expect((JSON.parse(keys) as Array<{ id: string }>).map((k) => k.id)).toEqual([repo.keyId.slice(0, 8)]);

    const changed = await repo.changePassword('new password', { kdf: fastKdf });
    expect(changed.keyId).not.toBe(repo.keyId);
    expect((await restic(repoDir, ['snapshots'], { password })).code).not.toBe(0);
    await resticOk(repoDir, ['snapshots'], { password: 'new password' });
    await expect(Repository.open(new LocalBackend(repoDir), password)).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    });

    const pwFile = path.join(work, 'pw2');
    await fs.writeFile(pwFile, 'third password\n');
    await resticOk(repoDir, ['key', 'add', '--new-password-file', pwFile], { password: 'new password' });
    const third = await Repository.open(new LocalBackend(repoDir), 'third password');
    expect((await third.listKeys()).length).toBe(2);
  });

  it('restic respects our exclusive lock', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), 'new password');
    const lock = await lockRepository(repo, { exclusive: true, settleMs: 0, refreshMs: 0 });
    try {
      const r = await restic(repoDir, ['backup', src], { password: 'new password' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/locked/);
    } finally {
      await lock.release();
    }
  });
});

describe.skipIf(!hasRestic)('repository format version 1', () => {
  it('writes uncompressed data restic accepts, and reads what restic wrote', async () => {
    const repoDir = path.join(work, 'v1');
    const src = path.join(work, 'v1-src');
    await fs.mkdir(src);
    await fs.writeFile(path.join(src, 'a.txt'), 'version one\n'.repeat(1000));
    await resticOk(repoDir, ['init', '--repository-version', '1'], { password });
    await resticOk(repoDir, ['backup', src], { password });
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    expect(repo.config.version).toBe(1);
    await repo.loadIndex();
    const [theirs] = await repo.listSnapshots();
    const tree = await backupDir(repo, src);
    await repo.flush();
    for (const e of repo.index.entries()) expect(e.uncompressedLength).toBeUndefined();
    await repo.saveUnpacked('snapshots', {
      time: formatGoTime(nowNs()),
      tree,
      paths: ['/'],
      parent: theirs?.id,
    });
    const check = await restic(repoDir, ['check', '--read-data'], { password });
    expect(check.code, check.stderr).toBe(0);
    const target = path.join(work, 'v1-restored');
    expect((await restoreSnapshot(repo, theirs?.id ?? '', { target })).errors).toEqual([]);
    expect(await fs.readFile(path.join(target, src, 'a.txt'), 'utf8')).toBe('version one\n'.repeat(1000));
  });
});
