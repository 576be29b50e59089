/**
 * Database sources: one factory for every saved source config. Configs are plain JSON without
 * secrets; the password comes from the keychain at run time (DatabaseSourceOptions.password).
 */
import type { DatabaseSourceOptions } from './database-options.ts';
import { createMysqlSource } from './mysql/mysql-source.ts';
import type { MysqlSourceConfig } from './mysql/mysql-source.ts';
import { createPostgresSource } from './postgres/pg-source.ts';
import type { PostgresSourceConfig } from './postgres/pg-source.ts';
import type { Source } from './source.ts';
import { createSqliteSource } from './sqlite/sqlite-source.ts';
import type { SqliteSourceConfig, SqliteSourceOptions } from './sqlite/sqlite-source.ts';

export type DatabaseSourceConfig = SqliteSourceConfig | PostgresSourceConfig | MysqlSourceConfig;

export type {
  RestoreInput,
  RestoreOptions,
  RestoreResult,
  Source,
  SourceDescription,
  SourceEntry,
  SourceKind,
  SourceTestResult,
} from './source.ts';
export type { DatabaseSourceOptions } from './database-options.ts';
export type { MysqlSourceConfig, PostgresSourceConfig, SqliteSourceConfig, SqliteSourceOptions };
export { createMysqlSource, createPostgresSource, createSqliteSource };

export function createDatabaseSource(
  config: DatabaseSourceConfig,
  options: DatabaseSourceOptions & SqliteSourceOptions = {},
): Source {
  switch (config.kind) {
    case 'sqlite':
      return createSqliteSource(config, options);
    case 'postgres':
      return createPostgresSource(config, options);
    case 'mysql':
      return createMysqlSource(config, options);
  }
}
