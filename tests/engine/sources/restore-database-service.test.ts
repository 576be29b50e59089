/**
 * restoreDatabase through the Service with a real PostgreSQL (tests/helpers/db-servers.ts): a job backs
 * up the database, the preview prefills the form from the copy, the restore goes into a new database
 * with the keychain's password (equal per-table checksums, counted tables and rows, progress events),
 * an existing database is refused without confirmation and replaced with it, and a wrong password or
 * an unreachable server are typed errors.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import type { ProgressEvent } from '../../../src/shared/contract.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { freePort, hasPostgres, startPostgres } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import { crmChangesSql, crmSchemaSql, crmTables, errorOf, tableState } from './crm-fixture.ts';

const repoPassword = 'restore database test';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-restore-db-'));

describe.skipIf(!hasPostgres)('restoreDatabase (Service, real PostgreSQL)', () => {
  let pg: DbServer;
  let service: Service;
  const progress: ProgressEvent[] = [];
  const logs: string[] = [];
  let ref: { repositoryId: string; snapshotId: string; path: string };
  let firstState: Awaited<ReturnType<typeof tableState>>;

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.query('CREATE DATABASE crm;');
    await pg.query(crmSchemaSql('postgres'), 'crm');
    const repoDir = path.join(root, 'repo');
    await Repository.init(new LocalBackend(repoDir), repoPassword, { kdf: fastKdf });
    const secrets = new MemorySecretStore();
    service = new Service({
      host: 'cli',
      dataDir: mkdtempSync(path.join(root, 'data-')),
      settings: new MemorySettingsStore(),
      secrets: async () => secrets,
      notifications: { enabled: false },
      jobs: { runner: { retry: { retries: 0, baseMs: 1, maxMs: 1 }, lock: { settleMs: 0 }, workers: 2 } },
    });
    service.on('log', (line) => logs.push(`${line.level} ${line.message}`));
    service.on('progress', (p) => {
      if (p.operation === 'restore-database') progress.push(p);
    });
    const job = await service.saveJob({
      job: {
        name: 'CRM',
        sources: [{ kind: 'postgres', host: '127.0.0.1', port: pg.port, user: pg.user, database: 'crm' }],
        destination: { location: { kind: 'local', path: repoDir } },
        schedule: { kind: 'manual' },
      },
      password: repoPassword,
      sourcePasswords: { '0': pg.password },
    });
    const run = await service.jobManager.start(job.id, 'manual', null).then((r) => r.done);
    expect(run.status, JSON.stringify(run.error)).toBe('ok');
    firstState = await tableState(pg, 'crm');
    // The live database moves on: the copy must bring back the backed-up state, not today's.
    await pg.query(crmChangesSql('postgres'), 'crm');
    ref = {
      repositoryId: job.destination.repositoryId,
      snapshotId: run.snapshotId!,
      path: '/postgres/crm.sql',
    };
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await pg?.stop();
  });

  const server = (extra: Record<string, unknown> = {}) => ({
    kind: 'server' as const,
    host: '127.0.0.1',
    port: pg.port,
    user: pg.user,
    ...extra,
  });

  it('prefills the form from the copy: its server, a saved password and a new name', async () => {
    const info = await service.previewDatabaseRestore(ref);
    expect(info).toMatchObject({
      kind: 'postgres',
      name: 'crm',
      server: { host: '127.0.0.1', port: pg.port, user: pg.user, known: true },
      passwordSaved: true,
      originalPath: null,
    });
    expect(info.serverVersion).toMatch(/^PostgreSQL \d+/);
    expect(info.suggestedTarget).toMatch(/^crm_restored_\d{8}_\d{6}$/);
    expect(info.bytes).toBeGreaterThan(1000);
  });

  it('restores into a new database with the saved password: same rows, counted, with progress', async () => {
    progress.length = 0;
    const report = await service.restoreDatabase({ ...ref, target: server({ database: 'crm_copy' }) });
    expect(await tableState(pg, 'crm_copy')).toEqual(firstState);
    let rows = 0;
    for (const t of crmTables)
      rows += Number((await pg.query(`SELECT count(*) FROM ${t};`, 'crm_copy')).trim());
    expect(report).toMatchObject({
      kind: 'postgres',
      target: 'crm_copy',
      replaced: false,
      tables: crmTables.length,
      rows,
      checks: [
        { check: 'complete', ok: true },
        { check: 'oneTransaction', ok: true },
      ],
    });
    expect(report.server).toBe(`PostgreSQL 127.0.0.1:${pg.port}`);
    expect(report.bytesRestored).toBeGreaterThan(1000);
    expect(progress.map((p) => p.phase)).toContain('restoring');
    expect(progress.at(-1)).toMatchObject({ phase: 'checking', bytesDone: report.bytesRestored });
  }, 60_000);

  it('refuses to replace an existing database without confirmation, and replaces it with one', async () => {
    await pg.query('CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1);', 'crm_copy');
    const refused = await errorOf(
      service.restoreDatabase({ ...ref, target: server({ database: 'crm_copy' }) }),
    );
    expect(refused.code).toBe('DB_EXISTS');
    expect(refused.message).toContain('crm_copy');
    expect(await pg.query('SELECT count(*) FROM keep_me;', 'crm_copy')).toMatch(/^1/);

    const report = await service.restoreDatabase({
      ...ref,
      target: server({ database: 'crm_copy', overwrite: { confirmed: true } }),
    });
    expect(report).toMatchObject({ replaced: true, tables: crmTables.length });
    expect(logs).toContainEqual(
      expect.stringMatching(/^warn "crm_copy" on PostgreSQL .* was replaced with \/postgres\/crm\.sql/),
    );
    expect(await tableState(pg, 'crm_copy')).toEqual(firstState);
    expect(await pg.query("SELECT count(*) FROM pg_tables WHERE tablename = 'keep_me';", 'crm_copy')).toMatch(
      /^0/,
    );
  }, 60_000);

  it('a wrong password and an unreachable server are typed errors that create nothing', async () => {
    const wrong = await errorOf(
      service.restoreDatabase({ ...ref, target: server({ database: 'crm_wrong', password: 'not it' }) }),
    );
    expect(wrong.code).toBe('DB_AUTH_FAILED');
    const gone = await errorOf(
      service.restoreDatabase({ ...ref, target: server({ port: await freePort(), database: 'crm_gone' }) }),
    );
    expect(gone.code).toBe('DB_UNREACHABLE');
    expect(
      await pg.query(
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'crm\\_%' AND datname <> 'crm_copy';",
      ),
    ).toMatch(/^0/);
  }, 60_000);

  it('cancelRestore stops a database restore, and nothing is left behind', async () => {
    const off = service.on('progress', (p) => {
      if (p.operation === 'restore-database' && p.phase === 'restoring') void service.cancelRestore();
    });
    try {
      const err = await errorOf(
        service.restoreDatabase({ ...ref, target: server({ database: 'crm_cancelled' }) }),
      );
      expect(err.code).toBe('CANCELLED');
    } finally {
      off();
    }
    expect(await pg.query("SELECT count(*) FROM pg_database WHERE datname = 'crm_cancelled';")).toMatch(/^0/);
    // The next one runs (the cancelled one is no longer "in progress").
    expect(
      (await service.restoreDatabase({ ...ref, target: server({ database: 'crm_after' }) })).target,
    ).toBe('crm_after');
  }, 60_000);

  it('a SQLite target for a PostgreSQL copy is refused as a bad argument', async () => {
    const err = await errorOf(
      service.restoreDatabase({ ...ref, target: { kind: 'file', path: '/tmp/x.db' } }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
  });
});
