/**
 * MariaDB through real backups (one throw-away server for the file): two snapshots of a changing CRM
 * database, the first restored into a new database with the first state; a dump under a money-moving
 * load restores balanced; restic dumps the same bytes; wrong password and unreachable server are
 * typed errors that store nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../../src/engine/repo/backup/archiver.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { SourceService } from '../../../src/engine/sources/source-service.ts';
import { streamSourceOf } from '../../../src/engine/sources/job-sources.ts';
import {
  restoreDatabaseFromSnapshot,
  snapshotFileStream,
  snapshotFolderFiles,
} from '../../../src/engine/sources/snapshot-restore.ts';
import { readAll } from '../../../src/engine/sources/tools/run-tool.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { fastKdf } from '../../helpers/backup-fixtures.ts';
import { freePort, hasMariaDb, startMariaDb } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import { hasRestic, resticPath } from '../../helpers/restic.ts';
import {
  accounts,
  crmChangesSql,
  crmSchemaSql,
  startBalance,
  startWriter,
  tableState,
  totalMoney,
  waitUntil,
} from './crm-fixture.ts';

const repoPassword = 'mysql backup test';
const root = mkdtempSync(path.join(os.tmpdir(), 'lb-my-backup-'));

async function errorOf(p: Promise<unknown>): Promise<LifeboatError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LifeboatError) return err;
    throw err;
  }
  throw new Error('expected a LifeboatError');
}

describe.skipIf(!hasMariaDb)('MySQL/MariaDB sources in backups (real MariaDB server)', () => {
  let db: DbServer;
  let dir: string;
  let repo: Repository;
  const url = (database: string, port = db.port) => `mysql://${db.user}@127.0.0.1:${port}/${database}`;
  const stream = (database: string, password = db.password) =>
    streamSourceOf({ kind: 'mysql', url: url(database) }, { password });

  beforeAll(async () => {
    db = await startMariaDb();
    for (const name of ['crm', 'busy']) {
      await db.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
      await db.query(crmSchemaSql('mariadb'), name);
    }
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
    // An existing database is never replaced without the explicit confirmation.
    await expect(
      restoreDatabaseFromSnapshot(repo, sn, { include: '/mysql/crm', to: url('crm'), password: db.password }),
    ).rejects.toMatchObject({ code: 'DB_EXISTS' });
  }, 60_000);

  it('a dump taken while money moves between accounts restores balanced', async () => {
    const writer = startWriter(db, 'busy');
    let snapshotId: string | null;
    try {
      await waitUntil(() => writer.sent > 200);
      ({ snapshotId } = await backup(repo, { paths: [], streams: [stream('busy')] }));
    } finally {
      await writer.stop();
    }
    const sn = await repo.resolveSnapshot(snapshotId!);
    await restoreDatabaseFromSnapshot(repo, sn, {
      include: '/mysql/busy.sql',
      to: url('busy_restored'),
      password: db.password,
    });
    expect(await totalMoney(db, 'busy_restored')).toBe(2 * accounts * startBalance);
  }, 60_000);

  it.skipIf(!hasRestic)(
    'restic dumps the same bytes our snapshot holds',
    async () => {
      const { snapshotId } = await backup(repo, { paths: [], streams: [stream('crm')] });
      const sn = await repo.resolveSnapshot(snapshotId!);
      const node = (await snapshotFolderFiles(repo, sn, 'mysql')).get('mysql/crm.sql')!;
      const ours = await readAll(snapshotFileStream(repo, node));
      expect(ours.toString('utf8')).toMatch(/-- Dump completed/);
      const r = spawnSync(resticPath!, ['-r', dir, '--no-cache', 'dump', snapshotId!, '/mysql/crm.sql'], {
        env: { ...process.env, RESTIC_PASSWORD: repoPassword },
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.equals(ours)).toBe(true);
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
