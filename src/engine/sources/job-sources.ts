/**
 * From a job's source (src/shared/jobs.ts: plain fields, no secrets) to the engine's database source
 * configs, and where their passwords live in the keychain.
 */
import type { DatabaseJobSource, JobSource } from '../../shared/jobs.ts';
import { needsPassword, sourceKey } from '../../shared/sources.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { StreamSource } from '../repo/backup/stream-stage.ts';
import { createDatabaseSource } from './index.ts';
import type { DatabaseSourceConfig, DatabaseSourceOptions, SqliteSourceOptions } from './index.ts';
import { formatMysqlUrl } from './mysql/mysql-connection.ts';
import { mysqlEntryPaths } from './mysql/mysql-source.ts';
import { formatPostgresUrl } from './postgres/pg-connection.ts';
import { pgEntryPaths } from './postgres/pg-source.ts';
import { sqliteEntryPath } from './sqlite/sqlite-source.ts';

export function isDatabaseSource(source: JobSource): source is DatabaseJobSource {
  return source.kind !== 'folder';
}

/** The engine config of a database source of a job. */
export function databaseConfig(source: DatabaseJobSource): DatabaseSourceConfig {
  switch (source.kind) {
    case 'sqlite':
      return { kind: 'sqlite', path: source.path };
    case 'postgres':
      return {
        kind: 'postgres',
        url: formatPostgresUrl({
          user: source.user,
          host: source.host,
          port: source.port,
          database: source.database,
        }),
        ...(source.includeRoles ? { includeRoles: true } : {}),
        ...(source.toolsDir ? { toolsDir: source.toolsDir } : {}),
      };
    case 'mysql':
      return {
        kind: 'mysql',
        // A host starting with '/' is the server's unix socket file.
        url: formatMysqlUrl({
          user: source.user,
          host: source.host.startsWith('/') ? 'localhost' : source.host,
          port: source.port,
          database: source.database,
          ...(source.host.startsWith('/') ? { socket: source.host } : {}),
        }),
        ...(source.toolsDir ? { toolsDir: source.toolsDir } : {}),
      };
  }
}

/** The keychain password of a server database source (undefined for SQLite or when none is stored). */
export async function storedSourcePassword(
  secrets: SecretStore,
  source: JobSource,
): Promise<string | undefined> {
  if (source.kind !== 'postgres' && source.kind !== 'mysql') return undefined;
  return secrets.get(secretAccounts.sourcePassword(sourceKey(source)));
}

/** The snapshot path of a database source's main entry: '/postgres/crm.sql', '/sqlite/crm.db'. */
export function snapshotPathOf(config: DatabaseSourceConfig): string {
  switch (config.kind) {
    case 'sqlite':
      return `/${sqliteEntryPath(config)}`;
    case 'postgres':
      return `/${pgEntryPaths(config).dump}`;
    case 'mysql':
      return `/${mysqlEntryPaths(config).dump}`;
  }
}

/** A database source as the backup pipeline takes it (src/engine/repo/backup/stream-stage.ts). */
export function streamSourceOf(
  config: DatabaseSourceConfig,
  options: DatabaseSourceOptions & SqliteSourceOptions = {},
): StreamSource {
  const source = createDatabaseSource(config, options);
  return { path: snapshotPathOf(config), entries: (signal) => source.entries(signal) };
}

/** The database sources of a job as backup streams, with their passwords from the keychain. */
export async function jobStreamSources(
  secrets: () => Promise<SecretStore>,
  sources: readonly JobSource[],
  options: Omit<DatabaseSourceOptions, 'password'> = {},
): Promise<StreamSource[]> {
  const out: StreamSource[] = [];
  for (const source of sources) {
    if (!isDatabaseSource(source)) continue;
    const password = needsPassword(source) ? await storedSourcePassword(await secrets(), source) : undefined;
    out.push(streamSourceOf(databaseConfig(source), { ...options, ...(password ? { password } : {}) }));
  }
  return out;
}
