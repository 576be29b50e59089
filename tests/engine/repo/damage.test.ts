/** Damaged repositories: check pinpoints the pack and the files; restore saves everything else. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { backupDir, wrapDir } from './fs-fixtures.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import { blobId } from '../../../src/engine/repo/blob-codec.ts';

const pw = 'pw';
let work: string;
let repoDir: string;
let damagedPack: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-damage-'));
  repoDir = path.join(work, 'repo');
  const src = path.join(work, 'src');
  await fs.mkdir(path.join(src, 'docs'), { recursive: true });
  const a = randomBytes(600 * 1024);
  await fs.writeFile(path.join(src, 'docs', 'a.bin'), a);
  await fs.writeFile(path.join(src, 'b.bin'), randomBytes(300 * 1024));
  await fs.writeFile(path.join(src, 'c.txt'), 'hello\n');
  const repo = await Repository.init(new LocalBackend(repoDir), pw, {
    kdf: { N: 1024, r: 8, p: 1 },
    packSize: 256 * 1024,
  });
  const tree = await backupDir(repo, src);
  const root = await repo.saveBlob('tree', encodeTree([wrapDir('data', tree)]));
  await repo.flush();
  await repo.saveSnapshot({ time: '2024-05-01T10:00:00Z', tree: root, paths: ['/data'] });
  // Flip one byte in the middle of the pack holding a.bin's first 512 KiB chunk.
  const entry = repo.lookupBlob('data', blobId(a.subarray(0, 512 * 1024)));
  if (!entry) throw new Error('blob not indexed');
  damagedPack = entry.packId;
  const file = path.join(repoDir, 'data', damagedPack.slice(0, 2), damagedPack);
  const bytes = await fs.readFile(file);
  bytes[entry.offset + 1000] = (bytes[entry.offset + 1000] ?? 0) ^ 0xff;
  await fs.chmod(file, 0o600);
  await fs.writeFile(file, bytes);
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('a flipped byte in a pack', () => {
  it('passes the structure check but fails read-data, naming the pack and the file', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), pw);
    expect((await checkRepository(repo)).ok).toBe(true);
    const report = await checkRepository(repo, { readData: true });
    expect(report.ok).toBe(false);
    expect(report.damagedPacks).toHaveLength(1);
    const [dp] = report.damagedPacks;
    expect(dp?.packId).toBe(damagedPack);
    expect(dp?.message).toMatch(/sha256/);
    expect(dp?.affected.map((a) => a.path)).toEqual(['/data/docs/a.bin']);
  });

  it('a partial read-data check reads a subset of packs', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), pw);
    const report = await checkRepository(repo, { readData: { fraction: 0.01 } });
    expect(report.counts.packsRead).toBe(1);
  });

  it('restore restores every other file and reports the damaged one', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), pw);
    const target = path.join(work, 'restored');
    const res = await restoreSnapshot(repo, 'latest', { target });
    expect(res.errors.map((e) => [e.path, e.code])).toEqual([['/data/docs/a.bin', 'REPO_CORRUPT']]);
    expect(res.files).toBe(2);
    expect((await fs.readdir(path.join(target, 'data'))).sort()).toEqual(['b.bin', 'c.txt', 'docs']);
    expect(await fs.readdir(path.join(target, 'data', 'docs'))).toEqual([]); // no half-written file, no temp file
  });

  it('a missing pack is an error of the structure check with the affected file', async () => {
    const copy = path.join(work, 'copy');
    await fs.cp(repoDir, copy, { recursive: true });
    await fs.rm(path.join(copy, 'data', damagedPack.slice(0, 2), damagedPack));
    const repo = await Repository.open(new LocalBackend(copy), pw);
    const report = await checkRepository(repo);
    expect(report.ok).toBe(false);
    expect(report.damagedPacks[0]?.message).toMatch(/missing/);
    // Every blob of a lost pack is lost: c.txt was packed together with a.bin's first chunk.
    const repoForIndex = await Repository.open(new LocalBackend(copy), pw);
    await repoForIndex.loadIndex();
    const inPack = repoForIndex.index.byPack().get(damagedPack)?.length ?? 0;
    expect(report.damagedPacks[0]?.affected.map((a) => a.path)).toContain('/data/docs/a.bin');
    expect(report.damagedPacks[0]?.affected.length).toBe(inPack);
  });
});
