/**
 * restoreDatabase through the Service with a real MariaDB, as the desktop restore screen drives it:
 * a job backs up the database with the keychain's password, the preview prefills the form, the copy
 * goes into a new database with the first state, an existing database is replaced only when
 * confirmed, and a wrong password is a typed error. (PostgreSQL: restore-database-service.test.ts.)
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { hasMariaDb } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import { testService } from '../../helpers/test-service.ts';
import { crmChangesSql, crmTables, errorOf, startCrmServer, tableState } from './crm-fixture.ts';

const repoPassword = 'mysql restore through the service';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-restore-mysql-'));

describe.skipIf(!hasMariaDb)('restoreDatabase (Service, real MariaDB)', () => {
  let db: DbServer;
  const { service } = testService({
    dataDir: mkdtempSync(path.join(root, 'data-')),
    jobs: { runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 2 } },
  });
  let ref: { repositoryId: string; snapshotId: string; path: string };
  let firstState: Awaited<ReturnType<typeof tableState>>;

  beforeAll(async () => {
    db = await startCrmServer('mariadb', ['crm']);
    const repoDir = path.join(root, 'repo');
    await Repository.init(new LocalBackend(repoDir), repoPassword, { kdf: fastKdf });
    const job = await service.saveJob({
      job: {
        name: 'CRM',
        sources: [{ kind: 'mysql', host: '127.0.0.1', port: db.port, user: db.user, database: 'crm' }],
        destination: { location: { kind: 'local', path: repoDir } },
        schedule: { kind: 'manual' },
      },
      password: repoPassword,
      sourcePasswords: { '0': db.password },
    });
    const run = await service.jobManager.start(job.id, 'manual', null).then((r) => r.done);
    expect(run.status, JSON.stringify(run.error)).toBe('ok');
    firstState = await tableState(db, 'crm');
    await db.query(crmChangesSql('mariadb'), 'crm'); // the live database moves on
    ref = { repositoryId: job.destination.repositoryId, snapshotId: run.snapshotId!, path: '/mysql/crm.sql' };
  }, 120_000);

  afterAll(async () => {
    await service.close();
    await db?.stop();
  });

  const server = (extra: Record<string, unknown> = {}) => ({
    kind: 'server' as const,
    host: '127.0.0.1',
    port: db.port,
    user: db.user,
    ...extra,
  });

  it('prefills the form, restores into a new database with the saved password, replaces only when confirmed', async () => {
    const info = await service.previewDatabaseRestore(ref);
    expect(info).toMatchObject({
      kind: 'mysql',
      name: 'crm',
      server: { host: '127.0.0.1', port: db.port, user: db.user, known: true },
      passwordSaved: true,
    });
    expect(info.suggestedTarget).toMatch(/^crm_restored_\d{8}_\d{6}$/);

    const report = await service.restoreDatabase({ ...ref, target: server({ database: 'crm_copy' }) });
    expect(report).toMatchObject({
      kind: 'mysql',
      target: 'crm_copy',
      replaced: false,
      tables: crmTables.length,
    });
    expect(await tableState(db, 'crm_copy')).toEqual(firstState);

    await db.query('CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1);', 'crm_copy');
    const refused = await errorOf(
      service.restoreDatabase({ ...ref, target: server({ database: 'crm_copy' }) }),
    );
    expect(refused.code).toBe('DB_EXISTS');
    expect(await db.query('SELECT count(*) FROM keep_me;', 'crm_copy')).toMatch(/^1/);
    const replaced = await service.restoreDatabase({
      ...ref,
      target: server({ database: 'crm_copy', overwrite: { confirmed: true } }),
    });
    expect(replaced).toMatchObject({ replaced: true, tables: crmTables.length });
    expect(await tableState(db, 'crm_copy')).toEqual(firstState);
  }, 90_000);

  it('a wrong password is a typed error that creates nothing', async () => {
    const wrong = await errorOf(
      service.restoreDatabase({ ...ref, target: server({ database: 'crm_wrong', password: 'not it' }) }),
    );
    expect(wrong.code).toBe('DB_AUTH_FAILED');
    expect(await db.query("SHOW DATABASES LIKE 'crm_wrong';")).toBe('');
  }, 60_000);
});
