import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { forget } from '../../../src/engine/repo/forget.ts';
import { utcTimeZone } from '../../../src/engine/repo/forget-policy.ts';
import { formatGoTime, nowNs } from '../../../src/engine/repo/go-time.ts';
import { listLocks } from '../../../src/engine/repo/lock.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import { MemoryBackend } from './memory-backend.ts';
import { fastKdf, fastLock, repoFiles, snapshotDir, writeFiles } from './prune-fixtures.ts';

const password = 'forget-test-password';
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-forget-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

const times = [
  '2024-03-10T09:00:00Z',
  '2024-03-10T18:00:00Z',
  '2024-03-11T09:00:00Z',
  '2024-03-12T09:00:00Z',
  '2024-03-12T18:00:00Z',
];

/** A repository with one snapshot per time (office-pc, /crm) and one of another host. */
async function makeRepo(): Promise<{ repo: Repository; ids: string[]; other: string }> {
  const repo = await Repository.init(new MemoryBackend(), password, { kdf: fastKdf, packSize: 64 * 1024 });
  const src = await fs.mkdtemp(path.join(work, 'src-'));
  const ids: string[] = [];
  for (const [i, t] of times.entries()) {
    await writeFiles(src, { [`day-${i}.bin`]: 40_000 });
    ids.push(await snapshotDir(repo, src, t, { tags: i === 0 ? ['monthly-close'] : [] }));
  }
  const other = await snapshotDir(repo, src, '2024-03-01T00:00:00Z', { hostname: 'laptop' });
  return { repo, ids, other };
}

const opts = { timeZone: utcTimeZone, now: new Date('2024-04-01T00:00:00Z'), lock: fastLock };

describe('forget', () => {
  it('removes the snapshot files the policy does not keep, per group, and leaves the data', async () => {
    const { repo, ids, other } = await makeRepo();
    const data = (await repo.backend.list('data')).map((f) => f.name).sort();
    const r = await forget(repo, { policy: { keepDaily: 2 }, ...opts });
    expect(r.groups).toHaveLength(2);
    const office = r.groups.find((g) => g.key.hostname === 'office-pc');
    expect(office?.key).toEqual({ hostname: 'office-pc', paths: ['/crm'], tags: null });
    // Newest per day, two days: 03-12 18:00 and 03-11 09:00.
    expect(office?.keep.map((k) => k.id)).toEqual([ids[4], ids[2]]);
    expect(office?.keep[0]?.reasons).toEqual(['daily snapshot']);
    expect(office?.remove.map((s) => s.id).sort()).toEqual([ids[0], ids[1], ids[3]].sort());
    expect(r.removed.sort()).toEqual([ids[0], ids[1], ids[3]].sort());
    expect((await repo.listSnapshots()).map((s) => s.id).sort()).toEqual([ids[2], ids[4], other].sort());
    // Data is only released by prune: packs untouched, the forgotten blobs are now unused.
    expect((await repo.backend.list('data')).map((f) => f.name).sort()).toEqual(data);
    const check = await checkRepository(repo);
    expect(check.ok).toBe(true);
    expect(check.counts.unusedBlobs).toBeGreaterThan(0);
    expect(await listLocks(repo)).toEqual([]);
  });

  it('honours host/tag filters and keep-tag, and a dry run changes nothing', async () => {
    const { repo, ids, other } = await makeRepo();
    const before = await repoFiles(repo.backend);
    const dry = await forget(repo, {
      policy: { keepLast: 1, keepTags: ['monthly-close'] },
      host: 'office-pc',
      dryRun: true,
      ...opts,
    });
    expect(dry.removed).toEqual([]);
    expect(dry.groups).toHaveLength(1);
    expect(dry.groups[0]?.keep.map((k) => [k.id, k.reasons])).toEqual([
      [ids[4], ['last snapshot']],
      [ids[0], ['has tags [monthly-close]']],
    ]);
    expect(await repoFiles(repo.backend)).toEqual(before);

    const real = await forget(repo, {
      policy: { keepLast: 1, keepTags: ['monthly-close'] },
      host: 'office-pc',
      ...opts,
    });
    expect(real.removed.sort()).toEqual([ids[1], ids[2], ids[3]].sort());
    expect((await repo.listSnapshots()).map((s) => s.id).sort()).toEqual([ids[0], ids[4], other].sort());
  });

  it('refuses an empty policy and takes an exclusive lock', async () => {
    const { repo } = await makeRepo();
    await expect(forget(repo, { policy: {}, ...opts })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await repo.saveUnpacked('locks', {
      time: formatGoTime(nowNs()),
      exclusive: false,
      hostname: 'other-pc',
      username: 'anna',
      pid: 4242,
    });
    await expect(forget(repo, { policy: { keepLast: 1 }, ...opts })).rejects.toMatchObject({
      code: 'REPO_LOCKED',
    });
    expect(await repo.listSnapshots()).toHaveLength(6);
  });
});

describe.skipIf(!hasRestic)('forget on a restic repository', () => {
  it('decides like `restic forget` and `restic snapshots` agrees afterwards', async () => {
    const repoDir = path.join(work, 'restic-repo');
    const src = path.join(work, 'restic-src');
    // Our init with a cheap KDF keeps every restic call fast; restic reads our key file.
    await Repository.init(new LocalBackend(repoDir), password, { kdf: fastKdf });
    const local = [
      '2024-03-10 09:00:00',
      '2024-03-10 18:00:00',
      '2024-03-11 09:00:00',
      '2024-03-12 09:00:00',
      '2024-03-12 18:00:00',
    ];
    for (const [i, t] of local.entries()) {
      await writeFiles(src, { [`f${i}.bin`]: 10_000 });
      await resticOk(repoDir, ['backup', '--host', 'office-pc', '--time', t, src], { password });
    }
    const policyArgs = ['--keep-daily', '2', '--keep-last', '1'];
    const theirs = JSON.parse(
      await resticOk(repoDir, ['forget', ...policyArgs, '--dry-run', '--json'], { password }),
    ) as Array<{
      keep: Array<{ id: string }>;
      remove: Array<{ id: string }> | null;
    }>;
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const ours = await forget(repo, { policy: { keepDaily: 2, keepLast: 1 }, lock: fastLock });
    expect(ours.groups).toHaveLength(1);
    expect(ours.groups[0]?.keep.map((k) => k.id).sort()).toEqual(theirs[0]?.keep.map((s) => s.id).sort());
    expect(ours.removed.sort()).toEqual((theirs[0]?.remove ?? []).map((s) => s.id).sort());
    expect(ours.removed).toHaveLength(3);
    const listed = JSON.parse(await resticOk(repoDir, ['snapshots', '--json'], { password })) as Array<{
      id: string;
    }>;
    expect(listed.map((s) => s.id).sort()).toEqual(ours.groups[0]?.keep.map((k) => k.id).sort());
    await resticOk(repoDir, ['check'], { password });
  });
});
