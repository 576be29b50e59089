/**
 * MySQL/MariaDB source against a real MariaDB server (mariadb-install-db in a temp folder, see
 * tests/helpers/db-servers.ts): round trip with per-table checksums and routines/triggers/events,
 * a consistent --single-transaction dump under a money-moving load, restore safety, and typed errors.
 */
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlSource } from '../../../src/engine/sources/mysql/mysql-source.ts';
import type { MysqlSourceConfig } from '../../../src/engine/sources/mysql/mysql-source.ts';
import type { Source } from '../../../src/engine/sources/source.ts';
import { freePort, hasMariaDb, mariadbClientBin } from '../../helpers/db-servers.ts';
import type { DbServer } from '../../helpers/db-servers.ts';
import {
  accounts,
  cancelledDumpError,
  collect,
  crmChangesSql,
  errorOf,
  mbPerSecond,
  memoryInput,
  restoreDumpTakenUnderLoad,
  startCrmServer,
  startBalance,
  tableState,
  totalMoney,
} from './crm-fixture.ts';

if (!hasMariaDb)
  console.warn(
    'MariaDB server binaries not found: MySQL/MariaDB source tests skipped (apt-get install -y mariadb-server mariadb-client)',
  );

describe.skipIf(!hasMariaDb)('MySQL/MariaDB source (real MariaDB server)', () => {
  let db: DbServer;
  let url: string;
  let source: Source;
  const config = (over: Partial<MysqlSourceConfig> = {}): MysqlSourceConfig => ({
    kind: 'mysql',
    url,
    ...over,
  });

  beforeAll(async () => {
    db = await startCrmServer('mariadb', ['crm']);
    url = db.url.replace(/\/mysql$/, '/crm');
    source = createMysqlSource(config(), { password: db.password });
  });

  afterAll(async () => {
    await db?.stop();
  });

  it('describes itself without the password and passes its connection test', async () => {
    const d = source.describe();
    expect(d).toMatchObject({
      kind: 'mysql',
      database: 'crm',
      target: `mysql://lifeboat@127.0.0.1:${db.port}/crm`,
    });
    expect(JSON.stringify(d)).not.toContain(db.password);
    const t = await source.test();
    expect(t.ok).toBe(true);
    expect(t.details.server).toMatch(/^MariaDB 1\d\./);
    expect(t.details.warning).toBeUndefined(); // all InnoDB
  });

  it('warns about tables a single transaction cannot snapshot', async () => {
    await db.query('CREATE DATABASE legacy; CREATE TABLE legacy.log (id INT) ENGINE=MyISAM;');
    const t = await createMysqlSource(config({ url: url.replace(/\/crm$/, '/legacy') }), {
      password: db.password,
    }).test();
    expect(t.ok).toBe(true);
    expect(t.details.warning).toMatch(/log \(MyISAM\)/);
  });

  it('dumps, and restores the first dump into a new database with identical tables and routines', async () => {
    const before = await tableState(db, 'crm');
    expect(before.contacts!.rows).toBe(3000);
    const dump = await collect(source);
    console.log(`mysqldump: ${mbPerSecond(dump.bytes, dump.ms)}`);
    expect([...dump.files.keys()].sort()).toEqual(['mysql/crm.info.json', 'mysql/crm.sql']);
    const sql = dump.files.get('mysql/crm.sql')!.toString('utf8');
    expect(sql).not.toMatch(/CREATE DATABASE|^USE /m);
    expect(sql).not.toMatch(/Dump completed on/);
    expect(sql).toMatch(/0x[0-9A-F]{32}00FF/); // --hex-blob

    // Dumps of unchanged data are byte-identical (good for deduplication).
    const again = await collect(source);
    expect(again.files.get('mysql/crm.sql')!.equals(dump.files.get('mysql/crm.sql')!)).toBe(true);

    await db.query(crmChangesSql('mariadb'), 'crm');
    const changed = await tableState(db, 'crm');
    expect(changed).not.toEqual(before);

    const restored = await source.restore(memoryInput(dump.files));
    expect(restored.target).toMatch(/^crm_restored_\d{8}_\d{6}$/);
    expect(await tableState(db, restored.target)).toEqual(before);
    const objects = await db.query(
      `SELECT (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${restored.target}'),
              (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${restored.target}'),
              (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${restored.target}'),
              (SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '${restored.target}'),
              (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${restored.target}');`,
    );
    expect(objects.trim().split('\t')).toEqual(['1', '1', '1', '1', 'utf8mb4_unicode_ci']);
    expect(await tableState(db, 'crm')).toEqual(changed);

    const refused = await errorOf(source.restore(memoryInput(dump.files), { target: 'crm' }));
    expect(refused.code).toBe('DB_EXISTS');
    expect(await tableState(db, 'crm')).toEqual(changed);
    const replaced = await source.restore(memoryInput(dump.files), {
      target: 'crm',
      overwrite: { confirmed: true },
    });
    expect(replaced).toMatchObject({ target: 'crm', replaced: true });
    expect(await tableState(db, 'crm')).toEqual(before);
    expect((await db.query("SHOW DATABASES LIKE '%lifeboat%';")).trim()).toBe('');
  });

  it('gives a consistent dump while a writer keeps moving money between tables', async () => {
    const restored = await restoreDumpTakenUnderLoad(db, source);
    expect(await totalMoney(db, restored.target)).toBe(2 * accounts * startBalance);
    const snap = await db.query('SELECT GROUP_CONCAT(balance ORDER BY id) FROM bank;', restored.target);
    const end = await db.query('SELECT GROUP_CONCAT(balance ORDER BY id) FROM bank;', 'crm');
    expect(snap).not.toBe(end);
    expect(snap.trim()).not.toBe(Array(accounts).fill(String(startBalance)).join(','));
    expect(await totalMoney(db, 'crm')).toBe(2 * accounts * startBalance);
  });

  it('keeps passwords with quotes, backslashes and # out of argv and still logs in', async () => {
    const tricky = `p"a's#w\\o rd;x`;
    await db.query(
      `CREATE USER 'tricky'@'%' IDENTIFIED BY '${tricky.replace(/\\/g, '\\\\').replace(/'/g, "''")}'; GRANT ALL ON crm.* TO 'tricky'@'%';`,
    );
    const s = createMysqlSource(config({ url: `mysql://tricky@127.0.0.1:${db.port}/crm` }), {
      password: tricky,
    });
    const t = await s.test();
    expect(t.ok, JSON.stringify(t)).toBe(true);
  });

  it('drops what it created when a dump does not restore, and reports RESTORE_FAILED', async () => {
    const dump = await collect(source);
    const broken = new Map(dump.files);
    const text = dump.files.get('mysql/crm.sql')!.toString();
    broken.set(
      'mysql/crm.sql',
      Buffer.from(
        text.replace('CREATE TABLE `deals`', 'CREATE TABLE `deals_oops` (x INT) oops;\nCREATE TABLE `deals`'),
      ),
    );
    const err = await errorOf(source.restore(memoryInput(broken), { target: 'crm_broken' }));
    expect(err.code).toBe('RESTORE_FAILED');
    expect(err.details).toMatch(/ERROR 1064/);
    expect((await db.query("SHOW DATABASES LIKE 'crm_broken';")).trim()).toBe('');
  });

  it('refuses a dump that was cut off at a statement boundary', async () => {
    const dump = await collect(source);
    const text = dump.files.get('mysql/crm.sql')!.toString();
    const cut = new Map(dump.files);
    cut.set(
      'mysql/crm.sql',
      Buffer.from(text.slice(0, text.indexOf('-- Table structure for table `deals`'))),
    );
    const err = await errorOf(source.restore(memoryInput(cut), { target: 'crm_cut' }));
    expect(err.code).toBe('RESTORE_FAILED');
    expect(err.message).toMatch(/incomplete/);
    expect((await db.query("SHOW DATABASES LIKE 'crm_cut';")).trim()).toBe('');
  });

  it('stops mysqldump when the backup is cancelled', async () => {
    const err = await cancelledDumpError(source);
    expect(err.code).toBe('CANCELLED');
  });

  it('says clearly when the server is unreachable, the password is wrong or the database is missing', async () => {
    const closed = await freePort();
    const unreachable = createMysqlSource(config({ url: `mysql://lifeboat@127.0.0.1:${closed}/crm` }), {
      password: db.password,
    });
    const t1 = await unreachable.test();
    expect(t1.ok ? '' : t1.error.code).toBe('DB_UNREACHABLE');
    expect((await errorOf(collect(unreachable))).code).toBe('DB_UNREACHABLE');

    const wrong = createMysqlSource(config(), { password: 'not-the-password' });
    const t2 = await wrong.test();
    expect(t2.ok ? '' : t2.error.code).toBe('DB_AUTH_FAILED');
    expect(JSON.stringify(t2)).not.toContain('not-the-password');
    expect((await errorOf(collect(wrong))).code).toBe('DB_AUTH_FAILED');

    const missingDb = createMysqlSource(config({ url: `mysql://lifeboat@127.0.0.1:${db.port}/nope` }), {
      password: db.password,
    });
    const t3 = await missingDb.test();
    expect(t3.ok ? '' : t3.error.code).toBe('DB_NOT_FOUND');
  });

  it('says that mysqldump is missing, or which version is needed', async () => {
    const noTools = createMysqlSource(config(), {
      password: db.password,
      env: { ...process.env, PATH: '/nonexistent' },
      wellKnownToolDirs: false,
    });
    const t = await noTools.test();
    expect(t.ok ? '' : t.error.code).toBe('DUMP_TOOL_MISSING');
    expect((await errorOf(collect(noTools))).code).toBe('DUMP_TOOL_MISSING');

    const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-oldmysql-'));
    try {
      await writeFile(
        path.join(dir, 'mysqldump'),
        '#!/bin/sh\necho "mysqldump  Ver 10.19 Distrib 10.3.39-MariaDB, for debian-linux-gnu (x86_64)"\n',
      );
      await chmod(path.join(dir, 'mysqldump'), 0o755);
      await symlink(mariadbClientBin!, path.join(dir, 'mysql'));
      const old = createMysqlSource(config(), {
        password: db.password,
        env: { ...process.env, PATH: dir },
        wellKnownToolDirs: false,
      });
      const r = await old.test();
      expect(r.ok ? '' : r.error.code).toBe('DUMP_TOOL_INCOMPATIBLE');
      const version = (await db.query('SELECT VERSION();')).trim();
      const needed = /^(\d+\.\d+)/.exec(version)![1]!;
      expect(r.message).toContain(`version ${needed} or newer is needed`);
      expect((await errorOf(collect(old))).code).toBe('DUMP_TOOL_INCOMPATIBLE');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
