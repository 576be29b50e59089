/**
 * Run as root (a server restoring a self-hosted CRM), a restore gives files, folders and symlinks
 * their owner and group back: the web server's uploads must stay the web server's. Never setuid.
 */
import {
  chownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { MemoryBackend } from './memory-backend.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'lb-owners-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const asRoot = process.geteuid?.() === 0;

describe.runIf(asRoot)('restoring owners (as root)', () => {
  it('gives entries their owner and group from the snapshot, only when asked (root default)', async () => {
    const src = path.join(root, 'espocrm');
    mkdirSync(path.join(src, 'upload'), { recursive: true });
    writeFileSync(path.join(src, 'upload', 'contract.pdf'), 'pdf bytes');
    writeFileSync(path.join(src, 'tool'), '#!/bin/sh\n');
    symlinkSync('upload/contract.pdf', path.join(src, 'latest'));
    chownSync(path.join(src, 'upload'), 33, 33); // www-data on Debian
    chownSync(path.join(src, 'upload', 'contract.pdf'), 33, 1234);
    lchownSync(path.join(src, 'latest'), 4321, 33);
    chownSync(path.join(src, 'tool'), 1000, 1000);
    chmodSync(path.join(src, 'tool'), 0o4755); // setuid in the backup: never restored
    const repo = await Repository.init(new MemoryBackend(), 'owners password', { kdf: fastKdf });
    const { snapshotId } = await backup(repo, { paths: [src], hostname: 'crm-server' });

    const target = path.join(root, 'restored');
    const result = await restoreSnapshot(repo, snapshotId!, { target });
    expect(result.errors).toEqual([]);
    const at = (rel: string) => lstatSync(path.join(target, src, rel));
    expect(at('upload')).toMatchObject({ uid: 33, gid: 33 });
    expect(at('upload/contract.pdf')).toMatchObject({ uid: 33, gid: 1234 });
    expect(at('latest')).toMatchObject({ uid: 4321, gid: 33 });
    expect(at('tool')).toMatchObject({ uid: 1000, gid: 1000 });
    expect(at('tool').mode & 0o7777).toBe(0o755);

    const plain = path.join(root, 'restored-plain');
    await restoreSnapshot(repo, snapshotId!, { target: plain, owners: false });
    expect(lstatSync(path.join(plain, src, 'upload', 'contract.pdf'))).toMatchObject({ uid: 0, gid: 0 });
  });
});
