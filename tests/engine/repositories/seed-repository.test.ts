import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fileContent,
  seedRepository,
  seedRoot,
  seedWideFolderSnapshot,
} from '../../helpers/seed-repository.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import { tempDir } from './harness.ts';

const password = 'seed test password';

describe('the seeding helper', () => {
  it.skipIf(!hasRestic)('makes repositories restic accepts, with the content it promises', async () => {
    const dir = tempDir('seed');
    const seeded = await seedRepository({ path: dir, password, snapshots: 30 });
    const wide = await seedWideFolderSnapshot({ path: dir, password, entries: 1000 });
    expect(wide.repositoryId).toBe(seeded.repositoryId);
    await resticOk(dir, ['check', '--read-data'], { password });
    const listed = JSON.parse(await resticOk(dir, ['snapshots', '--json'], { password })) as Array<{
      id: string;
    }>;
    expect(listed.map((s) => s.id).sort()).toEqual(
      [...seeded.snapshots.map((s) => s.id), wide.snapshotId].sort(),
    );
    const target = tempDir('seed-restore');
    const oldest = seeded.snapshots[0]?.id ?? '';
    await resticOk(dir, ['restore', oldest, '--target', target], { password });
    expect(
      readFileSync(path.join(target, seedRoot, 'contract.docx')).equals(fileContent('contract.docx', 1)),
    ).toBe(true);
    const ls = await resticOk(dir, ['ls', wide.snapshotId, wide.folder], { password });
    expect(ls.trim().split('\n').length).toBeGreaterThan(1000);
  });
});
