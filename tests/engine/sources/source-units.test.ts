/** Pure parts of the database sources: parsers, addresses, option files, error classification, tools. */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import {
  optionFileText,
  parseMysqlUrl,
  quoteIdent,
  quoteText,
} from '../../../src/engine/sources/mysql/mysql-connection.ts';
import { mysqlFailure } from '../../../src/engine/sources/mysql/mysql-errors.ts';
import { dropSandboxLine } from '../../../src/engine/sources/mysql/mysql-restore.ts';
import { mysqldumpArgs } from '../../../src/engine/sources/mysql/mysql-source.ts';
import {
  chooseDumpTool,
  parseMysqlToolVersion,
  parseServerVersion,
} from '../../../src/engine/sources/mysql/mysql-tools.ts';
import {
  applyAssignments,
  phpAssignments,
  phpReturnArray,
  phpText,
  phpVariableArray,
} from '../../../src/engine/sources/presets/php-config.ts';
import { splitHostPort } from '../../../src/engine/sources/presets/preset.ts';
import { iniOption, parseEnvFile, parseIniFile } from '../../../src/engine/sources/presets/text-config.ts';
import {
  formatPostgresUrl,
  parsePostgresUrl,
  pgSession,
} from '../../../src/engine/sources/postgres/pg-connection.ts';
import { pgFailure } from '../../../src/engine/sources/postgres/pg-errors.ts';
import {
  checkPgDumpCompatible,
  parsePgToolVersion,
  pgMajorNum,
} from '../../../src/engine/sources/postgres/pg-tools.ts';
import { entryName, truncateUtf8 } from '../../../src/engine/sources/source.ts';
import { expandPattern, findExecutables } from '../../../src/engine/sources/tools/find-tool.ts';
import { readAll, streamTool } from '../../../src/engine/sources/tools/run-tool.ts';
import { requireTrailer, through } from '../../../src/engine/sources/tools/trailer-check.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-units-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PHP config reader', () => {
  it('reads nested arrays in both syntaxes, with escapes and comments, and skips what it cannot evaluate', () => {
    const src = `<?php
// comment with 'quotes' => and [brackets
/* block
   comment */
return [
  'a' => 'it\\'s',            # hash comment
  "b" => "tab\\there \\"q\\" \\$x",
  'n' => 42, 'f' => -1.5, 't' => TRUE, 'z' => null,
  'list' => array(0 => 'x', 'y', 5 => 'five', 'six'),
  'calc' => __DIR__ . '/data',
  'fn' => getenv('DB_PASS'),
  'after' => 'still read',
  'nested' => ['deep' => ['er' => 'value',],],
];`;
    const arr = phpReturnArray(src)!;
    expect(arr.a).toBe("it's");
    expect(arr.b).toBe('tab\there "q" $x');
    expect([arr.n, arr.f, arr.t, arr.z]).toEqual([42, -1.5, true, null]);
    expect(arr.list).toEqual({ '0': 'x', '1': 'y', '5': 'five', '6': 'six' });
    expect(arr.calc).toBeUndefined();
    expect(arr.fn).toBeUndefined();
    expect(arr.after).toBe('still read');
    expect(phpText(arr, 'nested', 'deep', 'er')).toBe('value');
    expect(phpText(arr, 'nested', 'missing')).toBe('');
  });

  it('reads $var = array(...) and applies $var[...] = ... overrides', () => {
    const base = phpVariableArray(
      "<?php $sugar_config = array('dbconfig' => array('db_password' => 'a', 'db_name' => 'n'));",
      'sugar_config',
    )!;
    const over = phpAssignments(
      "<?php\n$sugar_config['dbconfig']['db_password'] = 'b';\n$sugar_config[\"x\"] = 1;\nif ($sugar_config['x'] == 2) {}\n",
      'sugar_config',
    );
    expect(over.map((o) => o.path)).toEqual([['dbconfig', 'db_password'], ['x']]);
    applyAssignments(base, over);
    expect(phpText(base, 'dbconfig', 'db_password')).toBe('b');
    expect(phpText(base, 'dbconfig', 'db_name')).toBe('n');
    expect(base.x).toBe(1);
  });
});

describe('text configs', () => {
  it('parses dotenv files like Symfony and docker compose do', () => {
    const env = parseEnvFile(`# comment
export USER=app
PASS='it"s $USER'
URL="mysql://\${USER}:x@h:1/db?a=1#frag"
PLAIN=value # trailing comment
EMPTY=
DEF=\${MISSING:-fallback}
`);
    expect(env).toEqual({
      USER: 'app',
      PASS: 'it"s $USER',
      URL: 'mysql://app:x@h:1/db?a=1#frag',
      PLAIN: 'value',
      EMPTY: '',
      DEF: 'fallback',
    });
  });

  it('parses INI sections and Odoo False values', () => {
    const ini = parseIniFile('top = 1\n[options]\n; c\ndb_host = False\ndb_port: 5432\n[other]\nx=y\n');
    expect(ini['']).toEqual({ top: '1' });
    expect(ini.options).toEqual({ db_host: 'False', db_port: '5432' });
    expect(iniOption(ini.options!.db_host)).toBeUndefined();
    expect(iniOption(ini.options!.db_port)).toBe('5432');
  });

  it('splits host:port the way CRM configs write it', () => {
    expect(splitHostPort('db:3307', '', 3306)).toEqual({ host: 'db', port: 3307 });
    expect(splitHostPort('db', '3308', 3306)).toEqual({ host: 'db', port: 3308 });
    expect(splitHostPort('[::1]:5433', undefined, 5432)).toEqual({ host: '::1', port: 5433 });
    expect(splitHostPort('localhost', 'False', 5432)).toEqual({ host: 'localhost', port: 5432 });
  });
});

describe('PostgreSQL addresses and sessions', () => {
  it('parses and formats URLs, sockets and IPv6 without ever printing a password', () => {
    expect(parsePostgresUrl('postgres://crm%40app:p%3Ass@db.lan:5433/my%20db')).toEqual({
      user: 'crm@app',
      host: 'db.lan',
      port: 5433,
      database: 'my db',
      password: 'p:ss',
    });
    const sock = parsePostgresUrl('postgresql://odoo@localhost/odoo?host=/var/run/postgresql');
    expect(sock).toMatchObject({ host: '/var/run/postgresql', port: 5432 });
    expect(parsePostgresUrl(formatPostgresUrl(sock))).toEqual(sock);
    const v6 = parsePostgresUrl('postgres://u@[::1]:5432/d');
    expect(v6.host).toBe('::1');
    expect(formatPostgresUrl(v6)).toBe('postgres://u@[::1]:5432/d');
    expect(formatPostgresUrl(parsePostgresUrl('postgres://u:secret@h/d'))).not.toContain('secret');
    expect(() => parsePostgresUrl('mysql://u@h/d')).toThrow(LifeboatError);
    expect(() => parsePostgresUrl('postgres://u:secret@h/')).toThrow(/names no database/);
  });

  it('puts the password in a 0600 PGPASSFILE (escaped) and drops inherited PG variables', async () => {
    const s = await pgSession(
      parsePostgresUrl('postgres://u:x@h:1/d'),
      'a:b\\c',
      { env: { PATH: '/bin', PGPASSWORD: 'leak', PGSERVICE: 'svc' } },
      { tempDir: dir },
    );
    try {
      expect(s.env.PGPASSWORD).toBeUndefined();
      expect(s.env.PGSERVICE).toBeUndefined();
      expect(s.env).toMatchObject({
        PGHOST: 'h',
        PGPORT: '1',
        PGUSER: 'u',
        PGDATABASE: 'd',
        LC_ALL: 'C',
        PATH: '/bin',
      });
      const { readFile, stat } = await import('node:fs/promises');
      expect(await readFile(s.env.PGPASSFILE!, 'utf8')).toBe('*:*:*:u:a\\:b\\\\c\n');
      expect((await stat(s.env.PGPASSFILE!)).mode & 0o777).toBe(0o600);
      expect((await stat(path.dirname(s.env.PGPASSFILE!))).mode & 0o777).toBe(0o700);
    } finally {
      await s.dispose();
    }
    const { existsSync } = await import('node:fs');
    expect(existsSync(s.env.PGPASSFILE!)).toBe(false);
  });

  it('classifies libpq and pg_dump failures, in English and in Russian', () => {
    const code = (stderr: string) => pgFailure(stderr, 'at h:1', { code: 'DUMP_FAILED', message: 'x' }).code;
    expect(
      code('psql: error: connection to server at "h" (1.2.3.4), port 1 failed: Connection refused'),
    ).toBe('DB_UNREACHABLE');
    expect(
      code('psql: error: could not translate host name "nohost" to address: Name or service not known'),
    ).toBe('DB_UNREACHABLE');
    expect(code('FATAL:  password authentication failed for user "u"')).toBe('DB_AUTH_FAILED');
    expect(code('ВАЖНО:  пользователь "u" не прошёл проверку подлинности (по паролю)')).toBe(
      'DB_AUTH_FAILED',
    );
    expect(code('FATAL:  role "ghost" does not exist')).toBe('DB_AUTH_FAILED');
    expect(code('FATAL:  database "x" does not exist')).toBe('DB_NOT_FOUND');
    expect(code('ВАЖНО:  база данных "x" не существует')).toBe('DB_NOT_FOUND');
    expect(
      code('psql:crm.sql:90: ERROR:  could not extend file "base/16384/16390": No space left on device'),
    ).toBe('DISK_FULL');
    expect(code('pg_dump: error: query failed: ERROR:  permission denied for table deals')).toBe(
      'PERMISSION_DENIED',
    );
    expect(code('pg_dump: error: something else entirely')).toBe('DUMP_FAILED');
    // A restore error about a missing role is not a login failure.
    expect(code('psql:<stdin>:12: ERROR:  role "odoo" does not exist')).toBe('DUMP_FAILED');
  });

  it('reads tool versions and names the pg_dump version a server needs', () => {
    expect(parsePgToolVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toBe('15.18');
    expect(parsePgToolVersion('pg_dump (PostgreSQL) 9.6.24')).toBe('9.6.24');
    expect(pgMajorNum('16.2')).toBe(1600);
    expect(pgMajorNum('9.6.24')).toBe(906);
    const tool = { path: '/usr/bin/pg_dump', version: '15.4', majorNum: 1500 };
    expect(() => checkPgDumpCompatible(tool, 150010, '15.10')).not.toThrow();
    expect(() => checkPgDumpCompatible(tool, 90624, '9.6.24')).not.toThrow();
    const err = (() => {
      try {
        checkPgDumpCompatible(tool, 170002, '17.2');
      } catch (e) {
        return e as LifeboatError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('DUMP_TOOL_INCOMPATIBLE');
    expect(err?.message).toBe(
      'pg_dump 15.4 cannot back up a PostgreSQL 17.2 server: pg_dump 17 or newer is needed.',
    );
    expect(err?.hint).toContain('postgresql-client-17');
  });
});

describe('MySQL/MariaDB addresses, option files and tools', () => {
  it('parses URLs and writes option files MySQL and MariaDB read back exactly', () => {
    expect(parseMysqlUrl('mysql://espo:pw@localhost/espocrm')).toEqual({
      user: 'espo',
      host: 'localhost',
      port: 3306,
      database: 'espocrm',
      password: 'pw',
    });
    expect(parseMysqlUrl('mariadb://u@localhost/d?socket=/run/mysqld/mysqld.sock').socket).toBe(
      '/run/mysqld/mysqld.sock',
    );
    const text = optionFileText(parseMysqlUrl('mysql://u@db.lan:3307/d'), 'p"a\'s#w\\o rd\n');
    expect(text).toBe(
      '[client]\nuser="u"\npassword="p\\"a\'s#w\\\\o rd\\n"\nhost="db.lan"\nport=3307\nprotocol=TCP\n',
    );
    expect(optionFileText(parseMysqlUrl('mysql://u@localhost/d'), undefined)).not.toMatch(
      /protocol|password/,
    );
    expect(quoteIdent('we`ird')).toBe('`we``ird`');
    expect(quoteText("o'k")).toBe('CONVERT(0x6f276b USING utf8mb4)');
  });

  it('classifies client errors by number', () => {
    const code = (stderr: string) => mysqlFailure(stderr, 'at h', { code: 'DUMP_FAILED', message: 'x' }).code;
    expect(code("ERROR 1045 (28000): Access denied for user 'u'@'h' (using password: YES)")).toBe(
      'DB_AUTH_FAILED',
    );
    expect(
      code(
        "mysqldump: Got error: 2002: \"Can't connect to server on '127.0.0.1' (115)\" when trying to connect",
      ),
    ).toBe('DB_UNREACHABLE');
    expect(code("ERROR 2005 (HY000): Unknown server host 'nohost' (-2)")).toBe('DB_UNREACHABLE');
    expect(code("ERROR 1114 (HY000) at line 40: The table 'activities' is full")).toBe('DISK_FULL');
    expect(
      code('ERROR 3 (HY000) at line 7: Error writing file (Errcode: 28 "No space left on device")'),
    ).toBe('DISK_FULL');
    expect(code('mysqldump: Got error: 1049: "Unknown database \'x\'" when selecting the database')).toBe(
      'DB_NOT_FOUND',
    );
    expect(
      code(
        "mysqldump: Couldn't execute 'show events': Access denied for user 'u'@'%' to database 'd' (1044)",
      ),
    ).toBe('PERMISSION_DENIED');
    expect(code('ERROR 1064 (42000) at line 3: You have an error in your SQL syntax')).toBe('DUMP_FAILED');
  });

  it('reads dump tool versions of both flavours and picks a compatible tool', () => {
    expect(
      parseMysqlToolVersion('mysqldump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)'),
    ).toMatchObject({ flavor: 'mariadb', version: '10.11.19' });
    expect(
      parseMysqlToolVersion('mariadb-dump from 11.4.2-MariaDB, client 10.19 for Linux (x86_64)'),
    ).toMatchObject({ flavor: 'mariadb', version: '11.4.2' });
    expect(
      parseMysqlToolVersion('mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)'),
    ).toMatchObject({ flavor: 'mysql', version: '8.0.36', major: 8, minor: 0 });
    expect(parseMysqlToolVersion('mysqldump  Ver 10.13 Distrib 5.7.44, for Linux (x86_64)')).toMatchObject({
      flavor: 'mysql',
      version: '5.7.44',
    });
    expect(parseServerVersion('10.11.19-MariaDB-0+deb12u1')).toMatchObject({
      flavor: 'mariadb',
      major: 10,
      minor: 11,
    });
    expect(parseServerVersion('8.4.2')).toMatchObject({ flavor: 'mysql', major: 8, minor: 4 });

    const tool = (s: string, p: string) => ({ ...parseMysqlToolVersion(s)!, path: p });
    const maria1011 = tool('Ver 10.19 Distrib 10.11.19-MariaDB', '/a');
    const mysql80 = tool('mysqldump  Ver 8.0.36 for Linux', '/b');
    expect(chooseDumpTool([maria1011, mysql80], parseServerVersion('8.0.30')).tool.path).toBe('/b');
    expect(chooseDumpTool([maria1011, mysql80], parseServerVersion('10.6.1-MariaDB')).tool.path).toBe('/a');
    const cross = chooseDumpTool([maria1011], parseServerVersion('8.0.30'));
    expect(cross.tool.path).toBe('/a');
    expect(cross.note).toMatch(/MySQL 8\.0 client tools is recommended/);
    expect(() => chooseDumpTool([mysql80], parseServerVersion('8.4.2'))).toThrow(
      /version 8\.4 or newer is needed/,
    );

    expect(mysqldumpArgs(mysql80, 'crm')).toEqual(
      expect.arrayContaining(['--column-statistics=0', '--set-gtid-purged=OFF', '--single-transaction']),
    );
    expect(mysqldumpArgs(maria1011, 'crm')).not.toContain('--column-statistics=0');
    expect(mysqldumpArgs(maria1011, '-crm').slice(-2)).toEqual(['--', '-crm']);
  });

  it('drops the MariaDB sandbox line for MySQL clients, even split across chunks', async () => {
    const text = '/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump\nSELECT 1;\n';
    const chunks = [text.slice(0, 5), text.slice(5, 30), text.slice(30)].map((s) => Buffer.from(s));
    const out = await readAll(Readable.from(chunks).pipe(dropSandboxLine()));
    expect(out.toString()).toBe('-- MariaDB dump\nSELECT 1;\n');
    const plain = await readAll(Readable.from([Buffer.from('-- MySQL dump\n')]).pipe(dropSandboxLine()));
    expect(plain.toString()).toBe('-- MySQL dump\n');
  });
});

describe('tools', () => {
  it('finds executables in explicit folders, PATH and versioned install folders, newest first', async () => {
    for (const v of ['9.6', '15', '16']) {
      await mkdir(path.join(dir, 'pg', v, 'bin'), { recursive: true });
      await writeFile(path.join(dir, 'pg', v, 'bin', 'pg_dump'), '#!/bin/sh\n');
      await chmod(path.join(dir, 'pg', v, 'bin', 'pg_dump'), 0o755);
    }
    expect(await expandPattern(path.join(dir, 'pg', '*', 'bin'))).toEqual(
      ['16', '15', '9.6'].map((v) => path.join(dir, 'pg', v, 'bin')),
    );
    const found = await findExecutables(['pg_dump'], [path.join(dir, 'pg', '*', 'bin')], {
      env: { PATH: path.join(dir, 'pg', '15', 'bin') },
    });
    expect(found).toEqual(['15', '16', '9.6'].map((v) => path.join(dir, 'pg', v, 'bin', 'pg_dump')));
    expect(
      await findExecutables(['pg_dump'], [path.join(dir, 'pg', '*', 'bin')], {
        env: { PATH: '' },
        wellKnownDirs: false,
      }),
    ).toEqual([]);
  });

  it('streams stdout, and destroys the stream with the classified error when the tool fails', async () => {
    const ok = streamTool('sh', ['-c', 'printf "%s" hello; printf oops >&2'], {
      env: process.env,
      failure: () => new Error('no'),
    });
    expect((await readAll(ok)).toString()).toBe('hello');
    let cleaned = 0;
    const bad = streamTool('sh', ['-c', 'printf partial; echo "real problem" >&2; exit 3'], {
      env: process.env,
      cleanup: async () => void cleaned++,
      failure: (code, stderr) =>
        new LifeboatError('DUMP_FAILED', `exit ${String(code)}`, { details: stderr.trim() }),
    });
    const err = await readAll(bad).catch((e: unknown) => e as LifeboatError);
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).message).toBe('exit 3');
    expect((err as LifeboatError).details).toBe('real problem');
    expect(cleaned).toBe(1);
  });

  it('lets a dump through only when it ends with its trailer, and passes input errors on', async () => {
    const whole = Readable.from([Buffer.from('SELECT 1;\n'), Buffer.from('-- Dump completed\n')]);
    expect((await readAll(through(whole, requireTrailer(/-- Dump completed/, 'dump')))).toString()).toContain(
      'SELECT 1;',
    );
    const cut = Readable.from([Buffer.from('SELECT 1;\n')]);
    const e1 = await readAll(through(cut, requireTrailer(/-- Dump completed/, 'dump'))).catch(
      (e: unknown) => e,
    );
    expect((e1 as LifeboatError).code).toBe('RESTORE_FAILED');
    const broken = Readable.from(
      (async function* () {
        yield Buffer.from('SELECT 1;\n');
        throw new LifeboatError('REPO_CORRUPT', 'damaged');
      })(),
    );
    const e2 = await readAll(through(broken, requireTrailer(/x/, 'dump'), dropSandboxLine())).catch(
      (e: unknown) => e,
    );
    expect((e2 as LifeboatError).code).toBe('REPO_CORRUPT');
  });

  it('names entries safely', () => {
    expect(entryName('crm')).toBe('crm');
    expect(entryName('../etc/passwd')).toBe('__etc_passwd');
    expect(entryName('.hidden')).toBe('_hidden');
    expect(entryName('база клиентов')).toBe('база_клиентов');
    expect(entryName('')).toBe('database');
    expect(truncateUtf8('база клиентов', 9)).toBe('база ');
    expect(truncateUtf8('база', 7)).toBe('баз');
    expect(truncateUtf8('crm', 36)).toBe('crm');
  });
});
