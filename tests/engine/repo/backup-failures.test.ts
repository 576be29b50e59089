/**
 * What goes wrong during a backup: files that vanish or cannot be read (warning, partial snapshot
 * that restic accepts), files that change while read (re-read, warning), cancellation (no snapshot,
 * a clean repository, uploaded data reused by the next backup), and fatal repository errors.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import type { BackupWarning } from '../../../src/engine/repo/backup/archiver.ts';
import { lockRepository } from '../../../src/engine/repo/lock.ts';
import { listSnapshot } from '../../../src/engine/repo/ls.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import type { FileResult } from '../../../src/engine/repo/workers/file-processor.ts';
import { FileSaver } from '../../../src/engine/repo/workers/file-saver.ts';
import { hasRestic, restic, resticOk } from '../../helpers/restic.ts';
import { csvText, initRepo, openRepo, password, pseudoRandom } from '../../helpers/backup-fixtures.ts';

let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-backup-fail-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const realSaveFile = FileSaver.prototype.saveFile;

async function makeDir(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const dir = path.join(work, name);
  for (const [rel, data] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), data);
  }
  return dir;
}

async function paths(repo: Repository, id: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of listSnapshot(repo, await repo.loadSnapshot(id))) out.push(e.path);
  return out;
}

describe('unreadable and vanishing files', () => {
  it('warns, leaves the file out, marks the snapshot partial, and restic accepts it', async () => {
    const dir = await makeDir('vanish', {
      'keep.txt': 'keep\n',
      'gone.txt': 'deleted between scan and read\n',
      'sub/also-kept.bin': pseudoRandom(300_000, 3),
    });
    // tests run as root (chmod 000 does not stop root): delete the file just before it is read
    vi.spyOn(FileSaver.prototype, 'saveFile').mockImplementation(async function (this: FileSaver, p, o) {
      if (p.endsWith('gone.txt')) await fs.rm(p);
      return realSaveFile.call(this, p, o);
    });
    const repoDir = path.join(work, 'repo-vanish');
    const repo = await initRepo(repoDir);
    const seen: BackupWarning[] = [];
    const r = await backup(repo, {
      paths: [dir, path.join(work, 'does-not-exist')],
      onWarning: (w) => seen.push(w),
    });
    expect(r.partial).toBe(true);
    expect(r.snapshotId).not.toBeNull();
    expect(r.warnings).toEqual(seen);
    expect(r.warnings.map((w) => [path.basename(w.path), w.kind]).sort()).toEqual([
      ['does-not-exist', 'vanished'],
      ['gone.txt', 'vanished'],
    ]);
    for (const w of r.warnings) expect(w.message).toContain(w.path);
    const listed = await paths(repo, r.snapshotId!);
    expect(listed).toContain(`${dir}/keep.txt`);
    expect(listed).toContain(`${dir}/sub/also-kept.bin`);
    expect(listed).not.toContain(`${dir}/gone.txt`);
    expect(r.snapshot.paths).toEqual([dir]); // like restic: a missing source is skipped
    if (hasRestic) {
      const check = await restic(repoDir, ['check', '--read-data'], { password });
      expect(check.code).toBe(0);
    }
  });

  it('backs up a FIFO without opening it and fails cleanly when nothing is readable', async () => {
    const dir = await makeDir('fifo', { 'x.txt': 'x' });
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const repo = await initRepo(path.join(work, 'repo-fifo'));
    const r = await backup(repo, { paths: [dir] }); // would hang if the FIFO were opened
    const nodes = await paths(repo, r.snapshotId!);
    expect(nodes).toContain(`${dir}/pipe`);
    await expect(backup(repo, { paths: [path.join(work, 'nothing-here')] })).rejects.toMatchObject({
      code: 'SOURCE_UNREADABLE',
    });
    expect(await fs.readdir(path.join(work, 'repo-fifo', 'locks'))).toEqual([]);
  });
});

describe('locks', () => {
  it('refuses to run while an exclusive lock is held, and leaves that lock alone', async () => {
    const dir = await makeDir('locked', { 'x.txt': 'x' });
    const repo = await initRepo(path.join(work, 'repo-locked'));
    const held = await lockRepository(repo, { exclusive: true, settleMs: 0 });
    await expect(backup(repo, { paths: [dir] })).rejects.toMatchObject({ code: 'REPO_LOCKED' });
    expect(await fs.readdir(path.join(work, 'repo-locked', 'locks'))).toEqual([held.id]);
    await held.release();
    expect((await backup(repo, { paths: [dir] })).snapshotId).toBeTruthy();
  });
});

describe('files changing while they are read', () => {
  function changedOn(calls: number[]) {
    let n = 0;
    return vi.spyOn(FileSaver.prototype, 'saveFile').mockImplementation(async function (
      this: FileSaver,
      p,
      o,
    ) {
      const res: FileResult = await realSaveFile.call(this, p, o);
      if (!p.endsWith('busy.db')) return res;
      n++;
      return calls.includes(n) ? { ...res, changed: true } : res;
    });
  }

  it('reads a changed file again and warns', async () => {
    const dir = await makeDir('busy', { 'busy.db': csvText(200_000), 'calm.txt': 'calm' });
    const repo = await initRepo(path.join(work, 'repo-busy'));
    const spy = changedOn([1]);
    const r = await backup(repo, { paths: [dir] });
    expect(spy.mock.calls.filter((c) => c[0].endsWith('busy.db'))).toHaveLength(2);
    expect(r.stats.filesReread).toBe(1);
    expect(r.partial).toBe(false);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ kind: 'changed', path: path.join(dir, 'busy.db') });
    expect(r.warnings[0]!.message).toContain('read again');
    expect(r.summary.files_new).toBe(2);
  });

  it('stores what was read when it keeps changing, and says so', async () => {
    const dir = path.join(work, 'busy');
    const repo = await initRepo(path.join(work, 'repo-busy2'));
    changedOn([1, 2]);
    const r = await backup(repo, { paths: [dir] });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message).toContain('kept changing');
    expect(r.warnings[0]!.hint).toBeTruthy();
    expect(await paths(repo, r.snapshotId!)).toContain(`${dir}/busy.db`);
  });
});

describe('cancel', () => {
  it('writes no snapshot, leaves a clean repository, and the next backup reuses the upload', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 16; i++)
      files[`f${String(i).padStart(2, '0')}.bin`] = pseudoRandom(2_000_000, 100 + i);
    const dir = await makeDir('cancel', files);
    const repoDir = path.join(work, 'repo-cancel');
    const repo = await initRepo(repoDir, 1024 * 1024);
    const ctl = new AbortController();
    let done = 0;
    vi.spyOn(FileSaver.prototype, 'saveFile').mockImplementation(async function (this: FileSaver, p, o) {
      const res = await realSaveFile.call(this, p, o);
      if (++done === 6) ctl.abort();
      return res;
    });
    const err = await backup(repo, { paths: [dir], signal: ctl.signal, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).code).toBe('CANCELLED');
    expect(await fs.readdir(path.join(repoDir, 'snapshots'))).toEqual([]);
    expect(await fs.readdir(path.join(repoDir, 'locks'))).toEqual([]);
    expect((await fs.readdir(path.join(repoDir, 'index'))).length).toBeGreaterThan(0);
    if (hasRestic) {
      const check = await restic(repoDir, ['check'], { password });
      expect(check.stderr + check.stdout).toContain('no errors were found');
      expect(check.code).toBe(0);
    }
    vi.restoreAllMocks();
    const again = await backup(await openRepo(repoDir), { paths: [dir] });
    expect(again.summary.files_new).toBe(16);
    // the six files finished before the cancel are not uploaded again (trees add a few KB)
    expect(again.summary.data_added).toBeLessThan(32_000_000 - 6 * 2_000_000 + 65_536);
    if (hasRestic) await resticOk(repoDir, ['check', '--read-data'], { password });
  });

  it('stops at once when the signal is already aborted, and on a fatal repository error', async () => {
    const dir = await makeDir('fatal', { 'a.bin': pseudoRandom(200_000, 9), 'b.txt': 'b' });
    const repo = await initRepo(path.join(work, 'repo-fatal'));
    await expect(backup(repo, { paths: [dir], signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    vi.spyOn(repo, 'addEncodedBlob').mockRejectedValue(
      new LifeboatError('DISK_FULL', 'The repository disk is full.'),
    );
    await expect(backup(repo, { paths: [dir] })).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(await fs.readdir(path.join(work, 'repo-fatal', 'snapshots'))).toEqual([]);
    expect(await fs.readdir(path.join(work, 'repo-fatal', 'locks'))).toEqual([]);
  });
});
