/**
 * The pack-by-pack restore pipeline (restore-files.ts): the same results whether blobs are decoded
 * in worker threads or in process, blobs shared by several files or repeated in one, more files
 * than may be open at once, a damaged blob saved by another stored copy, and the safety rules
 * (no temp file left, nothing committed after abort or a full disk) with workers.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobId } from '../../../src/engine/repo/blob-codec.ts';
import { planRanges } from '../../../src/engine/repo/blob-reader.ts';
import type { IndexEntry } from '../../../src/engine/repo/master-index.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import type { TreeNode } from '../../../src/engine/repo/tree.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { backupDir, expectSameManifest, manifest, wrapDir } from './fs-fixtures.ts';
import { useTinyDisk } from '../../helpers/tiny-disk.ts';
import { MemoryBackend } from './memory-backend.ts';

const pw = 'pw';
const kdf = { N: 1024, r: 8, p: 1 };
const t = '2024-05-01T10:00:00Z';
let work: string;
let src: string;
let repoDir: string;

function fileNode(name: string, content: string[], size: number): TreeNode {
  return { name, type: 'file', mode: 0o640, mtime: t, atime: t, ctime: t, uid: 0, gid: 0, size, content };
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else out.push(e.name);
    }
  };
  await walk(dir);
  return out;
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-pipeline-'));
  src = path.join(work, 'src');
  repoDir = path.join(work, 'repo');
  await fs.mkdir(path.join(src, 'many'), { recursive: true });
  const big = randomBytes(3 * 1024 * 1024 + 12345);
  await fs.writeFile(path.join(src, 'big.bin'), big);
  await fs.writeFile(path.join(src, 'big-copy.bin'), big); // every blob shared with big.bin
  const half = randomBytes(512 * 1024); // exactly one chunk, repeated inside one file
  await fs.writeFile(path.join(src, 'repeated.bin'), Buffer.concat([half, half, half, Buffer.from('end')]));
  await fs.writeFile(path.join(src, 'empty.txt'), '');
  // More files than restore keeps open at once (512): several batches.
  for (let i = 0; i < 700; i++) await fs.writeFile(path.join(src, 'many', `f${i}.txt`), `file ${i % 300}\n`);
  const repo = await Repository.init(new LocalBackend(repoDir), pw, { kdf, packSize: 256 * 1024 });
  const tree = await backupDir(repo, src);
  const root = await repo.saveBlob('tree', encodeTree([wrapDir('src', tree)]));
  await repo.flush();
  await repo.saveSnapshot({ time: t, tree: root, paths: ['/src'] });
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('restore pipeline', () => {
  for (const workers of [0, 2]) {
    it(`restores everything identically with ${workers} worker threads`, async () => {
      const repo = await Repository.open(new LocalBackend(repoDir), pw);
      const target = path.join(work, `out-${workers}`);
      const res = await restoreSnapshot(repo, 'latest', { target, workers });
      expect(res.errors).toEqual([]);
      expect(res.files).toBe(704);
      expectSameManifest(await manifest(path.join(target, 'src')), await manifest(src));
      expect((await listAll(target)).filter((n) => n.includes('.tmp'))).toEqual([]);
    });
  }

  it('stops on abort with workers, committing nothing after it', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), pw);
    const target = path.join(work, 'aborted');
    const ctl = new AbortController();
    const p = restoreSnapshot(repo, 'latest', {
      target,
      workers: 2,
      signal: ctl.signal,
      onProgress: (pr) => (pr.bytesDone > 0 ? ctl.abort() : undefined),
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    const left = await listAll(target);
    expect(left.filter((n) => n.includes('.tmp'))).toEqual([]);
    // The big files need many ranges (one 512 KiB blob per 256 KiB pack): never complete here.
    expect(left.filter((n) => n.startsWith('big'))).toEqual([]);
  });

  it('plans one read per pack range, each blob once with all its places', () => {
    const e = (packId: string, offset: number, n: number): IndexEntry => ({
      type: 'data',
      id: `${packId}${offset}`.padEnd(64, '0'),
      packId,
      offset,
      length: n + 32,
      uncompressedLength: undefined,
    });
    const a = e('p1', 0, 100);
    const b = e('p1', 132, 50);
    const c = e('p2', 0, 10);
    const far = e('p1', 10_000_000, 10);
    const ranges = planRanges([[a, b, a], [c, b], [far]], { maxGap: 1024 });
    expect(ranges.map((r) => [r.packId, r.offset, r.length])).toEqual([
      ['p1', 0, 214],
      ['p1', 10_000_000, 42],
      ['p2', 0, 42],
    ]);
    expect(ranges[0]?.blobs.map((x) => x.targets)).toEqual([
      [
        { file: 0, position: 0 },
        { file: 0, position: 150 },
      ],
      [
        { file: 0, position: 100 },
        { file: 1, position: 10 },
      ],
    ]);
  });
});

describe('a damaged blob with a second stored copy', () => {
  it('is restored from the good copy, in workers or not', async () => {
    const dir = path.join(work, 'two-copies');
    const data = randomBytes(900 * 1024);
    const chunks = [data.subarray(0, 512 * 1024), data.subarray(512 * 1024)];
    const first = await Repository.init(new LocalBackend(dir), pw, { kdf, packSize: 256 * 1024 });
    const content = [await first.saveBlob('data', chunks[0]!), await first.saveBlob('data', chunks[1]!)];
    const tree = await first.saveBlob('tree', encodeTree([fileNode('f.bin', content, data.length)]));
    await first.flush();
    await first.saveSnapshot({ time: t, tree, paths: ['/'] });
    // A second writer that never loaded the index stores the same blobs again, in other packs.
    const second = await Repository.open(new LocalBackend(dir), pw, { packSize: 256 * 1024 });
    for (const c of chunks) await second.saveBlob('data', c);
    await second.flush();

    const repo = await Repository.open(new LocalBackend(dir), pw);
    await repo.loadIndex();
    const copies = repo.index.lookupAll('data', blobId(chunks[0]!));
    expect(copies.length).toBe(2);
    const used = repo.lookupBlob('data', blobId(chunks[0]!))!;
    const packFile = path.join(dir, 'data', used.packId.slice(0, 2), used.packId);
    const bytes = await fs.readFile(packFile);
    bytes[used.offset + 100] = (bytes[used.offset + 100] ?? 0) ^ 0xff;
    await fs.chmod(packFile, 0o600);
    await fs.writeFile(packFile, bytes);

    for (const workers of [0, 1]) {
      const target = path.join(work, `two-copies-out-${workers}`);
      const res = await restoreSnapshot(repo, 'latest', { target, workers });
      expect(res.errors).toEqual([]);
      expect((await fs.readFile(path.join(target, 'f.bin'))).equals(data)).toBe(true);
    }
  });

  it('without a second copy fails only its file, in workers too', async () => {
    const dir = path.join(work, 'one-copy');
    const a = randomBytes(700 * 1024);
    const b = randomBytes(100 * 1024);
    const repo = await Repository.init(new LocalBackend(dir), pw, { kdf, packSize: 4 * 1024 * 1024 });
    const ca = [
      await repo.saveBlob('data', a.subarray(0, 512 * 1024)),
      await repo.saveBlob('data', a.subarray(512 * 1024)),
    ];
    const cb = [await repo.saveBlob('data', b)];
    const tree = await repo.saveBlob(
      'tree',
      encodeTree([fileNode('a.bin', ca, a.length), fileNode('b.bin', cb, b.length)]),
    );
    await repo.flush();
    await repo.saveSnapshot({ time: t, tree, paths: ['/'] });
    const e = repo.lookupBlob('data', ca[1]!)!;
    const packFile = path.join(dir, 'data', e.packId.slice(0, 2), e.packId);
    const bytes = await fs.readFile(packFile);
    bytes[e.offset + 50] = (bytes[e.offset + 50] ?? 0) ^ 0xff;
    await fs.chmod(packFile, 0o600);
    await fs.writeFile(packFile, bytes);

    const target = path.join(work, 'one-copy-out');
    const res = await restoreSnapshot(await Repository.open(new LocalBackend(dir), pw), 'latest', {
      target,
      workers: 2,
    });
    expect(res.errors.map((x) => [x.path, x.code])).toEqual([['/a.bin', 'REPO_CORRUPT']]);
    expect(await fs.readdir(target)).toEqual(['b.bin']); // no half file, no temp file
    expect((await fs.readFile(path.join(target, 'b.bin'))).equals(b)).toBe(true);
  });
});

describe('an index pointing at the wrong blob', () => {
  it('is caught by the id check (the data itself is authentic), in workers or not', async () => {
    const repo = await Repository.init(new MemoryBackend(), pw, { kdf });
    const real = randomBytes(40 * 1024);
    const other = randomBytes(40 * 1024);
    const realId = blobId(real);
    const otherId = await repo.saveBlob('data', other);
    const tree = await repo.saveBlob('tree', encodeTree([fileNode('f.bin', [realId], real.length)]));
    await repo.flush();
    await repo.saveSnapshot({ time: t, tree, paths: ['/'] });
    // The index claims `real` is stored where `other` is: valid MAC, wrong content.
    const e = repo.lookupBlob('data', otherId)!;
    repo.index.addPack(e.packId, [{ ...e, id: realId }]);
    for (const workers of [0, 1]) {
      const target = path.join(work, `wrong-blob-${workers}`);
      const res = await restoreSnapshot(repo, 'latest', { target, workers });
      expect(res.errors.map((x) => [x.path, x.code, x.message])).toEqual([
        ['/f.bin', 'REPO_CORRUPT', `Blob ${realId.slice(0, 8)} does not match its id.`],
      ]);
      expect(await fs.readdir(target)).toEqual([]);
    }
  });
});

describe('full disk with workers', () => {
  const disk = useTinyDisk(() => work, 'real ENOSPC test');

  it('DISK_FULL from a worker, leaving no half file', async (ctx) => {
    if (!disk.mounted) ctx.skip();
    const repo = await Repository.open(new LocalBackend(repoDir), pw);
    const target = path.join(disk.path, 'restore');
    await expect(
      restoreSnapshot(repo, 'latest', {
        target,
        workers: 2,
        include: ['/src/big.bin'],
        freeSpace: () => Promise.resolve(undefined), // run out midway, past the check before writing
      }),
    ).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(await listAll(target)).toEqual([]);
  });
});
