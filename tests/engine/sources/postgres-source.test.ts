/**
 * PostgreSQL source against a real server (initdb in a temp folder, see tests/helpers/db-servers.ts):
 * dump → change → restore round trip with per-table checksums, a consistent dump under a concurrent
 * money-moving load, restore safety (new database by default, explicit overwrite), and the typed
 * errors a user can meet.
 */
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { createPostgresSource } from '../../../src/engine/sources/postgres/pg-source.ts';
import type { PostgresSourceConfig } from '../../../src/engine/sources/postgres/pg-source.ts';
import type { Source } from '../../../src/engine/sources/source.ts';
import { freePort, hasPostgres } from '../../helpers/db-servers.ts';
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
  waitUntil,
} from './crm-fixture.ts';

if (!hasPostgres)
  console.warn(
    'PostgreSQL server binaries not found: PostgreSQL source tests skipped (apt-get install -y postgresql)',
  );

describe.skipIf(!hasPostgres)('PostgreSQL source (real server)', () => {
  let pg: DbServer;
  let url: string;
  let source: Source;
  const config = (over: Partial<PostgresSourceConfig> = {}): PostgresSourceConfig => ({
    kind: 'postgres',
    url,
    ...over,
  });

  beforeAll(async () => {
    pg = await startCrmServer('postgres', ['crm']);
    url = pg.url.replace(/\/postgres$/, '/crm');
    source = createPostgresSource(config(), { password: pg.password });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('describes itself without the password and passes its connection test', async () => {
    const d = source.describe();
    expect(d).toMatchObject({
      kind: 'postgres',
      database: 'crm',
      target: `postgres://postgres@127.0.0.1:${pg.port}/crm`,
    });
    expect(JSON.stringify(d)).not.toContain(pg.password);
    const t = await source.test();
    expect(t.ok).toBe(true);
    expect(t.details.server).toMatch(/^PostgreSQL \d+/);
    expect(t.details.pg_dump).toMatch(/^\d+\.\d+/);
  });

  it('dumps, and restores the first dump into a new database with identical tables', async () => {
    const before = await tableState(pg, 'crm');
    expect(before.activities!.rows).toBe(8000);
    const dump = await collect(source);
    console.log(`pg_dump: ${mbPerSecond(dump.bytes, dump.ms)}`);
    expect([...dump.files.keys()].sort()).toEqual(['postgres/crm.info.json', 'postgres/crm.sql']);
    expect(dump.modes.get('postgres/crm.sql')).toBe(0o600);
    const sql = dump.files.get('postgres/crm.sql')!.toString('utf8');
    expect(sql).toContain('CREATE TABLE public.contacts');
    expect(sql).not.toMatch(/OWNER TO|GRANT /);
    const info = JSON.parse(dump.files.get('postgres/crm.info.json')!.toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({ format: 'lifeboat-postgres/1', database: 'crm', encoding: 'UTF8' });

    await pg.query(crmChangesSql('postgres'), 'crm');
    const changed = await tableState(pg, 'crm');
    expect(changed).not.toEqual(before);

    const progress: number[] = [];
    const restored = await source.restore(memoryInput(dump.files), { onProgress: (n) => progress.push(n) });
    expect(restored.replaced).toBe(false);
    expect(restored.target).toMatch(/^crm_restored_\d{8}_\d{6}$/);
    expect(restored.bytesRead).toBe(dump.files.get('postgres/crm.sql')!.length);
    expect(progress.at(-1)).toBe(restored.bytesRead);
    expect(await tableState(pg, restored.target)).toEqual(before);
    // Sequences, the view and the trigger came back too.
    expect((await pg.query('SELECT last_value FROM contacts_id_seq;', restored.target)).trim()).toBe('3000');
    expect((await pg.query('SELECT count(*) FROM open_deals;', restored.target)).trim()).not.toBe('0');
    expect(
      (
        await pg.query("SELECT count(*) FROM pg_trigger WHERE tgname = 'deals_touch';", restored.target)
      ).trim(),
    ).toBe('1');
    // The live database was not touched.
    expect(await tableState(pg, 'crm')).toEqual(changed);

    // Over the original: refused without confirmation, done with it.
    const refused = await errorOf(source.restore(memoryInput(dump.files), { target: 'crm' }));
    expect(refused.code).toBe('DB_EXISTS');
    expect(await tableState(pg, 'crm')).toEqual(changed);
    const replaced = await source.restore(memoryInput(dump.files), {
      target: 'crm',
      overwrite: { confirmed: true },
    });
    expect(replaced).toMatchObject({ target: 'crm', replaced: true });
    expect(await tableState(pg, 'crm')).toEqual(before);
    const leftovers = await pg.query("SELECT datname FROM pg_database WHERE datname LIKE '%lifeboat%';");
    expect(leftovers.trim()).toBe('');
  });

  it('gives a consistent dump while a writer keeps moving money between tables', async () => {
    const restored = await restoreDumpTakenUnderLoad(pg, source);
    expect(await totalMoney(pg, restored.target)).toBe(2 * accounts * startBalance);
    // The snapshot is neither the start nor the end state: the load really ran across the dump.
    const snap = await pg.query(
      "SELECT string_agg(balance::text, ',' ORDER BY id) FROM bank;",
      restored.target,
    );
    const end = await pg.query("SELECT string_agg(balance::text, ',' ORDER BY id) FROM bank;", 'crm');
    expect(snap).not.toBe(end);
    expect(snap.trim()).not.toBe(Array(accounts).fill(String(startBalance)).join(','));
    expect(await totalMoney(pg, 'crm')).toBe(2 * accounts * startBalance);
  });

  it('restores with a chosen owner role and recreates roles from roles.sql', async () => {
    await pg.query("CREATE ROLE crm_owner LOGIN PASSWORD 'owner-pw';");
    const withRoles = createPostgresSource(config({ includeRoles: true }), { password: pg.password });
    const dump = await collect(withRoles);
    expect(dump.files.get('postgres/roles.sql')!.toString()).toContain('CREATE ROLE crm_owner');
    await pg.query('DROP ROLE crm_owner;');
    const r = await withRoles.restore(memoryInput(dump.files), {
      target: 'crm_owned',
      restoreRoles: true,
      owner: 'crm_owner',
    });
    const owners = await pg.query(
      "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r';",
      r.target,
    );
    expect(owners.trim()).toBe('crm_owner');
    expect(
      (await pg.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'crm_owned';")).trim(),
    ).toBe('crm_owner');
  });

  it('drops what it created when a dump does not restore, and reports RESTORE_FAILED', async () => {
    const dump = await collect(source);
    const broken = new Map(dump.files);
    const text = dump.files.get('postgres/crm.sql')!.toString();
    broken.set(
      'postgres/crm.sql',
      Buffer.from(
        text.replace(
          'CREATE TABLE public.deals (',
          'CREATE TABLE public.deals_oops (x int) oops;\nCREATE TABLE public.deals (',
        ),
      ),
    );
    const err = await errorOf(source.restore(memoryInput(broken), { target: 'crm_broken' }));
    expect(err.code).toBe('RESTORE_FAILED');
    expect(err.details).toMatch(/syntax error/);
    expect((await pg.query("SELECT count(*) FROM pg_database WHERE datname = 'crm_broken';")).trim()).toBe(
      '0',
    );
  });

  it('fails with the repository error when the backup stream breaks mid-restore, leaving nothing behind', async () => {
    const dump = await collect(source);
    const data = dump.files.get('postgres/crm.sql')!;
    const input = memoryInput(dump.files);
    const breaking = {
      paths: input.paths,
      open: async (p: string) => {
        if (p !== 'postgres/crm.sql') return input.open(p);
        return Readable.from(
          (async function* () {
            yield data.subarray(0, data.length / 2);
            throw new LifeboatError('REPO_CORRUPT', 'A pack file is damaged.');
          })(),
        );
      },
    };
    const err = await errorOf(source.restore(breaking, { target: 'crm_halfway' }));
    expect(err.code).toBe('REPO_CORRUPT');
    expect((await pg.query("SELECT count(*) FROM pg_database WHERE datname = 'crm_halfway';")).trim()).toBe(
      '0',
    );
  });

  it('refuses a dump that was cut off at a statement boundary instead of committing half a database', async () => {
    const dump = await collect(source);
    const text = dump.files.get('postgres/crm.sql')!.toString();
    const cut = new Map(dump.files);
    cut.set('postgres/crm.sql', Buffer.from(text.slice(0, text.indexOf('COPY public.deals'))));
    const err = await errorOf(source.restore(memoryInput(cut), { target: 'crm_cut' }));
    expect(err.code).toBe('RESTORE_FAILED');
    expect(err.message).toMatch(/incomplete/);
    expect((await pg.query("SELECT count(*) FROM pg_database WHERE datname = 'crm_cut';")).trim()).toBe('0');
  });

  it('stops pg_dump when the backup is cancelled', async () => {
    const err = await cancelledDumpError(source);
    expect(err.code).toBe('CANCELLED');
    await waitUntil(
      async () =>
        (
          await pg.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lifeboat';")
        ).trim() === '0',
    );
  });

  it('reports a failing dump as a stream error with a typed code (no read permission)', async () => {
    await pg.query(
      "CREATE ROLE reader LOGIN PASSWORD 'reader-pw'; REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;",
    );
    const reader = createPostgresSource(config({ url: `postgres://reader@127.0.0.1:${pg.port}/crm` }), {
      password: 'reader-pw',
    });
    expect((await reader.test()).ok).toBe(true); // connecting works; reading the tables does not
    const err = await errorOf(collect(reader));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.details).toMatch(/permission denied for (table|sequence)/);
  });

  it('says clearly when the server is unreachable, the password is wrong or the database is missing', async () => {
    const closed = await freePort();
    const unreachable = createPostgresSource(config({ url: `postgres://postgres@127.0.0.1:${closed}/crm` }), {
      password: pg.password,
    });
    const t1 = await unreachable.test();
    expect(t1.ok).toBe(false);
    expect(t1.ok ? '' : t1.error.code).toBe('DB_UNREACHABLE');
    expect((await errorOf(collect(unreachable))).code).toBe('DB_UNREACHABLE');

    const wrong = createPostgresSource(config(), { password: 'not-the-password' });
    const t2 = await wrong.test();
    expect(t2.ok ? '' : t2.error.code).toBe('DB_AUTH_FAILED');
    expect(t2.message).toMatch(/refused the user name or password/);
    expect(JSON.stringify(t2)).not.toContain('not-the-password');
    expect((await errorOf(collect(wrong))).code).toBe('DB_AUTH_FAILED');

    const missingDb = createPostgresSource(config({ url: `postgres://postgres@127.0.0.1:${pg.port}/nope` }), {
      password: pg.password,
    });
    const t3 = await missingDb.test();
    expect(t3.ok ? '' : t3.error.code).toBe('DB_NOT_FOUND');
  });

  it('says that pg_dump is missing, or which version is needed', async () => {
    const noTools = createPostgresSource(config(), {
      password: pg.password,
      env: { ...process.env, PATH: '/nonexistent' },
      wellKnownToolDirs: false,
    });
    const t = await noTools.test();
    expect(t.ok ? '' : t.error.code).toBe('DUMP_TOOL_MISSING');
    expect((await errorOf(collect(noTools))).code).toBe('DUMP_TOOL_MISSING');

    // An old pg_dump (9.6) next to a working psql: the server's major version is named as the need.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-oldpg-'));
    try {
      await writeFile(path.join(dir, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n');
      await chmod(path.join(dir, 'pg_dump'), 0o755);
      await symlink(path.join(pg.binDir, 'psql'), path.join(dir, 'psql'));
      const old = createPostgresSource(config(), {
        password: pg.password,
        env: { ...process.env, PATH: dir },
        wellKnownToolDirs: false,
      });
      const r = await old.test();
      expect(r.ok ? '' : r.error.code).toBe('DUMP_TOOL_INCOMPATIBLE');
      const serverMajor = (await pg.query('SHOW server_version_num;')).trim().slice(0, 2);
      expect(r.message).toContain(`pg_dump ${serverMajor} or newer is needed`);
      expect((await errorOf(collect(old))).code).toBe('DUMP_TOOL_INCOMPATIBLE');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
