/**
 * A full backup of a varied tree is accepted by the real restic: `check --read-data` passes and
 * `restic restore` reproduces content, modes, mtimes, symlinks and FIFOs. Our own restore too.
 * Also: the snapshot's JSON fields, and sane progress events.
 */
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import * as fs from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import type { BackupProgress, BackupResult } from '../../../src/engine/repo/backup/archiver.ts';
import type { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { hasRestic, restic, resticOk } from '../../helpers/restic.ts';
import { expectSameManifest, initRepo, makeTree, manifest, password } from '../../helpers/backup-fixtures.ts';

let work: string;
let src: string;
let repoDir: string;
let repo: Repository;
let result: BackupResult;
let socket: Server;
const events: BackupProgress[] = [];

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-backup-interop-'));
  src = path.join(work, 'src');
  repoDir = path.join(work, 'repo');
  await makeTree(src);
  // a unix socket: restic never stores sockets, neither do we
  socket = createServer();
  await new Promise<void>((r) => socket.listen(path.join(src, 'app.sock'), r));
  repo = await initRepo(repoDir);
  result = await backup(repo, {
    paths: [src],
    tags: ['crm', 'daily'],
    hostname: 'office-pc',
    onProgress: (p) => events.push(p),
  });
  await new Promise((r) => socket.close(r));
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('backup of a generated tree', () => {
  it('writes a complete snapshot with restic’s fields and summary', async () => {
    expect(result.partial).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    const sn = await repo.loadSnapshot(result.snapshotId!);
    expect(sn.paths).toEqual([src]);
    expect(sn.hostname).toBe('office-pc');
    expect(sn.tags).toEqual(['crm', 'daily']);
    expect(sn.program_version).toMatch(/^lifeboat \d+\.\d+\.\d+/);
    expect(sn.parent).toBeUndefined();
    expect(sn.summary).toEqual(result.summary);
    const s = result.summary;
    // 2000 small + 10 others; no socket, the FIFO is not a file
    expect(s.files_new).toBe(2010);
    expect(s.total_files_processed).toBe(2010);
    expect(s.files_changed + s.files_unmodified).toBe(0);
    expect(s.dirs_new).toBeGreaterThan(30);
    expect(s.data_blobs).toBeGreaterThan(2000);
    expect(s.data_added).toBeGreaterThan(s.total_bytes_processed); // blobs + trees, no dedup within
    expect(s.data_added_packed).toBeLessThan(s.data_added); // the text half compresses
    // no locks left behind
    expect(await fs.readdir(path.join(repoDir, 'locks'))).toEqual([]);
  });

  it.skipIf(!hasRestic)('passes `restic check --read-data`', async () => {
    const check = await restic(repoDir, ['check', '--read-data'], { password });
    expect(check.stderr + check.stdout).toContain('no errors were found');
    expect(check.code).toBe(0);
  });

  it.skipIf(!hasRestic)(
    'is restored by restic byte for byte (content, modes, mtimes, links, FIFO)',
    async () => {
      const target = path.join(work, 'restic-restore');
      await resticOk(repoDir, ['restore', 'latest', '--target', target], { password, timeoutMs: 120_000 });
      const expected = await manifest(src);
      expect(expected.get('a/pipe')?.type).toBe('fifo');
      expect(expected.has('app.sock')).toBe(false);
      expectSameManifest(await manifest(path.join(target, src)), expected);
      const ls = await resticOk(repoDir, ['ls', 'latest'], { password });
      expect(ls).not.toContain('app.sock');
      expect(ls).toContain(`${src}/link-absolute`);
    },
  );

  it('is restored by our own restore too', async () => {
    const target = path.join(work, 'own-restore');
    const res = await restoreSnapshot(repo, result.snapshotId!, { target });
    expect(res.errors).toEqual([]);
    expectSameManifest(
      await manifest(path.join(target, src), { fifos: false, dirTimes: false }),
      await manifest(src, { fifos: false, dirTimes: false }),
    );
  });

  it('reports sane, monotonic progress and learns the totals', () => {
    expect(events.length).toBeGreaterThanOrEqual(2);
    const last = events[events.length - 1]!;
    expect(last.phase).toBe('finishing');
    expect(last.filesTotal).toBe(2010);
    expect(last.filesDone).toBe(2010);
    expect(last.bytesDone).toBe(result.summary.total_bytes_processed);
    expect(last.bytesTotal).toBe(result.summary.total_bytes_processed);
    const phases = ['scanning', 'backing-up', 'finishing'];
    for (let i = 1; i < events.length; i++) {
      const a = events[i - 1]!;
      const b = events[i]!;
      expect(b.filesDone).toBeGreaterThanOrEqual(a.filesDone);
      expect(b.bytesDone).toBeGreaterThanOrEqual(a.bytesDone);
      expect(phases.indexOf(b.phase)).toBeGreaterThanOrEqual(phases.indexOf(a.phase));
      if (a.filesTotal !== null) expect(b.filesTotal).toBeGreaterThanOrEqual(a.filesTotal);
      if (a.bytesTotal !== null) expect(b.bytesTotal).toBeGreaterThanOrEqual(a.bytesTotal);
    }
    for (const e of events) {
      if (e.filesTotal !== null) expect(e.filesDone).toBeLessThanOrEqual(e.filesTotal);
      if (e.bytesTotal !== null) expect(e.bytesDone).toBeLessThanOrEqual(e.bytesTotal);
      if (e.etaSeconds !== null) expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
      if (e.filesTotal === null) expect(e.etaSeconds).toBeNull();
    }
  });

  it('uses os.hostname() by default', async () => {
    const one = path.join(work, 'one');
    await fs.mkdir(one);
    await fs.writeFile(path.join(one, 'x.txt'), 'x');
    const r = await backup(repo, { paths: [one], workers: 1 });
    expect(r.snapshot.hostname).toBe(hostname());
    expect(r.snapshot.tags).toBeUndefined();
  });
});
