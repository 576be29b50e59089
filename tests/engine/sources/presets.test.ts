/** CRM presets on sample install folders written here (config formats as the CRMs write them). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectCrm,
  espoCrmPreset,
  odooPreset,
  suiteCrmPreset,
  twentyPreset,
} from '../../../src/engine/sources/presets/index.ts';

let root: string;

async function tree(name: string, files: Record<string, string>, dirs: string[] = []): Promise<string> {
  const base = path.join(root, name);
  for (const d of dirs) await mkdir(path.join(base, d), { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(base, file)), { recursive: true });
    await writeFile(path.join(base, file), text);
  }
  return base;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-presets-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('EspoCRM preset', () => {
  it('reads data/config-internal.php (MySQL) and includes uploads and customizations', async () => {
    const dir = await tree(
      'espo',
      {
        'data/config.php':
          "<?php\nreturn [\n  'useCache' => true,\n  'siteUrl' => 'https://crm.example.com',\n];\n",
        'data/config-internal.php': `<?php
return [
  'database' => [
    'host' => 'localhost',
    'port' => '',
    'charset' => NULL,
    'dbname' => 'espocrm',
    'user' => 'espo',
    'password' => 'it\\'s # secret',
    'platform' => 'Mysql'
  ],
  // the logger
  'logger' => ['path' => 'data/logs/espo.log', 'level' => 'WARNING'],
  'cryptKey' => 'abc',
];
`,
      },
      ['data/upload', 'custom/Espo/Custom', 'client/custom', 'application/Espo'],
    );
    const found = await espoCrmPreset.detect(dir);
    expect(found).toMatchObject({
      crm: 'espocrm',
      database: { kind: 'mysql', url: 'mysql://espo@localhost:3306/espocrm' },
      password: "it's # secret",
      folders: [path.join(dir, 'data/upload'), path.join(dir, 'custom'), path.join(dir, 'client/custom')],
      files: [path.join(dir, 'data/config-internal.php'), path.join(dir, 'data/config.php')],
      warnings: [],
    });
    expect(JSON.stringify(found!.database)).not.toContain('secret');
    expect((await detectCrm(dir))?.crm).toBe('espocrm');
  });

  it('reads an older data/config.php with array() syntax and a PostgreSQL driver', async () => {
    const dir = await tree('espo-old', {
      'data/config.php': `<?php
return array (
  'database' =>
  array (
    'driver' => 'pdo_pgsql',
    'host' => 'db.office.lan:5433',
    'dbname' => 'espo',
    'user' => 'espo_user',
    'password' => "pa\\"ss",
  ),
  'recordsPerPage' => 20,
);
`,
    });
    const found = await espoCrmPreset.detect(dir);
    expect(found?.database).toEqual({
      kind: 'postgres',
      url: 'postgres://espo_user@db.office.lan:5433/espo',
    });
    expect(found?.password).toBe('pa"ss');
    expect(found?.warnings.map((w) => w.message).join(' ')).toMatch(/db\.office\.lan/);
  });
});

describe('SuiteCRM preset', () => {
  it('reads SuiteCRM 8 public/legacy/config.php with config_override.php on top', async () => {
    const dir = await tree(
      'suite8',
      {
        'public/legacy/config.php': `<?php
$sugar_config = array (
  'cache_dir' => 'cache/',
  'dbconfig' =>
  array (
    'db_host_name' => '127.0.0.1',
    'db_host_instance' => 'SQLEXPRESS',
    'db_user_name' => 'suitecrm',
    'db_password' => 'from-config',
    'db_name' => 'suitecrm',
    'db_type' => 'mysql',
    'db_port' => '3307',
    'db_manager' => 'MysqliManager',
  ),
  'upload_dir' => 'upload/',
  'site_url' => 'http://crm.local',
);
`,
        'public/legacy/config_override.php':
          "<?php\n/***CONFIGURATOR***/\n$sugar_config['dbconfig']['db_password'] = 'from-override';\n$sugar_config['default_language'] = 'ru_RU';\n/***CONFIGURATOR***/\n",
        '.env': 'APP_ENV=prod\nDATABASE_URL="mysql://suitecrm:from-env@127.0.0.1:3307/suitecrm"\n',
        '.env.local': 'DATABASE_URL="mysql://suitecrm:from-env-local@127.0.0.1:3307/suitecrm"\n',
      },
      ['public/legacy/upload', 'public/legacy/custom'],
    );
    const found = await suiteCrmPreset.detect(dir);
    expect(found).toMatchObject({
      crm: 'suitecrm',
      name: 'SuiteCRM 8',
      database: { kind: 'mysql', url: 'mysql://suitecrm@127.0.0.1:3307/suitecrm' },
      password: 'from-override',
      folders: [path.join(dir, 'public/legacy/upload'), path.join(dir, 'public/legacy/custom')],
      warnings: [],
    });
    expect(found!.files).toEqual([
      path.join(dir, 'public/legacy/config.php'),
      path.join(dir, 'public/legacy/config_override.php'),
      path.join(dir, '.env'),
      path.join(dir, '.env.local'),
    ]);
  });

  it('falls back to DATABASE_URL from .env.local', async () => {
    const dir = await tree('suite8-env', {
      'public/legacy/config.php': "<?php\n$sugar_config = array('upload_dir' => 'upload/');\n",
      '.env.local': "DATABASE_URL='mysql://crm:p%40ss@db.lan:3306/suite'\n",
    });
    const found = await suiteCrmPreset.detect(dir);
    expect(found?.database).toEqual({ kind: 'mysql', url: 'mysql://crm@db.lan:3306/suite' });
    expect(found?.password).toBe('p@ss');
  });

  it('recognizes SuiteCRM 7 at the top of the folder', async () => {
    const dir = await tree(
      'suite7',
      {
        'suitecrm_version.php': "<?php\n$suitecrm_version = '7.14.6';\n",
        'config.php':
          "<?php\n$sugar_config = array('dbconfig' => array('db_host_name' => 'localhost', 'db_user_name' => 'root', 'db_password' => '', 'db_name' => 'crm7', 'db_type' => 'mysql'), 'upload_dir' => 'upload/');\n",
      },
      ['upload'],
    );
    const found = await detectCrm(dir);
    expect(found).toMatchObject({
      crm: 'suitecrm',
      name: 'SuiteCRM 7',
      database: { url: 'mysql://root@localhost:3306/crm7' },
      folders: [path.join(dir, 'upload')],
    });
    expect(found?.password).toBeUndefined();
  });
});

describe('Odoo preset', () => {
  it('reads odoo.conf and finds the filestore of the one database', async () => {
    const data = path.join(root, 'odoo-data');
    await mkdir(path.join(data, 'filestore', 'crm_prod', 'a1'), { recursive: true });
    const dir = await tree('odoo', {
      'etc/odoo.conf': `[options]
; This is the password that allows database operations:
admin_passwd = $pbkdf2-sha512$600000$abc
db_host = False
db_port = False
db_user = odoo
db_password = s3cr:et
db_name = False
data_dir = ${data}
addons_path = /usr/lib/python3/dist-packages/odoo/addons
`,
    });
    const found = await odooPreset.detect(dir);
    expect(found).toMatchObject({
      crm: 'odoo',
      password: 's3cr:et',
      folders: [path.join(data, 'filestore', 'crm_prod')],
      files: [path.join(dir, 'etc/odoo.conf')],
    });
    expect(found?.database?.url).toMatch(/^postgres:\/\/odoo@localhost:5432\/crm_prod/);
    if (process.platform === 'linux')
      expect(found?.database?.url).toContain('?host=%2Fvar%2Frun%2Fpostgresql');
  });

  it('lists candidate databases when odoo.conf names several', async () => {
    const dir = await tree('odoo-multi', {
      'odoo.conf':
        '[options]\ndb_host = db.internal\ndb_port = 5433\ndb_user = odoo\ndb_password = False\ndb_name = sales,support\ndata_dir = /nonexistent/odoo\n',
    });
    const found = await odooPreset.detect(dir);
    expect(found?.database).toBeUndefined();
    expect(found?.databaseCandidates).toEqual(['sales', 'support']);
    expect(found?.databaseChoices?.map((c) => c.url)).toEqual([
      'postgres://odoo@db.internal:5433/sales',
      'postgres://odoo@db.internal:5433/support',
    ]);
    expect(found?.password).toBeUndefined();
    expect(found?.warnings.map((w) => w.message).join(' ')).toMatch(/choose the database/);
    expect(found?.warnings.map((w) => w.message).join(' ')).toMatch(/filestore/);
  });
});

describe('Twenty preset', () => {
  it('reads a Docker install (.env + docker-compose.yml) and warns about the unpublished port', async () => {
    const dir = await tree('twenty-docker', {
      'docker-compose.yml': `name: twenty\nservices:\n  server:\n    image: twentycrm/twenty:\${TAG:-latest}\n  db:\n    image: postgres:16\n    volumes:\n      - db-data:/var/lib/postgresql/data\n`,
      '.env':
        'TAG=latest\nPG_DATABASE_USER=postgres\nPG_DATABASE_PASSWORD=replace_me_pw\nSERVER_URL=http://localhost:3000\nSTORAGE_TYPE=local\n',
    });
    const found = await twentyPreset.detect(dir);
    expect(found).toMatchObject({
      crm: 'twenty',
      database: { kind: 'postgres', url: 'postgres://postgres@localhost:5432/default' },
      password: 'replace_me_pw',
    });
    const warnings = found!.warnings.map((w) => w.message).join(' ');
    expect(warnings).toMatch(/without a published port/);
    expect(warnings).toMatch(/twenty_server-local-data/);
  });

  it('reads a source install (packages/twenty-server/.env) with its local storage folder', async () => {
    const dir = await tree(
      'twenty-src',
      {
        'packages/twenty-server/.env':
          'PG_DATABASE_URL=postgres://twenty:s%40cret@localhost:5432/default\nSTORAGE_TYPE=local\nSTORAGE_LOCAL_PATH=.local-storage # files\n',
      },
      ['packages/twenty-server/.local-storage'],
    );
    const found = await detectCrm(dir);
    expect(found).toMatchObject({
      crm: 'twenty',
      database: { kind: 'postgres', url: 'postgres://twenty@localhost:5432/default' },
      password: 's@cret',
      folders: [path.join(dir, 'packages/twenty-server/.local-storage')],
      warnings: [],
    });
  });
});

it('detects nothing in a folder without a CRM', async () => {
  const dir = await tree('empty', { 'readme.txt': 'hello' });
  expect(await detectCrm(dir)).toBeUndefined();
});
