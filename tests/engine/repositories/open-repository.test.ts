import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { OpenRepository } from '../../../src/engine/repositories/open-repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { seedRepository } from '../../helpers/seed-repository.ts';
import { tempDir } from './harness.ts';

const password = 'open repository test';

async function opened(dir: string): Promise<OpenRepository> {
  const repo = await Repository.open(new LocalBackend(dir), password);
  return new OpenRepository(repo, {} as never);
}

describe('an open repository', () => {
  it('reloads the index after a backup, but never under an operation that relies on it', async () => {
    const dir = tempDir('open');
    await seedRepository({ path: dir, password, snapshots: 2 });
    const open = await opened(dir);
    await open.ensureIndex();
    let newTree = '';
    await open.use(async () => {
      // A backup finishes while a restore reads the index: the index stays as the restore found it.
      const later = await seedRepository({
        path: dir,
        password,
        snapshots: 1,
        end: new Date(Date.now() + 86_400_000),
      });
      newTree = (await open.snapshot(later.snapshots[0]?.id ?? '')).tree;
      await open.refreshIndex();
      expect(open.repo.hasBlob('tree', newTree)).toBe(false);
    });
    // Afterwards the new tree is found (the index is reloaded on demand).
    expect((await open.tree(newTree)).nodes.map((n) => n.name)).toEqual(['srv']);
    expect(open.repo.hasBlob('tree', newTree)).toBe(true);
  });

  it('loads many trees with a few range reads', async () => {
    const dir = tempDir('prefetch');
    const seeded = await seedRepository({ path: dir, password, snapshots: 50 });
    const open = await opened(dir);
    const roots = await Promise.all(seeded.snapshots.map(async (s) => (await open.snapshot(s.id)).tree));
    let reads = 0;
    const backend = open.repo.backend;
    const read = backend.read.bind(backend);
    backend.read = (...args) => {
      reads++;
      return read(...args);
    };
    await open.prefetchTrees(roots);
    expect(reads).toBeLessThan(5);
    for (const id of roots) expect(open.cachedTree(id)).toBeDefined();
  });
});
