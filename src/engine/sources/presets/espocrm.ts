/**
 * EspoCRM: database parameters in data/config-internal.php (7.x and later) or data/config.php (older),
 * `'database' => ['host', 'port', 'dbname', 'user', 'password', 'platform' => 'Mysql'|'Postgresql']`
 * (older: 'driver' => 'pdo_mysql'|'pdo_pgsql'). Attachments in data/upload; customizations in custom/
 * and client/custom/. Its official backup script copies the whole instance plus a database dump.
 */
import { join } from 'node:path';
import { phpReturnArray, phpText } from './php-config.ts';
import type { PhpArray } from './php-config.ts';
import {
  existingDirs,
  existingFiles,
  mysqlConfig,
  postgresConfig,
  readText,
  splitHostPort,
} from './preset.ts';
import { warning } from './preset.ts';
import type { CrmDetection, CrmPreset, CrmWarning } from './preset.ts';

async function databaseSection(installDir: string): Promise<PhpArray | undefined> {
  for (const file of ['data/config-internal.php', 'data/config.php']) {
    const text = await readText(join(installDir, file));
    const db = text ? phpReturnArray(text)?.database : undefined;
    if (db && typeof db === 'object') return db;
  }
  return undefined;
}

export const espoCrmPreset: CrmPreset = {
  id: 'espocrm',
  name: 'EspoCRM',
  async detect(installDir: string): Promise<CrmDetection | undefined> {
    const configFiles = await existingFiles([
      join(installDir, 'data/config-internal.php'),
      join(installDir, 'data/config.php'),
    ]);
    if (configFiles.length === 0) return undefined;
    const db = await databaseSection(installDir);
    const looksLikeEspo =
      db !== undefined || (await existingDirs([join(installDir, 'application/Espo')])).length > 0;
    if (!looksLikeEspo) return undefined;
    const warnings: CrmWarning[] = [];
    const result: CrmDetection = {
      crm: 'espocrm',
      name: 'EspoCRM',
      installDir,
      folders: await existingDirs(['data/upload', 'custom', 'client/custom'].map((d) => join(installDir, d))),
      files: configFiles,
      warnings,
    };
    if (!db) {
      warnings.push(
        warning(
          'db-settings-missing',
          'The database settings were not found in data/config-internal.php or data/config.php.',
        ),
      );
      return result;
    }
    const platform = `${phpText(db, 'platform')} ${phpText(db, 'driver')}`.toLowerCase();
    const isPostgres = /postgres|pgsql/.test(platform);
    const { host, port } = splitHostPort(
      phpText(db, 'host') || 'localhost',
      phpText(db, 'port'),
      isPostgres ? 5432 : 3306,
    );
    const params = { user: phpText(db, 'user'), host, port, database: phpText(db, 'dbname') };
    result.database = isPostgres ? postgresConfig(params) : mysqlConfig(params);
    const password = phpText(db, 'password');
    if (password) result.password = password;
    if (!/^(localhost|127\.0\.0\.1|::1)$/.test(host)) {
      warnings.push(
        warning(
          'db-host-remote',
          `The database host is "${host}". If EspoCRM runs in Docker, publish the database port and use localhost.`,
          { host },
        ),
      );
    }
    return result;
  },
};
