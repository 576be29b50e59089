/**
 * Incremental backups against a parent snapshot: unchanged files are not read, changes are counted
 * like restic counts them and agree with `restic diff`, older snapshots stay restorable, identical
 * content is stored once, and restic and Lifeboat can use each other's snapshots as parents.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import type { BackupResult } from '../../../src/engine/repo/backup/archiver.ts';
import { loadTree } from '../../../src/engine/repo/ls.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { FileSaver } from '../../../src/engine/repo/workers/file-saver.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import {
  expectSameManifest,
  folderBytes,
  initRepo,
  makeTree,
  manifest,
  password,
  pseudoRandom,
} from '../../helpers/backup-fixtures.ts';
import type { Entry } from '../../helpers/backup-fixtures.ts';

let work: string;
let src: string;
let repoDir: string;
let repo: Repository;
let first: BackupResult;
let firstManifest: Map<string, Entry>;
const fileCount = 210; // 200 small + 10 others

/** The tree id of a folder inside a snapshot. */
async function subtreeOf(r: Repository, root: string, dir: string): Promise<string | undefined> {
  let id: string | undefined = root;
  for (const name of dir.split('/').filter(Boolean)) {
    if (!id) return undefined;
    id = (await loadTree(r, id)).nodes.find((n) => n.name === name)?.subtree;
  }
  return id;
}

/** Counts FileSaver.saveFile calls (every file read goes through it). */
function spyReads() {
  return vi.spyOn(FileSaver.prototype, 'saveFile');
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-backup-incr-'));
  src = path.join(work, 'data', 'src');
  repoDir = path.join(work, 'repo');
  await makeTree(src, { bigBytes: 4_000_000, smallFiles: 200 });
  firstManifest = await manifest(src, { fifos: false });
  repo = await initRepo(repoDir);
  first = await backup(repo, { paths: [src], hostname: 'office-pc' });
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('incremental backup', () => {
  let second: BackupResult;
  let third: BackupResult;

  it('reads no file when nothing changed and adds almost nothing', async () => {
    const reads = spyReads();
    const before = await folderBytes(path.join(repoDir, 'data'));
    second = await backup(repo, { paths: [src], hostname: 'office-pc' });
    expect(reads).not.toHaveBeenCalled();
    expect(second.snapshot.parent).toBe(first.snapshotId);
    const s = second.summary;
    expect(s.files_unmodified).toBe(fileCount);
    expect(s.files_new + s.files_changed).toBe(0);
    expect(s.dirs_new).toBe(0);
    expect(s.data_blobs).toBe(0);
    expect(s.data_added).toBeLessThan(4096);
    expect(s.total_bytes_processed).toBe(first.summary.total_bytes_processed);
    expect(second.stats).toMatchObject({ filesRead: 0, bytesRead: 0, filesReused: fileCount });
    expect((await folderBytes(path.join(repoDir, 'data'))) - before).toBeLessThan(4096);
    // the source tree itself is unchanged, so its tree blob is the same
    expect(second.snapshot.tree === first.snapshot.tree || s.dirs_changed > 0).toBe(true);
  });

  it('counts a changed, an added and a deleted file, reading only those', async () => {
    await fs.appendFile(path.join(src, 'bin/run.sh'), 'echo again\n');
    await fs.writeFile(path.join(src, 'Документы/новый.txt'), 'new file\n');
    await fs.rm(path.join(src, 'small/d03/f3.txt'));
    const reads = spyReads();
    third = await backup(repo, { paths: [src], hostname: 'office-pc' });
    expect(reads.mock.calls.map((c) => path.relative(src, c[0])).sort()).toEqual([
      'bin/run.sh',
      'Документы/новый.txt',
    ]);
    expect(third.snapshot.parent).toBe(second.snapshotId);
    const s = third.summary;
    expect(s.files_new).toBe(1);
    expect(s.files_changed).toBe(1);
    expect(s.files_unmodified).toBe(fileCount - 2);
    expect(s.total_files_processed).toBe(fileCount);
    expect(s.dirs_changed).toBeGreaterThanOrEqual(3); // src, bin, Документы, small/d03 (+ parents)
    expect(s.data_blobs).toBe(2);
  });

  it.skipIf(!hasRestic)('agrees with `restic diff`', async () => {
    const out = await resticOk(repoDir, ['diff', second.snapshotId!, third.snapshotId!], { password });
    const lines = out
      .split('\n')
      .filter((l) => /^[-+MTU] /.test(l))
      .map((l) => l.replace(/\s+/, ' ').trim())
      .sort();
    expect(lines).toEqual(
      [`+ ${src}/Документы/новый.txt`, `- ${src}/small/d03/f3.txt`, `M ${src}/bin/run.sh`].sort(),
    );
  });

  it('still restores the first snapshot byte for byte', async () => {
    const target = path.join(work, 'restore-first');
    const res = await restoreSnapshot(repo, first.snapshotId!, { target });
    expect(res.errors).toEqual([]);
    expectSameManifest(
      await manifest(path.join(target, src), { fifos: false, dirTimes: false }),
      new Map([...firstManifest].map(([k, v]) => [k, v.type === 'dir' ? { ...v, mtimeNs: undefined } : v])),
    );
  });

  it('reads everything with force, and uses no parent for other paths', async () => {
    const reads = spyReads();
    const forced = await backup(repo, { paths: [src], hostname: 'office-pc', force: true });
    expect(forced.snapshot.parent).toBeUndefined();
    expect(forced.summary.files_new).toBe(fileCount);
    expect(forced.stats.filesRead).toBe(fileCount);
    expect(forced.summary.data_blobs).toBe(0); // everything read is already stored
    reads.mockClear();
    const sub = await backup(repo, { paths: [path.join(src, 'bin')], hostname: 'office-pc' });
    expect(sub.snapshot.parent).toBeUndefined();
    expect(reads).toHaveBeenCalledTimes(2);
    const time = new Date('2024-05-01T10:00:00.123Z');
    const other = await backup(repo, { paths: [src], hostname: 'laptop', time, tags: ['x', ' ', 'x'] });
    expect(other.snapshot.parent).toBeUndefined();
    expect(other.snapshot.tags).toEqual(['x']);
    expect(new Date((await repo.loadSnapshot(other.snapshotId!)).time).getTime()).toBe(time.getTime());
  });

  it('backs up several paths into one tree from /, whatever their order', async () => {
    const a = path.join(src, 'bin');
    const b = path.join(src, 'Документы');
    const r1 = await backup(repo, { paths: [b, a], hostname: 'office-pc' });
    expect(r1.snapshot.paths).toEqual([a, b].sort());
    const reads = spyReads();
    const r2 = await backup(repo, { paths: [a, b, `${a}/`], hostname: 'office-pc' });
    expect(r2.snapshot.parent).toBe(r1.snapshotId);
    expect(reads).not.toHaveBeenCalled();
    if (hasRestic) {
      const ls = await resticOk(repoDir, ['ls', r2.snapshotId!], { password });
      expect(ls).toContain(`${a}/run.sh`);
      expect(ls).toContain(`${b}/новый.txt`);
      expect(ls).not.toContain(`${src}/small`);
    }
  });

  it('honours excludes and records them in the snapshot', async () => {
    const r = await backup(repo, {
      paths: [src],
      hostname: 'excludes',
      excludes: ['small', '*.key'],
      iexcludes: ['SRC/DATA'],
    });
    expect(r.snapshot.excludes).toEqual(['small', '*.key']);
    expect(r.summary.files_new).toBe(9); // all but small/*, bin/secret.key and data/mixed.bin
  });

  it('writes nothing in a dry run', async () => {
    await fs.writeFile(path.join(src, 'dry.bin'), pseudoRandom(300_000, 5));
    const snapshots = await fs.readdir(path.join(repoDir, 'snapshots'));
    const before = await folderBytes(repoDir);
    const dry = await backup(repo, { paths: [src], hostname: 'office-pc', dryRun: true });
    expect(dry.snapshotId).toBeNull();
    expect(dry.summary.files_new).toBe(1);
    expect(dry.summary.data_added).toBeGreaterThan(300_000);
    expect(await fs.readdir(path.join(repoDir, 'snapshots'))).toEqual(snapshots);
    expect(await folderBytes(repoDir)).toBe(before);
    await fs.rm(path.join(src, 'dry.bin'));
  });
});

describe('deduplication', () => {
  it('stores the same 5 MB once, in two files and across backups', async () => {
    const dir = path.join(work, 'dedup');
    await fs.mkdir(dir);
    const data = pseudoRandom(5_000_000, 42);
    await fs.writeFile(path.join(dir, 'a.bin'), data);
    await fs.writeFile(path.join(dir, 'copy of a.bin'), data);
    const r1 = await backup(repo, { paths: [dir] });
    expect(r1.summary.files_new).toBe(2);
    expect(r1.summary.data_added).toBeGreaterThan(5_000_000);
    expect(r1.summary.data_added).toBeLessThan(5_000_000 + 8192);
    await fs.mkdir(path.join(dir, 'later'));
    await fs.writeFile(path.join(dir, 'later', 'third copy.bin'), data);
    const before = await folderBytes(path.join(repoDir, 'data'));
    const r2 = await backup(repo, { paths: [dir] });
    expect(r2.summary.files_new).toBe(1);
    expect(r2.summary.data_blobs).toBe(0);
    expect(r2.summary.data_added).toBeLessThan(4096);
    expect((await folderBytes(path.join(repoDir, 'data'))) - before).toBeLessThan(4096);
  });
});

describe.skipIf(!hasRestic)('parents across restic and Lifeboat', () => {
  it('restic finds our files unchanged, and our backup on restic’s parent gives the same trees', async () => {
    const dir = path.join(work, 'shared');
    await makeTree(dir, { bigBytes: 1_000_000, smallFiles: 50, fifo: true });
    const ours = await backup(repo, { paths: [dir] });
    const json = await resticOk(repoDir, ['backup', '--json', '--parent', ours.snapshotId!, dir], {
      password,
    });
    const summary = JSON.parse(json.trim().split('\n').pop()!) as Record<string, number | string>;
    expect(summary.files_unmodified).toBe(ours.summary.total_files_processed);
    expect(summary.data_blobs).toBe(0);
    const resticSn = await repo.resolveSnapshot(String(summary.snapshot_id));
    await repo.loadIndex(); // restic wrote an index file
    const reads = spyReads();
    const again = await backup(repo, { paths: [dir], parent: resticSn.id });
    expect(reads).not.toHaveBeenCalled();
    // byte-identical nodes: every tree of the source is restic's own (the parents above it, like
    // /tmp, may change meanwhile)
    expect(await subtreeOf(repo, again.snapshot.tree, dir)).toBe(await subtreeOf(repo, resticSn.tree, dir));
    expect(again.summary.data_blobs).toBe(0);
  });
});
