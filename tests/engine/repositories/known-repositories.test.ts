import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { seedRepository } from '../../helpers/seed-repository.ts';
import { harness, tempDir } from './harness.ts';

const password = 'correct horse battery staple';

describe('known repositories', () => {
  it('creates a repository, files its password in the keychain and lists it', async () => {
    const h = harness();
    const dir = path.join(tempDir('create'), 'backups');
    const created = await h.call('createRepository', { location: { kind: 'local', path: dir }, password });
    expect(created).toMatchObject({ location: { kind: 'local', path: dir }, jobIds: [] });
    expect(await h.secrets.get(secretAccounts.repositoryPassword(created.repositoryId))).toBe(password);
    expect(await h.call('listRepositories', undefined)).toEqual([created]);
    expect(existsSync(path.join(dir, 'config'))).toBe(true);
    // The file under the data folder names the repository but never its password.
    const file = readFileSync(path.join(h.dataDir, 'repositories.json'), 'utf8');
    expect(file).toContain(created.repositoryId);
    expect(file).not.toContain(password);
    // A second create at the same place is refused.
    expect(
      (await h.fail('createRepository', { location: { kind: 'local', path: dir }, password })).code,
    ).toBe('REPO_EXISTS');
  });

  it('connects an existing repository; a wrong password and an empty place are typed errors', async () => {
    const h = harness();
    const dir = tempDir('connect');
    const seeded = await seedRepository({ path: dir, password, snapshots: 3 });
    const location = { kind: 'local' as const, path: dir };
    expect((await h.fail('connectRepository', { location, password: 'nope' })).code).toBe('WRONG_PASSWORD');
    expect(
      (await h.fail('connectRepository', { location: { kind: 'local', path: tempDir('empty') }, password }))
        .code,
    ).toBe('REPO_NOT_FOUND');
    expect(
      (await h.fail('connectRepository', { location: { kind: 'local', path: 'relative/path' }, password }))
        .code,
    ).toBe('INVALID_ARGUMENT');
    const info = await h.call('connectRepository', { location, password });
    expect(info.repositoryId).toBe(seeded.repositoryId);
    expect((await h.call('listSnapshots', { repositoryId: info.repositoryId })).map((s) => s.id)).toEqual(
      seeded.snapshots.map((s) => s.id),
    );
    // A fresh Service on the same data folder and keychain knows it too.
    const again = harness({ dataDir: h.dataDir, secrets: async () => h.secrets });
    expect(await again.call('listRepositories', undefined)).toEqual([info]);
    expect(await again.call('disconnectRepository', { repositoryId: info.repositoryId })).toBe(true);
    expect(await again.call('listRepositories', undefined)).toEqual([]);
    const unknown = await again.fail('listSnapshots', { repositoryId: info.repositoryId });
    expect(unknown.code).toBe('NOT_FOUND');
  });

  it('says WRONG_PASSWORD when the keychain lost the password, and checks ids', async () => {
    const h = harness();
    const dir = tempDir('lost');
    await seedRepository({ path: dir, password, snapshots: 1 });
    const info = await h.call('connectRepository', { location: { kind: 'local', path: dir }, password });
    const later = harness({ dataDir: h.dataDir });
    expect((await later.fail('listSnapshots', { repositoryId: info.repositoryId })).code).toBe(
      'WRONG_PASSWORD',
    );
    expect((await h.fail('listSnapshots', { repositoryId: 'nope' })).code).toBe('INVALID_ARGUMENT');
  });

  it('lists job destinations with their job ids, and refuses to disconnect a repository a job uses', async () => {
    const h = harness();
    const dir = path.join(tempDir('job'), 'repo');
    const created = await h.call('createRepository', { location: { kind: 'local', path: dir }, password });
    const source = tempDir('src');
    mkdirSync(path.join(source, 'crm'));
    // The wizard creates the repository at one step and saves the job later, without the password again.
    const job = await h.call('saveJob', {
      job: {
        name: 'CRM',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'local', path: dir } },
        schedule: { kind: 'manual' },
      },
    } as never);
    expect(job.destination.repositoryId).toBe(created.repositoryId);
    const [listed] = await h.call('listRepositories', undefined);
    expect(listed).toMatchObject({ repositoryId: created.repositoryId, jobIds: [job.id] });
    expect((await h.fail('disconnectRepository', { repositoryId: created.repositoryId })).code).toBe('BUSY');

    // Without the password in the keychain, the job still needs it.
    const other = path.join(tempDir('job2'), 'repo');
    const second = await h.call('createRepository', { location: { kind: 'local', path: other }, password });
    await h.secrets.delete(secretAccounts.repositoryPassword(second.repositoryId));
    const refused = await h.fail('saveJob', {
      job: {
        name: 'CRM 2',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'local', path: other } },
        schedule: { kind: 'manual' },
      },
    });
    expect(refused.code).toBe('INVALID_ARGUMENT');
    expect(refused.message).toMatch(/password/);
  });

  it('keeps the repository of a deleted job, so its backups can still be restored', async () => {
    const h = harness();
    const dir = path.join(tempDir('deleted-job'), 'repo');
    const seeded = await seedRepository({ path: dir, password, snapshots: 2 });
    const source = tempDir('deleted-job-src');
    // A job set up with its password (the command line does so), never connected on purpose.
    const job = await h.call('saveJob', {
      job: {
        name: 'CRM',
        sources: [{ kind: 'folder', path: source, excludes: [] }],
        destination: { location: { kind: 'local', path: dir } },
        schedule: { kind: 'manual' },
      },
      password,
    });
    expect(await h.call('listRepositories', undefined)).toMatchObject([
      { repositoryId: seeded.repositoryId, jobIds: [job.id] },
    ]);
    await h.call('deleteJob', { id: job.id });
    expect(await h.call('listRepositories', undefined)).toMatchObject([
      { repositoryId: seeded.repositoryId, jobIds: [] },
    ]);
    expect(await h.call('listSnapshots', { repositoryId: seeded.repositoryId })).toHaveLength(2);
    expect(await h.call('disconnectRepository', { repositoryId: seeded.repositoryId })).toBe(true);
    expect(await h.call('listRepositories', undefined)).toEqual([]);
  });

  it('keeps the setup draft across restarts and deletes it with null', async () => {
    const h = harness();
    expect(await h.call('getSetupDraft', undefined)).toBeNull();
    expect(
      await h.call('saveSetupDraft', { step: 3, data: { destination: { kind: 'local', path: '/mnt/nas' } } }),
    ).toBe(true);
    const again = harness({ dataDir: h.dataDir });
    expect(await again.call('getSetupDraft', undefined)).toMatchObject({
      step: 3,
      data: { destination: { path: '/mnt/nas' } },
    });
    writeFileSync(path.join(h.dataDir, 'setup-draft.json'), '{ torn');
    expect(await again.call('getSetupDraft', undefined)).toBeNull();
    await again.call('saveSetupDraft', { step: 1, data: {} });
    expect(await again.call('saveSetupDraft', null)).toBe(true);
    expect(await again.call('getSetupDraft', undefined)).toBeNull();
    expect(existsSync(path.join(h.dataDir, 'setup-draft.json'))).toBe(false);
  });

  it('reports launch at login through the host, or unsupported without one', async () => {
    const plain = harness();
    expect(await plain.call('getLaunchAtLogin', undefined)).toEqual({ supported: false, enabled: false });
    expect((await plain.fail('setLaunchAtLogin', { enabled: true })).code).toBe('UNSUPPORTED');
    let enabled = false;
    const desktop = harness({ launchAtLogin: { get: () => enabled, set: (on) => void (enabled = on) } });
    expect(await desktop.call('setLaunchAtLogin', { enabled: true })).toEqual({
      supported: true,
      enabled: true,
    });
    expect(await desktop.call('getLaunchAtLogin', undefined)).toEqual({ supported: true, enabled: true });
  });
});
