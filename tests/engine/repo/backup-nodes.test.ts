/**
 * Nodes as restic builds them (atime = mtime, device_id everywhere, size/links/device only where
 * restic sets them), restic's change detection, and node equality.
 */
import * as fs from 'node:fs/promises';
import { lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { fileChanged, nodeFromEntry, nodesEqual } from '../../../src/engine/repo/backup/node-from-entry.ts';
import type { ScanEntry } from '../../../src/engine/repo/backup/scanner.ts';
import { listSnapshot } from '../../../src/engine/repo/ls.ts';
import { modeCharDevice, modeDevice } from '../../../src/engine/repo/tree.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import { initRepo, password } from '../../helpers/backup-fixtures.ts';

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-backup-nodes-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function entry(over: Partial<ScanEntry> = {}): ScanEntry {
  return {
    path: '/x/file.txt',
    name: 'file.txt',
    type: 'file',
    mode: 0o100644,
    uid: 1000,
    gid: 1000,
    user: 'ann',
    group: 'staff',
    size: 42,
    inode: 77n,
    dev: 2049n,
    rdev: 0n,
    nlink: 1,
    atimeNs: 1_700_000_999_000_000_000n,
    mtimeNs: 1_700_000_000_123_456_789n,
    ctimeNs: 1_700_000_001_000_000_000n,
    ...over,
  };
}

describe('nodes', () => {
  it('follows restic’s field rules per type', () => {
    const f = nodeFromEntry(entry());
    expect(f).toMatchObject({ type: 'file', size: 42, links: 1, inode: 77, device_id: 2049, content: [] });
    expect(f.atime).toBe(f.mtime);
    expect(f.mtime).toMatch(/\.123456789/);
    const d = nodeFromEntry(entry({ type: 'dir', mode: 0o40755, nlink: 3, size: 4096 }));
    expect(d.size).toBeUndefined();
    expect(d.links).toBeUndefined();
    expect(d.content).toBeNull();
    expect(d.device_id).toBe(2049);
    const l = nodeFromEntry(entry({ type: 'symlink', mode: 0o120777, linkTarget: '../a' }));
    expect(l).toMatchObject({ linktarget: '../a', links: 1, content: null });
    expect(l.size).toBeUndefined();
    const raw = nodeFromEntry(
      entry({
        type: 'symlink',
        mode: 0o120777,
        linkTarget: 'f\ufffdo',
        linkTargetRaw: Buffer.from([0x66, 0xff, 0x6f]),
      }),
    );
    expect(raw.linktarget_raw).toBe(Buffer.from([0x66, 0xff, 0x6f]).toString('base64'));
    const c = nodeFromEntry(entry({ type: 'chardev', mode: 0o20666, rdev: 259n }));
    expect(c).toMatchObject({ device: 259, links: 1 });
    expect(c.mode! & modeCharDevice).toBeTruthy();
    const big = nodeFromEntry(entry({ inode: 2n ** 60n }));
    expect(big.inode).toBe(2n ** 60n);
  });

  it('detects changes like restic (size, mtime, ctime, inode; the last two can be ignored)', () => {
    const prev = nodeFromEntry(entry());
    expect(fileChanged(entry(), prev)).toBe(false);
    expect(fileChanged(entry({ size: 43 }), prev)).toBe(true);
    expect(fileChanged(entry({ mtimeNs: entry().mtimeNs + 1n }), prev)).toBe(true);
    expect(fileChanged(entry({ ctimeNs: 1n }), prev)).toBe(true);
    expect(fileChanged(entry({ ctimeNs: 1n }), prev, { ignoreCtime: true })).toBe(false);
    expect(fileChanged(entry({ inode: 1n }), prev)).toBe(true);
    expect(fileChanged(entry({ inode: 1n }), prev, { ignoreInode: true })).toBe(false);
    expect(fileChanged(entry(), { ...prev, type: 'symlink' })).toBe(true);
    expect(fileChanged(entry(), undefined)).toBe(true);
    // the same instant written in another zone is the same time
    const zoned = { ...prev, mtime: '1970-01-01T03:00:00+03:00', ctime: '1970-01-01T00:00:00Z' };
    expect(fileChanged(entry({ mtimeNs: 0n, ctimeNs: 0n }), zoned)).toBe(false);
  });

  it('compares nodes like restic’s Node.Equals', () => {
    const a = nodeFromEntry(entry());
    expect(nodesEqual(a, { ...a })).toBe(true);
    expect(nodesEqual(a, { ...a, mtime: '2023-11-14T22:13:20.123456789Z' })).toBe(true);
    expect(nodesEqual(a, { ...a, mtime: '2023-11-15T01:13:20.123456789+03:00' })).toBe(true);
    expect(nodesEqual(a, { ...a, inode: 77n })).toBe(true);
    expect(nodesEqual(a, { ...a, user: undefined })).toBe(false);
    expect(nodesEqual(a, { ...a, content: ['0'.repeat(64)] })).toBe(false);
    expect(nodesEqual({ ...a, content: null }, { ...a, content: [] })).toBe(false);
    expect(nodesEqual({ ...a, links: 0 }, { ...a, links: undefined })).toBe(true);
  });

  it('backs up a character device (/dev/null) as restic does', async () => {
    const repoDir = path.join(work, 'repo');
    const repo = await initRepo(repoDir);
    const r = await backup(repo, { paths: ['/dev/null'] });
    const nodes = [];
    for await (const e of listSnapshot(repo, await repo.loadSnapshot(r.snapshotId!))) nodes.push(e);
    const dev = nodes.find((e) => e.path === '/dev/null')!.node;
    const st = lstatSync('/dev/null', { bigint: true });
    expect(dev).toMatchObject({ type: 'chardev', device: Number(st.rdev), content: null });
    expect(dev.mode! & (modeDevice | modeCharDevice)).toBe((modeDevice | modeCharDevice) >>> 0);
    expect(r.summary.total_files_processed).toBe(0);
    if (hasRestic) {
      await resticOk(repoDir, ['check', '--read-data'], { password });
      expect(await resticOk(repoDir, ['ls', '-l', 'latest'], { password })).toMatch(
        /Dcrw-rw-rw-.* \/dev\/null/,
      );
    }
  });
});
