/**
 * A file over 100 MiB (a database file of a busy CRM) round-trips both ways: what Lifeboat stores is
 * restored byte for byte by restic, and what restic stores is restored byte for byte by Lifeboat. The
 * content mixes compressible pages and random blocks, so chunk boundaries, compression decisions and
 * multi-pack files are all exercised.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import { initRepo, password } from '../../helpers/backup-fixtures.ts';

const size = 110 * 1024 * 1024;
let work: string;
let file: string;
let digest: string;

async function sha256(p: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-large-'));
  await fs.mkdir(path.join(work, 'src'));
  file = path.join(work, 'src', 'crm-big.sqlite');
  const handle = await fs.open(file, 'w');
  const page = Buffer.alloc(1024 * 1024);
  for (let mib = 0; mib < size / (1024 * 1024); mib++) {
    if (mib % 3 === 0) randomBytes(page.length).copy(page);
    else page.fill(`row ${mib};customer;deal;activity;`);
    await handle.write(page);
  }
  await handle.close();
  digest = await sha256(file);
}, 120_000);

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe.skipIf(!hasRestic)('a file over 100 MiB', () => {
  it('Lifeboat stores it; restic checks and restores it byte for byte', async () => {
    const repoDir = path.join(work, 'ours');
    const repo = await initRepo(repoDir, 16 * 1024 * 1024);
    const result = await backup(repo, { paths: [file] });
    expect(result.summary.total_bytes_processed).toBe(size);
    await resticOk(repoDir, ['check', '--read-data'], { password });
    const target = path.join(work, 'restic-restored');
    await resticOk(repoDir, ['restore', 'latest', '--target', target], { password, timeoutMs: 120_000 });
    expect(await sha256(path.join(target, file))).toBe(digest);
    await fs.rm(target, { recursive: true });
  }, 180_000);

  it('restic stores it; Lifeboat restores it byte for byte', async () => {
    const repoDir = path.join(work, 'theirs');
    await resticOk(repoDir, ['init', '--repository-version', '2'], { password });
    await resticOk(repoDir, ['backup', file], { password, timeoutMs: 120_000 });
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const target = path.join(work, 'ours-restored');
    const restored = await restoreSnapshot(repo, 'latest', { target });
    expect(restored.errors).toEqual([]);
    expect(await sha256(path.join(target, file))).toBe(digest);
  }, 180_000);
});
