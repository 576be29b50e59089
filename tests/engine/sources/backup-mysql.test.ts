/**
 * MariaDB through real backups (one throw-away server for the file): two snapshots of a changing CRM
 * database, the first restored into a new database with the first state; a dump under a money-moving
 * load restores balanced; restic dumps the same bytes; wrong password and unreachable server are
 * typed errors that store nothing.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { createDatabaseSource } from '../../../src/engine/sources/index.ts';
import { SourceService } from '../../../src/engine/sources/source-service.ts';
import { streamSourceOf } from '../../../src/engine/sources/job-sources.ts';
import { restoreDatabaseFromSnapshot } from '../../../src/engine/sources/snapshot-restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { freePort, hasMariaDb } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import { hasRestic } from '../../helpers/restic.ts';
import { expectDumpUnderLoadBalanced, expectResticDumpsOurBytes } from './backup-checks.ts';
import { crmChangesSql, crmTables, errorOf, startCrmServer, tableState } from './crm-fixture.ts';

const repoPassword = 'mysql backup test';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-my-backup-'));

describe.skipIf(!hasMariaDb)('MySQL/MariaDB sources in backups (real MariaDB server)', () => {
  let db: DbServer;
  let dir: string;
  let repo: Repository;
  const url = (database: string, port = db.port) => `mysql://${db.user}@127.0.0.1:${port}/${database}`;
  const stream = (database: string, password = db.password) =>
    streamSourceOf({ kind: 'mysql', url: url(database) }, { password });

  beforeAll(async () => {
    db = await startCrmServer('mariadb', ['crm', 'busy']);
    dir = path.join(root, 'repo');
    repo = await Repository.init(new LocalBackend(dir), repoPassword, { kdf: fastKdf });
  });

  afterAll(async () => {
    await db?.stop();
  });

  it('backs up twice; the first snapshot restores into a new database with the first state', async () => {
    const first = await backup(repo, { paths: [], streams: [stream('crm')] });
    const firstState = await tableState(db, 'crm');
    await db.query(crmChangesSql('mariadb'), 'crm');
    const second = await backup(repo, { paths: [], streams: [stream('crm')] });
    expect(second.snapshot.parent).toBe(first.snapshotId);
    expect(first.snapshot.paths).toEqual(['/mysql/crm.sql']);

    const sn = await repo.resolveSnapshot(first.snapshotId!);
    const restored = await restoreDatabaseFromSnapshot(repo, sn, {
      include: '/mysql/crm',
      to: url('crm_first'),
      password: db.password,
    });
    expect(restored).toMatchObject({ target: 'crm_first', replaced: false });
    expect(await tableState(db, 'crm_first')).toEqual(firstState);
    // The restore report's census: every table, exact row counts.
    let rows = 0;
    for (const t of crmTables)
      rows += Number((await db.query(`SELECT COUNT(*) FROM ${t};`, 'crm_first')).trim());
    const census = await createDatabaseSource(
      { kind: 'mysql', url: url('crm') },
      { password: db.password },
    ).census('crm_first');
    expect(census).toEqual({ tables: crmTables.length, rows });
    // An existing database is never replaced without the explicit confirmation.
    await expect(
      restoreDatabaseFromSnapshot(repo, sn, { include: '/mysql/crm', to: url('crm'), password: db.password }),
    ).rejects.toMatchObject({ code: 'DB_EXISTS' });
  }, 60_000);

  it('a dump taken while money moves between accounts restores balanced', async () => {
    await expectDumpUnderLoadBalanced(db, repo, 'busy', stream('busy'), {
      to: url('busy_restored'),
      password: db.password,
    });
  }, 60_000);

  it.skipIf(!hasRestic)(
    'restic dumps the same bytes our snapshot holds',
    async () => {
      const { bytes } = await expectResticDumpsOurBytes(repo, dir, repoPassword, stream('crm'));
      expect(bytes.toString('utf8')).toMatch(/-- Dump completed/);
    },
    60_000,
  );

  it('wrong password and unreachable server are typed errors and store nothing', async () => {
    const before = (await repo.listSnapshots()).length;
    expect((await errorOf(backup(repo, { paths: [], streams: [stream('crm', 'nope')] }))).code).toBe(
      'DB_AUTH_FAILED',
    );
    const port = await freePort();
    const unreachable = streamSourceOf({ kind: 'mysql', url: url('crm', port) }, { password: 'x' });
    expect((await errorOf(backup(repo, { paths: [], streams: [unreachable] }))).code).toBe('DB_UNREACHABLE');
    expect((await repo.listSnapshots()).length).toBe(before);
    const sources = new SourceService(async () => new MemorySecretStore());
    const source = {
      kind: 'mysql',
      host: '127.0.0.1',
      port: db.port,
      user: db.user,
      database: 'crm',
    } as const;
    await expect(sources.testSource(source, 'nope')).rejects.toMatchObject({ code: 'DB_AUTH_FAILED' });
    const ok = await sources.testSource(source, db.password);
    expect(ok.summary).toMatch(/^MariaDB \d+\.\d+\.\d+ · 6 tables · /);
  }, 60_000);
});
