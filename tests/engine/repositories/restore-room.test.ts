/** The restore preview says how much room the restore needs and how much is free, before it starts. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import type { RestorePlan } from '../../../src/engine/repo/restore-plan.ts';
import { freeSpaceOf, restoreRoom, withMargin } from '../../../src/engine/repo/restore-space.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { dirNode, fileNode, seedKdf } from '../../helpers/seed-repository.ts';
import { useTinyDisk } from '../../helpers/tiny-disk.ts';
import { harness, tempDir, type Harness } from './harness.ts';

const password = 'room test password';
const t = '2024-01-01T00:00:00Z';
const big = 1_500_000;
const small = 300_000;
let h: Harness;
let work: string;
let repositoryId: string;
let snapshotId: string;

/** One snapshot of /shop with big.bin and small.bin, connected to a Service. */
beforeAll(async () => {
  work = tempDir('room');
  const repoDir = path.join(work, 'repo');
  const repo = await Repository.init(new LocalBackend(repoDir), password, { kdf: seedKdf });
  const files = [fileNode('big.bin', big, [], t), fileNode('small.bin', small, [], t)];
  for (const node of files) node.content = [await repo.saveBlob('data', randomBytes(node.size ?? 0))];
  const sub = await repo.saveBlob('tree', encodeTree(files));
  const tree = await repo.saveBlob('tree', encodeTree([dirNode('shop', sub, t)]));
  await repo.flush();
  snapshotId = await repo.saveSnapshot({ time: t, tree, paths: ['/shop'] });
  h = harness();
  ({ repositoryId } = await h.call('connectRepository', {
    location: { kind: 'local', path: repoDir },
    password,
  }));
});

const preview = (include: string[], target: string) =>
  h.call('previewRestore', { repositoryId, snapshotId, include, target: { kind: 'folder', path: target } });

describe('the restore preview measures the disk', () => {
  it('says what the restore needs and what is free where it goes', async () => {
    const target = path.join(work, 'out', 'restored');
    const result = await preview([], target);
    expect(result.neededBytes).toBe(withMargin(big + small, 2));
    const free = (await freeSpaceOf(work))!;
    // Free space moves a little while other tests write: the same disk, give or take 64 MB.
    expect(Math.abs((result.freeBytes ?? 0) - free)).toBeLessThan(64 * 2 ** 20);
    expect(result.enoughSpace).toBe(result.freeBytes! >= result.neededBytes);
  });

  describe('on a real 1 MiB disk', () => {
    const disk = useTinyDisk(() => work, 'the preview on a full disk');

    it('warns up front that 1.5 MB do not fit, and agrees with the restore', async (ctx) => {
      if (!disk.mounted) ctx.skip();
      const target = path.join(disk.path, 'restore');
      const tooBig = await preview(['/shop/big.bin'], target);
      expect(tooBig).toMatchObject({ neededBytes: withMargin(big, 1), enoughSpace: false });
      expect(tooBig.freeBytes).toBeGreaterThan(900_000);
      expect(tooBig.freeBytes).toBeLessThanOrEqual(2 ** 20);
      expect(await fs.readdir(disk.path)).toEqual([]); // the preview wrote nothing
      // The restore itself refuses it for the same reason.
      const refused = await h.fail('restoreSnapshot', {
        repositoryId,
        snapshotId,
        include: ['/shop/big.bin'],
        target: { kind: 'folder', path: target },
      });
      expect(refused.code).toBe('DISK_FULL');

      const fits = await preview(['/shop/small.bin'], target);
      expect(fits).toMatchObject({ neededBytes: withMargin(small, 1), enoughSpace: true });
    });
  });
});

/** A plan of files under the target (segments, size), for `restoreRoom` on its own. */
function planOf(files: [string[], number][]): RestorePlan {
  return {
    dirs: [],
    symlinks: [],
    skipped: [],
    files: files.map(([segments, size]) => ({ segments, node: fileNode(segments.at(-1)!, size, [], t) })),
    totalBytes: files.reduce((sum, [, size]) => sum + size, 0),
  };
}

describe('restoreRoom', () => {
  it('reports "cannot tell" as null and lets the restore go ahead', async () => {
    const room = await restoreRoom(planOf([[['a'], 5000]]), work, false, () => Promise.resolve(undefined));
    expect(room).toMatchObject({ neededBytes: withMargin(5000, 1), freeBytes: null, enough: true });
  });

  it('when nothing grows it still says what is free, and needs nothing', async () => {
    const target = path.join(work, 'same');
    await fs.mkdir(path.join(target, 'shop'), { recursive: true });
    await fs.writeFile(path.join(target, 'shop', 'a.bin'), randomBytes(4000));
    const asked: string[] = [];
    const freeSpace = (dir: string) => (asked.push(dir), Promise.resolve(123_456));
    const room = await restoreRoom(planOf([[['shop', 'a.bin'], 4000]]), target, true, freeSpace);
    expect(room).toMatchObject({ neededBytes: 0, freeBytes: 123_456, enough: true });
    expect(asked).toEqual([target]);
  });

  it('reports the bytes of the files and the margin, short or not', async () => {
    const plan = planOf([
      [['a.bin'], 300_000],
      [['b.bin'], 200_000],
    ]);
    const short = await restoreRoom(plan, work, false, () => Promise.resolve(300_000));
    expect(short).toEqual({
      neededBytes: withMargin(500_000, 2),
      freeBytes: 300_000,
      enough: false,
      contentBytes: 500_000,
      place: work,
    });
    const roomy = await restoreRoom(plan, work, false, () => Promise.resolve(10_000_000));
    expect(roomy).toMatchObject({ freeBytes: 10_000_000, enough: true });
  });
});
