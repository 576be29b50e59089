/** prune end to end, with the real restic binary as the judge of every resulting repository. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { encodeIndexFile } from '../../../src/engine/repo/index-file.ts';
import type { IndexPack } from '../../../src/engine/repo/index-file.ts';
import { forget } from '../../../src/engine/repo/forget.ts';
import { formatGoTime, nowNs } from '../../../src/engine/repo/go-time.ts';
import { listLocks } from '../../../src/engine/repo/lock.ts';
import { expectedPackSize } from '../../../src/engine/repo/pack.ts';
import { prune } from '../../../src/engine/repo/prune.ts';
import { loadIndexSet, rewriteIndex } from '../../../src/engine/repo/prune-index.ts';
import type { PruneOptions, PrunePhase } from '../../../src/engine/repo/prune.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { hasRestic, restic, resticOk } from '../../helpers/restic.ts';
import { MemoryBackend } from './memory-backend.ts';
import {
  CrashingBackend,
  contentManifest,
  dataSize,
  fastKdf,
  fastLock,
  repoFiles,
  snapshotDir,
  writeFiles,
  writeOrphanPack,
} from './prune-fixtures.ts';
import type { CrashPoint } from './prune-fixtures.ts';

const password = 'prune-test-password';
const packSize = 64 * 1024;
const pruneOpts: PruneOptions = { lock: fastLock, packSize, maxUnused: 0 };
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-prune-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

async function open(dir: string): Promise<Repository> {
  return Repository.open(new LocalBackend(dir), password);
}

/** `restic check` (optionally reading all data) must pass. */
async function resticCheck(dir: string, readData = false): Promise<void> {
  const r = await restic(dir, ['check', ...(readData ? ['--read-data'] : [])], { password });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('no errors were found');
}

/** restic restores the latest snapshot byte for byte as `src`. */
async function expectRestores(dir: string, src: string, sub = ''): Promise<void> {
  const target = await fs.mkdtemp(path.join(work, 'restore-'));
  await resticOk(dir, ['restore', 'latest', '--target', target], { password });
  expect(await contentManifest(path.join(target, sub))).toEqual(await contentManifest(src));
}

/** Data size a repository with no unused blob must have: every indexed pack, exactly. */
function indexedSize(repo: Repository): number {
  let n = 0;
  for (const entries of repo.index.byPack().values()) n += expectedPackSize(entries);
  return n;
}

/**
 * Two snapshots of a folder (the second drops three files and adds one), the first forgotten, plus
 * a pack left by an interrupted backup. Chunks of 16 KiB in 64 KiB packs mix files in packs, so
 * prune has unreferenced, fully unused and partly used packs to deal with.
 */
async function buildForgotten(
  dir: string,
  src: string,
): Promise<{ droppedBytes: number; orphanBytes: number }> {
  const repo = await Repository.init(new LocalBackend(dir), password, { kdf: fastKdf, packSize });
  const sizes = [50_000, 61_000, 45_000, 70_000, 52_000, 48_000];
  await writeFiles(src, Object.fromEntries(sizes.map((s, i) => [`f${i}.bin`, s])));
  await snapshotDir(repo, src, '2024-03-10T09:00:00Z');
  for (const i of [1, 3, 5]) await fs.rm(path.join(src, `f${i}.bin`));
  await writeFiles(src, { 'g0.bin': 40_000 });
  await snapshotDir(repo, src, '2024-03-11T09:00:00Z');
  const orphan = await writeOrphanPack(repo);
  const r = await forget(repo, { policy: { keepLast: 1 }, lock: fastLock });
  expect(r.removed).toHaveLength(1);
  return { droppedBytes: 61_000 + 70_000 + 48_000, orphanBytes: orphan.size };
}

describe.skipIf(!hasRestic)('prune (restic as oracle)', () => {
  let base: string;
  let src: string;
  let dropped: { droppedBytes: number; orphanBytes: number };

  beforeAll(async () => {
    base = path.join(work, 'base');
    src = path.join(work, 'base-src');
    dropped = await buildForgotten(base, src);
  });

  async function copyOfBase(name: string): Promise<string> {
    const dir = path.join(work, name);
    await fs.cp(base, dir, { recursive: true });
    return dir;
  }

  it('a dry run changes nothing and predicts the real run', async () => {
    const dir = await copyOfBase('dry');
    const repo = await open(dir);
    const before = await repoFiles(repo.backend);
    const dry = await prune(repo, { ...pruneOpts, dryRun: true });
    expect(await repoFiles(repo.backend)).toEqual(before);
    expect(await listLocks(repo)).toEqual([]);
    const real = await prune(await open(dir), pruneOpts);
    const { dryRun: _a, indexFilesWritten: _b, indexFilesDeleted: _c, ...predicted } = dry;
    const { dryRun: _d, indexFilesWritten: _e, indexFilesDeleted: _f, ...actual } = real;
    expect({ ...predicted, bytesWritten: 0, bytesFreed: 0 }).toEqual({
      ...actual,
      bytesWritten: 0,
      bytesFreed: 0,
    });
    expect(dry.bytesFreed).toBe(real.bytesFreed);
    expect(dry.bytesWritten).toBe(real.bytesWritten);
  });

  it('deletes unreferenced and unused packs, repacks partly used ones; restic checks and restores', async () => {
    const dir = await copyOfBase('main');
    const repo = await open(dir);
    const sizeBefore = await dataSize(repo.backend);
    const phases = new Set<PrunePhase>();
    const report = await prune(repo, { ...pruneOpts, onProgress: (p) => phases.add(p.phase) });
    expect(report).toMatchObject({ dryRun: false, packsUnreferenced: 1, filesNotDeleted: 0 });
    expect(report.packsDeleted).toBeGreaterThan(1);
    expect(report.packsRepacked).toBeGreaterThan(0);
    expect(report.packsKept + report.packsRepacked + report.packsDeleted).toBe(report.packsTotal);
    expect(report.bytesRepacked).toBeGreaterThan(0);
    expect([...phases]).toEqual(['snapshots', 'unreferenced', 'repack', 'index', 'delete']);

    // Shrank by what was forgotten (encrypted: +32 bytes per blob, plus trees and headers).
    const sizeAfter = await dataSize(repo.backend);
    expect(sizeBefore - sizeAfter).toBe(report.bytesFreed);
    const expectedDrop = dropped.droppedBytes + dropped.orphanBytes;
    expect(report.bytesFreed).toBeGreaterThan(expectedDrop);
    expect(report.bytesFreed).toBeLessThan(expectedDrop + 8_000);
    expect(sizeAfter).toBe(indexedSize(repo));

    await resticCheck(dir, true);
    await expectRestores(dir, src);
    const ours = await checkRepository(await open(dir), { readData: true });
    expect(ours.errors).toEqual([]);
    expect(ours.warnings).toEqual([]);
    expect(ours.counts.unusedBlobs).toBe(0);

    const again = await prune(await open(dir), pruneOpts);
    expect(again).toMatchObject({ packsRepacked: 0, packsDeleted: 0, bytesFreed: 0, indexFilesWritten: 0 });
  });

  it('leaves up to maxUnused of unused data in place', async () => {
    const dir = await copyOfBase('tolerant');
    const report = await prune(await open(dir), { ...pruneOpts, maxUnused: '90%' });
    // Only the no-brainers: unreferenced and fully unused packs go; partly used tree packs are repacked.
    expect(report.packsDeleted).toBeGreaterThan(1);
    const repo = await open(dir);
    const check = await checkRepository(repo);
    expect(check.errors).toEqual([]);
    expect(check.counts.unusedBlobs).toBeGreaterThan(0);
    await resticCheck(dir);
  });

  it('refuses while another client holds a fresh lock, proceeds over a stale one', async () => {
    const dir = await copyOfBase('locked');
    const repo = await open(dir);
    const lock = (ageMin: number) => ({
      time: formatGoTime(nowNs() - BigInt(ageMin) * 60_000_000_000n),
      exclusive: false,
      hostname: 'other-pc',
      username: 'anna',
      pid: 4242,
    });
    const fresh = await repo.saveUnpacked('locks', lock(1));
    const before = await repoFiles(repo.backend);
    await expect(prune(repo, pruneOpts)).rejects.toMatchObject({ code: 'REPO_LOCKED' });
    expect(await repoFiles(repo.backend)).toEqual(before);
    await repo.backend.remove('locks', fresh);
    await repo.saveUnpacked('locks', lock(31));
    const report = await prune(repo, pruneOpts);
    expect(report.packsDeleted).toBeGreaterThan(0);
  });

  it('cancelling leaves a valid repository and a later prune finishes', async () => {
    const dir = await copyOfBase('cancel');
    const ctl = new AbortController();
    const onProgress = (p: { phase: PrunePhase }) => {
      if (p.phase === 'repack') ctl.abort();
    };
    await expect(
      prune(await open(dir), { ...pruneOpts, signal: ctl.signal, onProgress }),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(await listLocks(await open(dir))).toEqual([]);
    await resticCheck(dir);
    await prune(await open(dir), pruneOpts);
    await resticCheck(dir, true);
    await expectRestores(dir, src);
  });

  it('refuses when a needed pack is missing, and deletes nothing', async () => {
    const dir = await copyOfBase('missing');
    const repo = await open(dir);
    await repo.loadIndex();
    const latest = await repo.resolveSnapshot('latest');
    const treePack = repo.lookupBlob('tree', latest.tree)?.packId ?? '';
    await repo.backend.remove('data', treePack);
    const before = await repoFiles(repo.backend);
    const err = await prune(repo, pruneOpts).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REPO_CORRUPT', hint: expect.stringMatching(/check/) });
    expect(await repoFiles(repo.backend)).toEqual(before);
  });

  it('never copies a damaged blob: refuses, deleting nothing', async () => {
    const dir = await copyOfBase('damaged');
    const repo = await open(dir);
    const plan = await prune(repo, { ...pruneOpts, dryRun: true });
    expect(plan.packsRepacked).toBeGreaterThan(0);
    // Damage a still-used data blob that shares a pack with forgotten data.
    await repo.loadIndex();
    const snap = await repo.resolveSnapshot('latest');
    const tree = (await repo.loadBlob('tree', snap.tree)).toString();
    const usedIds = new Set([...tree.matchAll(/"([0-9a-f]{64})"/g)].map((m) => m[1]));
    const byPack = repo.index.byPack();
    const victim = [...byPack.values()]
      .filter((es) => es.some((e) => usedIds.has(e.id)) && es.some((e) => !usedIds.has(e.id)))
      .flat()
      .find((e) => usedIds.has(e.id));
    expect(victim).toBeDefined();
    const file = (repo.backend as LocalBackend).filePath('data', victim?.packId ?? '');
    const bytes = await fs.readFile(file);
    const at = (victim?.offset ?? 0) + 20;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    await fs.chmod(file, 0o600);
    await fs.writeFile(file, bytes);
    // Everything but the unreferenced pack (deleted first, harmlessly) must survive.
    const indexed = new Set(repo.index.packs());
    const before = [...(await repoFiles(repo.backend)).keys()].filter(
      (f) => !f.startsWith('data/') || indexed.has(f.slice(5)),
    );
    const err = await prune(await open(dir), pruneOpts).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REPO_CORRUPT', message: expect.stringMatching(/damaged/) });
    const after = new Set((await repoFiles(repo.backend)).keys());
    for (const f of before) expect(after.has(f), f).toBe(true);
  });

  describe('crash at any step leaves a repository restic accepts; the next prune finishes', () => {
    const points: Array<[string, CrashPoint]> = [
      ['while deleting unreferenced packs', { op: 'remove', type: 'data', after: 0 }],
      ['after writing one repacked pack', { op: 'write', type: 'data', after: 1 }],
      ['before writing the new index', { op: 'write', type: 'index', after: 0 }],
      ['after the new index, before deleting the old', { op: 'remove', type: 'index', after: 0 }],
      ['while deleting obsolete packs', { op: 'remove', type: 'data', after: 2 }],
    ];
    it.each(points)('%s', async (name, point) => {
      const dir = await copyOfBase(`crash-${name.replace(/\W+/g, '-')}`);
      const crashing = new CrashingBackend(new LocalBackend(dir), point);
      const repo = await Repository.open(crashing, password);
      await expect(prune(repo, pruneOpts)).rejects.toThrow(/simulated crash/);
      expect(crashing.crashed).toBe(true);

      // The dead process left its lock (its PID is alive here, so unlock it as a user would).
      await resticOk(dir, ['unlock', '--remove-all'], { password });
      await resticCheck(dir);
      expect((await checkRepository(await open(dir))).errors).toEqual([]);

      await prune(await open(dir), pruneOpts);
      await resticCheck(dir, true);
      await expectRestores(dir, src);
      const ours = await checkRepository(await open(dir));
      expect(ours.errors).toEqual([]);
      expect(ours.warnings).toEqual([]);
    });
  });

  it('keeps exactly one copy of a blob stored twice', async () => {
    const dir = path.join(work, 'dups');
    const dupSrc = path.join(work, 'dups-src');
    const first = await Repository.init(new LocalBackend(dir), password, { kdf: fastKdf, packSize });
    const second = await open(dir); // opened before `first` indexes anything: stores the same blobs again
    await second.loadIndex();
    await writeFiles(dupSrc, { 'a.bin': 30_000 });
    await snapshotDir(first, dupSrc, '2024-03-10T09:00:00Z');
    await snapshotDir(second, dupSrc, '2024-03-10T10:00:00Z');
    const report = await prune(await open(dir), pruneOpts);
    expect(report.blobsDuplicate).toBeGreaterThan(0);
    expect(report.packsDeleted).toBeGreaterThan(0);
    const repo = await open(dir);
    await repo.loadIndex();
    for (const e of repo.index.entries()) expect(repo.index.lookupAll(e.type, e.id)).toHaveLength(1);
    await resticCheck(dir, true);
    await expectRestores(dir, dupSrc);
  });
});

describe.skipIf(!hasRestic)('prune of a repository restic wrote', () => {
  it('repacks restic’s packs; restic check --read-data passes and restores byte for byte', async () => {
    const dir = path.join(work, 'restic-made');
    const src = path.join(work, 'restic-src');
    await Repository.init(new LocalBackend(dir), password, { kdf: fastKdf }); // cheap KDF for restic too
    await writeFiles(src, {
      'a.bin': 3_000_000,
      'b.bin': 3_000_000,
      'notes.txt': Buffer.from('CRM notes\n'.repeat(5000)),
    });
    await resticOk(dir, ['backup', '--pack-size', '4', src], { password });
    await fs.rm(path.join(src, 'a.bin'));
    await writeFiles(src, { 'c.bin': 1_000_000 });
    await resticOk(dir, ['backup', '--pack-size', '4', src], { password });
    await resticOk(dir, ['forget', '--keep-last', '1'], { password });

    const repo = await open(dir);
    const before = await dataSize(repo.backend);
    const report = await prune(repo, { ...pruneOpts, packSize: 4 * 1024 * 1024 });
    expect(report.packsRepacked + report.packsDeleted).toBeGreaterThan(0);
    const freed = before - (await dataSize(repo.backend));
    expect(freed).toBe(report.bytesFreed);
    expect(freed).toBeGreaterThan(3_000_000);
    expect(freed).toBeLessThan(3_100_000);
    await resticCheck(dir, true);
    await expectRestores(dir, src, src);
    expect((await checkRepository(await open(dir))).counts.unusedBlobs).toBe(0);
  });
});

describe('index rewrite across several files (> 50 000 blobs)', () => {
  const hex = (s: string): string => createHash('sha256').update(s).digest('hex');
  const fakePack = (name: string, blobs: number): IndexPack => ({
    id: hex(name),
    blobs: Array.from({ length: blobs }, (_, i) => ({
      type: 'data' as const,
      id: hex(`${name}/${i}`),
      offset: i * 100,
      length: 100,
      uncompressedLength: undefined,
    })),
  });
  // Two index files of 27 000 blobs; after dropping a pack of each, 52 000 remain: two new files.
  const files = ['a', 'b'].map((f) => Array.from({ length: 27 }, (_, i) => fakePack(`${f}${i}`, 1000)));
  const drop = new Set(['a0', 'b0'].map(hex));
  const added = fakePack('new', 1000);

  it('lists every kept pack exactly once, whatever the crash point', async () => {
    const setup = new MemoryBackend();
    const repo0 = await Repository.init(setup, password, { kdf: fastKdf });
    for (const packs of files) await repo0.saveUnpackedBytes('index', encodeIndexFile(packs));
    const points: CrashPoint[] = [
      ...[0, 1, 2].map((after) => ({ op: 'write' as const, type: 'index' as const, after })),
      ...[0, 1, 2].map((after) => ({ op: 'remove' as const, type: 'index' as const, after })),
    ];
    for (const point of points) {
      const mem = new MemoryBackend();
      for (const [k, v] of setup.files) mem.files.set(k, v);
      const repo = await Repository.open(new CrashingBackend(mem, point), password);
      const set = await loadIndexSet(repo);
      const rewrite = await rewriteIndex(repo, set, drop, [added]).catch((e: unknown) => {
        if (!String(e).includes('simulated crash')) throw e;
      });
      const label = `${point.op} after ${point.after}`;
      if (point.op === 'remove' && point.after === 2)
        expect(rewrite, label).toMatchObject({ deleted: [expect.any(String), expect.any(String)] });
      // What check, restore and backup see.
      const after = await Repository.open(mem, password);
      await after.loadIndex();
      const counts = new Map([...after.index.byPack()].map(([id, es]) => [id, es.length] as const));
      for (const p of files.flat()) if (!drop.has(p.id)) expect(counts.get(p.id), label).toBe(1000);
      expect(counts.get(added.id), label).toBe(point.op === 'write' && point.after === 0 ? undefined : 1000);
    }
  });
});
