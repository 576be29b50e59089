import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { buildRestorePlan } from '../../../src/engine/repo/restore-plan.ts';
import { verifyFile } from '../../../src/engine/repositories/restore-verify.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { seedKdf } from '../../helpers/seed-repository.ts';
import { tempDir } from './harness.ts';

describe('reading restored files back', () => {
  it('accepts the exact content and names what differs on disk', async () => {
    const root = tempDir('verify');
    const source = path.join(root, 'src');
    mkdirSync(source);
    // Several chunks (the chunker cuts at 512 KiB at least), an empty file, and a small one.
    writeFileSync(path.join(source, 'big.bin'), randomBytes(5 * 1024 * 1024)); // read in pieces
    writeFileSync(path.join(source, 'empty.txt'), '');
    writeFileSync(path.join(source, 'small.txt'), 'hello');
    const repo = await Repository.init(new LocalBackend(path.join(root, 'repo')), 'pw', { kdf: seedKdf });
    const { snapshotId } = await backup(repo, { paths: [source], workers: 1 });
    const sn = await repo.loadSnapshot(snapshotId ?? '');
    const target = path.join(root, 'out');
    await restoreSnapshot(repo, sn, { target, workers: 0 });
    const plan = await buildRestorePlan(repo, sn.tree, undefined);
    const byName = new Map(plan.files.map((f) => [f.segments.at(-1), f]));
    const at = (name: string) => path.join(target, source, name);
    const item = (name: string) => byName.get(name)!;
    expect(item('big.bin').node.content?.length).toBeGreaterThan(1);
    for (const name of ['big.bin', 'empty.txt', 'small.txt'])
      expect(await verifyFile(repo, at(name), item(name))).toBeUndefined();

    writeFileSync(at('small.txt'), 'hellO');
    expect(await verifyFile(repo, at('small.txt'), item('small.txt'))).toBe('mismatch');
    writeFileSync(at('small.txt'), 'hell');
    expect(await verifyFile(repo, at('small.txt'), item('small.txt'))).toBe('short');
    appendFileSync(at('empty.txt'), 'x');
    expect(await verifyFile(repo, at('empty.txt'), item('empty.txt'))).toBe('long');
    appendFileSync(at('big.bin'), 'x');
    expect(await verifyFile(repo, at('big.bin'), item('big.bin'))).toBe('long');
    writeFileSync(at('big.bin'), randomBytes(1024));
    expect(await verifyFile(repo, at('big.bin'), item('big.bin'))).toBe('short');
    expect(await verifyFile(repo, path.join(target, 'gone'), item('small.txt'))).toBe('unreadable');
  });
});
