/**
 * PostgreSQL through real backups (one throw-away server for the file, see tests/helpers/db-servers.ts):
 * a job with a folder and a database writes one snapshot; the first of two snapshots restores into a
 * new database with the first state; a dump taken under a money-moving load restores balanced; restic
 * reads the same dump bytes; and unreachable servers, wrong passwords and a missing pg_dump are typed
 * errors that leave nothing partial in the repository.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import type { SnapshotWithId } from '../../../src/engine/repo/snapshot.ts';
import { secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { streamSourceOf } from '../../../src/engine/sources/job-sources.ts';
import {
  restoreDatabaseFromSnapshot,
  snapshotFolderFiles,
} from '../../../src/engine/sources/snapshot-restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import type { JobDraft } from '../../../src/shared/jobs.ts';
import { sourceKey } from '../../../src/shared/sources.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { freePort, hasPostgres } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import { hasRestic, restic } from '../../helpers/restic.ts';
import { testService } from '../../helpers/test-service.ts';
import { expectDumpUnderLoadBalanced, expectResticDumpsOurBytes } from './backup-checks.ts';
import { crmChangesSql, errorOf, startCrmServer, tableState } from './crm-fixture.ts';

const repoPassword = 'pg backup test';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-pg-backup-'));

async function newRepo(name: string): Promise<{ dir: string; repo: Repository }> {
  const dir = path.join(root, name);
  return { dir, repo: await Repository.init(new LocalBackend(dir), repoPassword, { kdf: fastKdf }) };
}

describe.skipIf(!hasPostgres)('PostgreSQL sources in backups (real server)', () => {
  let pg: DbServer;
  const pgSource = (database: string, port = pg.port) =>
    ({ kind: 'postgres', host: '127.0.0.1', port, user: pg.user, database }) as const;
  const pgUrl = (database: string) => `postgres://${pg.user}@127.0.0.1:${pg.port}/${database}`;

  beforeAll(async () => {
    pg = await startCrmServer('postgres', ['crm', 'busy']);
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('a job backs up a folder and the database into one snapshot; the first of two restores into a new database', async () => {
    const { service, secrets, dataDir } = testService({
      dataDir: mkdtempSync(path.join(root, 'data-')),
      jobs: { runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 2 } },
    });
    try {
      const { dir } = await newRepo('repo-job');
      const folder = path.join(root, 'uploads');
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'invoice-1.pdf'), 'pdf bytes '.repeat(1000));
      const draft: JobDraft = {
        name: 'CRM',
        sources: [{ kind: 'folder', path: folder, excludes: [] }, pgSource('crm')],
        destination: { location: { kind: 'local', path: dir } },
        schedule: { kind: 'manual' },
      };

      // The wizard's test, then the save: the password goes to the keychain, never to the jobs file.
      const tested = await service.testSource({ source: pgSource('crm'), password: pg.password });
      expect(tested.summary).toMatch(/^PostgreSQL \d+[.\d]* · 6 tables · [\d.]+ [KM]B$/);
      expect(tested.tables).toBe(6);
      const job = await service.saveJob({
        job: draft,
        password: repoPassword,
        sourcePasswords: { '1': pg.password },
      });
      expect(await secrets.get(secretAccounts.sourcePassword(sourceKey(pgSource('crm'))))).toBe(pg.password);
      for (const f of readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) =>
        e.isFile(),
      )) {
        expect(readFileSync(path.join(f.parentPath, f.name), 'utf8')).not.toContain(pg.password);
      }
      // Saved, the test finds the password in the keychain.
      expect((await service.testSource({ source: pgSource('crm') })).ok).toBe(true);

      const first = await service.jobManager.start(job.id, 'manual', null).then((r) => r.done);
      expect(first.status, JSON.stringify(first.error)).toBe('ok');
      const firstState = await tableState(pg, 'crm');
      await pg.query(crmChangesSql('postgres'), 'crm');
      const second = await service.jobManager.start(job.id, 'manual', null).then((r) => r.done);
      expect(second.status).toBe('ok');
      expect(await tableState(pg, 'crm')).not.toEqual(firstState);

      const repo = await Repository.open(new LocalBackend(dir), repoPassword); // sees the runs' packs
      await repo.ensureIndex();
      const sn1 = await repo.resolveSnapshot(first.snapshotId!);
      expect(sn1.paths).toEqual([folder, '/postgres/crm.sql'].sort());
      const files = await snapshotFolderFiles(repo, sn1, 'postgres');
      expect([...files.keys()].sort()).toEqual(['postgres/crm.info.json', 'postgres/crm.sql']);
      // A dump is always read again (never taken from the parent by its metadata).
      expect(second.stats!.filesChanged).toBeGreaterThanOrEqual(2);

      const restored = await restoreDatabaseFromSnapshot(repo, sn1, {
        include: '/postgres/crm',
        to: pgUrl('crm_first'),
        password: pg.password,
      });
      expect(restored).toMatchObject({ target: 'crm_first', replaced: false });
      expect(await tableState(pg, 'crm_first')).toEqual(firstState);

      // The monthly restore drill copes with database copies in the snapshot.
      const drill = await service.jobManager.startDrill(job.id, 'manual').then((r) => r.done);
      expect(drill.status, JSON.stringify(drill.error)).toBe('passed');

      // A database that cannot be copied fails the run; the folder is still saved.
      await service.saveJob({ job: { ...draft, id: job.id }, sourcePasswords: { '1': 'wrong' } });
      const failed = await service.jobManager.start(job.id, 'manual', null).then((r) => r.done);
      expect(failed.status).toBe('failed');
      expect(failed.error?.code).toBe('DB_AUTH_FAILED');
      expect(failed.steps.backup?.status).toBe('failed');
      const partial = await repo.resolveSnapshot(failed.snapshotId!);
      expect(partial.paths).toEqual([folder]);
    } finally {
      await service.close();
    }
  }, 120_000);

  it('a dump taken while money moves between accounts restores balanced', async () => {
    const { repo } = await newRepo('repo-load');
    const stream = streamSourceOf({ kind: 'postgres', url: pgUrl('busy') }, { password: pg.password });
    await expectDumpUnderLoadBalanced(pg, repo, 'busy', stream, {
      to: pgUrl('busy_restored'),
      password: pg.password,
    });
  }, 60_000);

  it.skipIf(!hasRestic)(
    'restic dumps the same bytes our snapshot holds',
    async () => {
      const { dir, repo } = await newRepo('repo-restic');
      const stream = streamSourceOf({ kind: 'postgres', url: pgUrl('crm') }, { password: pg.password });
      const { snapshotId, bytes } = await expectResticDumpsOurBytes(repo, dir, repoPassword, stream);
      expect(bytes.toString('utf8')).toMatch(/PostgreSQL database dump complete/);
      const ls = await restic(dir, ['ls', snapshotId], { password: repoPassword });
      expect(ls.stdout).toContain('/postgres/crm.sql');
      expect((await restic(dir, ['check', '--read-data'], { password: repoPassword })).code).toBe(0);
    },
    60_000,
  );

  describe('failures are typed and store nothing partial', () => {
    let repo: Repository;
    let count: () => Promise<number>;
    beforeAll(async () => {
      ({ repo } = await newRepo('repo-errors'));
      count = async () => (await repo.listSnapshots()).length;
    });

    it('wrong password: DB_AUTH_FAILED and no snapshot', async () => {
      const err = await errorOf(
        backup(repo, {
          paths: [],
          streams: [streamSourceOf({ kind: 'postgres', url: pgUrl('crm') }, { password: 'nope' })],
        }),
      );
      expect(err.code).toBe('DB_AUTH_FAILED');
      expect(await count()).toBe(0);
    });

    it('unreachable server: DB_UNREACHABLE, also from testSource', async () => {
      const port = await freePort();
      const url = `postgres://${pg.user}@127.0.0.1:${port}/crm`;
      const err = await errorOf(
        backup(repo, { paths: [], streams: [streamSourceOf({ kind: 'postgres', url }, { password: 'x' })] }),
      );
      expect(err.code).toBe('DB_UNREACHABLE');
      expect(await count()).toBe(0);
      const { service } = testService({ dataDir: mkdtempSync(path.join(root, 'svc-')) });
      await expect(
        service.testSource({ source: pgSource('crm', port), password: 'x' }),
      ).rejects.toMatchObject({
        code: 'DB_UNREACHABLE',
      });
      await service.close();
    });

    it('pg_dump missing: DUMP_TOOL_MISSING', async () => {
      const env = { ...process.env, PATH: '/nonexistent' };
      const source = streamSourceOf(
        { kind: 'postgres', url: pgUrl('crm') },
        { password: pg.password, env, wellKnownToolDirs: false },
      );
      const err = await errorOf(backup(repo, { paths: [], streams: [source] }));
      expect(err.code).toBe('DUMP_TOOL_MISSING');
      expect(await count()).toBe(0);
    });

    it('next to a folder, a failing database is left out of the snapshot and named in a warning', async () => {
      const folder = path.join(root, 'mixed');
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'notes.txt'), 'hello');
      const result = await backup(repo, {
        paths: [folder],
        streams: [streamSourceOf({ kind: 'postgres', url: pgUrl('crm') }, { password: 'nope' })],
      });
      expect(result.partial).toBe(true);
      expect(result.warnings).toEqual([
        expect.objectContaining({ path: '/postgres/crm.sql', kind: 'unreadable', code: 'DB_AUTH_FAILED' }),
      ]);
      const sn: SnapshotWithId = await repo.resolveSnapshot(result.snapshotId!);
      expect(sn.paths).toEqual([folder]);
      expect((await snapshotFolderFiles(repo, sn, 'postgres')).size).toBe(0);
    });
  });
});
