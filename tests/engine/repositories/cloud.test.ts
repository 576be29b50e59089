import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spaceFromUsage } from '../../../src/engine/storage/dropbox/space.ts';
import { DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { emulatorBackend } from '../../emulators/dropbox/test-support.ts';
import { backendFor, DriveEmulator } from '../../emulators/gdrive/fixtures.ts';
import { seedRepository } from '../../helpers/seed-repository.ts';
import { harness, type Harness } from './harness.ts';

const password = 'cloud test password';
const gib = 1024 ** 3;
let drive: DriveEmulator;
let dropbox: DropboxEmulator;
let teamDropbox: DropboxEmulator;

beforeAll(async () => {
  drive = await DriveEmulator.start({ quotaBytes: 15 * gib });
  dropbox = await DropboxEmulator.start({ quotaBytes: 2 * gib });
  teamDropbox = await DropboxEmulator.start({
    quotaBytes: 100 * gib,
    team: { othersUsed: 40 * gib, allocated: 100 * gib, memberAllocated: 10 * gib, memberLimit: 'stop_sync' },
  });
});
afterAll(async () => {
  await drive?.close();
  await dropbox?.close();
  await teamDropbox?.close();
});

/** A Service whose cloud locations open emulator backends (sign-in is tested elsewhere). */
function cloudHarness(): Harness {
  return harness({
    jobs: {
      runner: {
        openBackend: async (location) => {
          if (location.startsWith('gdrive:')) return backendFor(drive, location);
          if (location.startsWith('dropbox:')) {
            const emu = location.includes('/Team/') ? teamDropbox : dropbox;
            return emulatorBackend(emu, location);
          }
          throw new Error(`unexpected location ${location}`);
        },
      },
    },
  });
}

describe('Google Drive (emulator)', () => {
  it('checks a destination, creates a repository there, and sees it afterwards', async () => {
    const h = cloudHarness();
    const location = { kind: 'gdrive' as const, folder: 'Lifeboat Backups/new shop' };
    const empty = await h.call('checkDestination', { location, sourcePaths: ['/srv/crm'] });
    expect(empty).toMatchObject({ state: 'empty', totalBytes: 15 * gib, sameDiskAs: [] });
    expect(empty.freeBytes).toBeGreaterThan(14 * gib);
    const created = await h.call('createRepository', { location, password });
    expect(await h.call('checkDestination', { location })).toMatchObject({ state: 'repository' });
    expect(await h.call('listSnapshots', { repositoryId: created.repositoryId })).toEqual([]);
  });

  it('connects a repository with snapshots, lists them and measures its space; wrong password is typed', async () => {
    const folder = 'Lifeboat Backups/shop';
    const seeded = await seedRepository({
      backend: backendFor(drive, `gdrive:${folder}`),
      password,
      snapshots: 40,
    });
    const h = cloudHarness();
    const location = { kind: 'gdrive' as const, folder };
    expect((await h.fail('connectRepository', { location, password: 'wrong' })).code).toBe('WRONG_PASSWORD');
    const info = await h.call('connectRepository', { location, password });
    expect(info.repositoryId).toBe(seeded.repositoryId);
    const list = await h.call('listSnapshots', { repositoryId: info.repositoryId });
    expect(list.map((s) => s.id)).toEqual(seeded.snapshots.map((s) => s.id));
    const space = await h.call('repositorySpace', { repositoryId: info.repositoryId });
    expect(space.repositoryBytes).toBeGreaterThan(0);
    expect(space.totalBytes).toBe(15 * gib);
    expect(space.freeBytes).toBeLessThan(15 * gib);
    const dir = await h.call('listSnapshotDir', {
      repositoryId: info.repositoryId,
      snapshotId: list[0]?.id ?? '',
      path: seeded.root,
    });
    expect(dir.entries.map((e) => e.name)).toContain('contract.docx');
    expect(
      (await h.fail('connectRepository', { location: { kind: 'gdrive', folder: 'Nothing here' }, password }))
        .code,
    ).toBe('REPO_NOT_FOUND');
  });

  it('needs a signed-in account', async () => {
    const h = harness();
    const error = await h.fail('checkDestination', { location: { kind: 'gdrive', folder: 'Backups' } });
    expect(error.code).toBe('AUTH_REQUIRED');
  });
});

describe('Dropbox (emulator)', () => {
  it('checks a destination with the account quota and a test write', async () => {
    const h = cloudHarness();
    const location = { kind: 'dropbox' as const, path: '/Apps/Lifeboat/shop' };
    const check = await h.call('checkDestination', { location });
    expect(check).toMatchObject({ state: 'empty', totalBytes: 2 * gib });
    expect(dropbox.stats.requests.get('users/get_space_usage')).toBe(1);
    await h.call('createRepository', { location, password });
    expect(await h.call('checkDestination', { location })).toMatchObject({ state: 'repository' });
  });

  it('uses a team member`s own limit when the team enforces one', async () => {
    const h = cloudHarness();
    const check = await h.call('checkDestination', { location: { kind: 'dropbox', path: '/Team/Lifeboat' } });
    expect(check.totalBytes).toBe(10 * gib);
    expect(check.freeBytes).toBeGreaterThan(9.9 * gib);
    expect(
      spaceFromUsage({
        used: 5,
        allocation: {
          '.tag': 'team',
          used: 95,
          allocated: 100,
          user_within_team_space_allocated: 0,
          user_within_team_space_limit_type: { '.tag': 'off' },
          user_within_team_space_used_cached: 5,
        },
      }),
    ).toEqual({ free: 5, total: 100 });
    expect(spaceFromUsage({ used: 1, allocation: { '.tag': 'other' } })).toBeUndefined();
  });
});
