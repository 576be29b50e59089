import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { seedRepository, seedRoot, seedWideFolderSnapshot } from '../../helpers/seed-repository.ts';
import { harness, tempDir } from './harness.ts';

const password = 'browse test password';

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  console.log(`${label}: ${(performance.now() - started).toFixed(0)} ms`);
  return value;
}

describe('snapshots and browsing', () => {
  it('lists 2,000 snapshots quickly, oldest first, with jobs and summaries', async () => {
    const dir = tempDir('many');
    const seeded = await seedRepository({ path: dir, password, snapshots: 2000 });
    const h = harness();
    const { repositoryId } = await h.call('connectRepository', {
      location: { kind: 'local', path: dir },
      password,
    });
    const first = await timed('listSnapshots 2,000 (cold)', () => h.call('listSnapshots', { repositoryId }));
    const cold = harness({ dataDir: h.dataDir, secrets: async () => h.secrets });
    await timed('listSnapshots 2,000 (new Service: open + read)', () =>
      cold.call('listSnapshots', { repositoryId }),
    );
    const again = await timed('listSnapshots 2,000 (cached)', () =>
      h.call('listSnapshots', { repositoryId }),
    );
    expect(again).toEqual(first);
    expect(first.map((s) => s.id)).toEqual(seeded.snapshots.map((s) => s.id));
    const times = first.map((s) => Date.parse(s.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(first.map((s) => s.jobId)).toEqual(seeded.snapshots.map((s) => s.jobId));
    const [oldest] = first;
    expect(oldest).toMatchObject({
      shortId: oldest?.id.slice(0, 8),
      hostname: 'office-pc',
      username: 'office',
      paths: [seedRoot],
      parent: null,
      summary: { filesNew: 1, durationSeconds: 20 },
    });
    expect(first[1]?.parent).toBe(oldest?.id);
    expect(first.filter((s) => s.jobId === null).every((s) => s.tags.includes('manual'))).toBe(true);
    const found = await timed('findInSnapshots over 2,000 versions', () =>
      h.call('findInSnapshots', { repositoryId, query: 'contract', limit: 10_000 }),
    );
    expect(found.matches).toHaveLength(1998);
    const space = await h.call('repositorySpace', { repositoryId });
    expect(space.repositoryBytes).toBeGreaterThan(0);
    expect(space.freeBytes).toBeGreaterThan(0);
    expect(space.totalBytes).toBeGreaterThan(space.freeBytes ?? 0);
  }, 60_000);

  it('leaves a damaged snapshot file out of the list and says so in the log', async () => {
    const dir = tempDir('damaged-snapshot');
    const seeded = await seedRepository({ path: dir, password, snapshots: 5 });
    const broken = seeded.snapshots[2]?.id ?? '';
    writeFileSync(path.join(dir, 'snapshots', broken), 'not a snapshot');
    const h = harness();
    const logs: string[] = [];
    h.service.on('log', (e) => logs.push(e.message));
    const { repositoryId } = await h.call('connectRepository', {
      location: { kind: 'local', path: dir },
      password,
    });
    const list = await h.call('listSnapshots', { repositoryId });
    expect(list.map((s) => s.id)).toEqual(seeded.snapshots.map((s) => s.id).filter((id) => id !== broken));
    expect(logs).toEqual([expect.stringContaining(broken.slice(0, 8))]);
    await h.call('listSnapshots', { repositoryId });
    expect(logs).toHaveLength(1);
  });

  it('lists a folder of 50,000 entries quickly, folders first then by name', async () => {
    const dir = tempDir('wide');
    const wide = await seedWideFolderSnapshot({ path: dir, password, entries: 50_000 });
    const h = harness();
    const { repositoryId } = await h.call('connectRepository', {
      location: { kind: 'local', path: dir },
      password,
    });
    const input = { repositoryId, snapshotId: wide.snapshotId, path: wide.folder };
    const { entries } = await timed('listSnapshotDir 50,000 (cold)', () => h.call('listSnapshotDir', input));
    await timed('listSnapshotDir 50,000 (same folder again)', () => h.call('listSnapshotDir', input));
    expect(entries).toHaveLength(50_000);
    expect(entries.slice(0, 500).every((e) => e.type === 'dir')).toBe(true);
    expect(entries[500]).toMatchObject({
      type: 'file',
      name: 'invoice-000001.pdf',
      path: `${wide.folder}/invoice-000001.pdf`,
    });
    expect(entries[0]?.name).toBe('folder-000000');
    const top = await h.call('listSnapshotDir', { repositoryId, snapshotId: wide.snapshotId, path: '/' });
    expect(top.entries).toEqual([
      expect.objectContaining({ name: 'srv', path: '/srv', type: 'dir', size: 0 }),
    ]);
    expect((await h.fail('listSnapshotDir', { ...input, path: '/srv/nothing' })).code).toBe('NOT_FOUND');
    expect((await h.fail('listSnapshotDir', { ...input, snapshotId: 'f'.repeat(64) })).code).toBe(
      'NOT_FOUND',
    );
  }, 60_000);

  it('sorts names the way people read them (case-insensitive, numbers by value)', async () => {
    const dir = tempDir('names');
    const seeded = await seedRepository({ path: dir, password, snapshots: 60 });
    const h = harness();
    const { repositoryId } = await h.call('connectRepository', {
      location: { kind: 'local', path: dir },
      password,
    });
    const last = seeded.snapshots.at(-1)?.id ?? '';
    const { entries } = await h.call('listSnapshotDir', { repositoryId, snapshotId: last, path: seedRoot });
    expect(entries.map((e) => e.name)).toEqual(['exports', 'Вложения', 'crm.sqlite', 'notes.txt']);
    const attachments = await h.call('listSnapshotDir', {
      repositoryId,
      snapshotId: last,
      path: `${seedRoot}/Вложения`,
    });
    expect(attachments.entries.map((e) => e.name)).toEqual([
      'договор-0.txt',
      'договор-1.txt',
      'договор-2.txt',
    ]);
  });

  it('compares two versions and finds a file across versions', async () => {
    const dir = tempDir('diff');
    const seeded = await seedRepository({ path: dir, password, snapshots: 300 });
    // Counts pack reads: the search must read trees in bulk, not one request per tree.
    const reads = { data: 0 };
    const h = harness({
      jobs: {
        runner: {
          openBackend: async (location) => {
            const backend = new LocalBackend(location);
            return Object.assign(Object.create(backend) as LocalBackend, {
              read: (...args: Parameters<LocalBackend['read']>) => {
                if (args[0] === 'data') reads.data++;
                return backend.read(...args);
              },
            });
          },
        },
      },
    });
    const { repositoryId } = await h.call('connectRepository', {
      location: { kind: 'local', path: dir },
      password,
    });
    const ids = seeded.snapshots.map((s) => s.id);
    const diff = await h.call('diffSnapshots', {
      repositoryId,
      from: ids.at(-3) ?? '',
      to: ids.at(-1) ?? '',
    });
    expect(diff.removed).toBe(1);
    expect(diff.changes).toContainEqual({
      path: seeded.deletedFile,
      change: 'removed',
      type: 'file',
      size: expect.any(Number),
    });
    expect(diff.truncated).toBe(false);
    const limited = await h.call('diffSnapshots', {
      repositoryId,
      from: ids[0] ?? '',
      to: ids.at(-1) ?? '',
      limit: 2,
    });
    expect(limited.changes).toHaveLength(2);
    expect(limited.truncated).toBe(true);
    expect(limited.added + limited.removed + limited.modified).toBeGreaterThan(2);

    reads.data = 0;
    const found = await timed('findInSnapshots over 300 versions', () =>
      h.call('findInSnapshots', { repositoryId, query: 'CONTRACT', limit: 10_000 }),
    );
    expect(found.truncated).toBe(false);
    console.log(`findInSnapshots over 300 versions: ${reads.data} pack reads`);
    expect(reads.data).toBeLessThan(50); // 300 versions hold over 1,000 distinct trees
    expect(found.matches).toHaveLength(298);
    expect(found.matches[0]).toMatchObject({ snapshotId: ids[0], path: seeded.deletedFile, type: 'file' });
    const some = await h.call('findInSnapshots', {
      repositoryId,
      query: 'договор-1.',
      snapshotIds: [ids.at(-1) ?? ''],
    });
    expect(some.matches.map((m) => m.path)).toEqual([`${seedRoot}/Вложения/договор-1.txt`]);
    // Versions added after the repository was opened (a backup ran meanwhile) are seen at once.
    const more = await seedRepository({
      path: dir,
      password,
      snapshots: 2,
      end: new Date(Date.now() + 86_400_000),
    });
    const newest = more.snapshots.at(-1)?.id ?? '';
    expect((await h.call('listSnapshots', { repositoryId })).at(-1)?.id).toBe(newest);
    const newDir = await h.call('listSnapshotDir', { repositoryId, snapshotId: newest, path: seedRoot });
    expect(newDir.entries.map((e) => e.name)).not.toContain('contract.docx');
    const newDiff = await h.call('diffSnapshots', { repositoryId, from: ids[0] ?? '', to: newest });
    expect(newDiff.removed).toBeGreaterThan(0);
    const capped = await h.call('findInSnapshots', { repositoryId, query: 'txt', limit: 50 });
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.matches).toHaveLength(50);
  }, 60_000);
});
