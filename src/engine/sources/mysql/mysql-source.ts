/**
 * MySQL/MariaDB source: `mysqldump --single-transaction` streamed from stdout. InnoDB tables are
 * dumped from one consistent snapshot without locking the CRM out (MyISAM/MEMORY tables cannot be,
 * test() names them). Routines, triggers and events are included; BLOBs as hex so the dump is plain
 * UTF-8 text; rows ordered by primary key and no dump date, so unchanged tables give identical bytes
 * and deduplicate between snapshots. The dump has no CREATE DATABASE/USE: it restores under any name.
 */
import type { DatabaseSourceOptions } from '../database-options.ts';
import { formatBytes, toolSearch } from '../database-options.ts';
import { dumpEntry, jsonEntry, testResult } from '../database-source.ts';
import { entryName } from '../source.ts';
import type {
  RestoreInput,
  RestoreOptions,
  RestoreResult,
  Source,
  SourceEntry,
  SourceTestResult,
} from '../source.ts';
import { toolEnv } from '../tools/find-tool.ts';
import { streamTool } from '../tools/run-tool.ts';
import { formatMysqlUrl, mysqlSession, parseMysqlUrl, quoteIdent } from './mysql-connection.ts';
import type { MysqlConnection } from './mysql-connection.ts';
import { mysqlFailure } from './mysql-errors.ts';
import { mysqlQuery, mysqlServerInfo } from './mysql-query.ts';
import type { MysqlQueryContext, MysqlServerInfo } from './mysql-query.ts';
import { restoreMysql } from './mysql-restore.ts';
import { chooseDumpTool, flavorName, locateMysqlTools } from './mysql-tools.ts';
import type { MysqlTool } from './mysql-tools.ts';

export interface MysqlSourceConfig {
  kind: 'mysql';
  /** mysql://USER@HOST:PORT/DATABASE (unix socket: mysql://USER@localhost/DATABASE?socket=/run/mysqld/mysqld.sock). */
  url: string;
  /** Folder holding mysqldump/mysql (or mariadb-dump/mariadb), searched before PATH. */
  toolsDir?: string;
  /** Folder of the entries inside the snapshot (default 'mysql'). */
  entryPrefix?: string;
}

/** Contents of '<db>.info.json', written next to the dump. */
export interface MysqlDumpInfo {
  format: 'lifeboat-mysql/1';
  database: string;
  server: string;
  flavor: string;
  dumpTool: string;
  charset: string;
  collation: string;
  startedAt: string;
  /** Where it was dumped from (a socket file for socket logins); absent in older copies. */
  host?: string;
  port?: number;
  user?: string;
}

export interface MysqlEntryPaths {
  dump: string;
  info: string;
}

export function mysqlEntryPaths(config: MysqlSourceConfig): MysqlEntryPaths {
  const prefix = config.entryPrefix ?? 'mysql';
  const name = entryName(parseMysqlUrl(config.url).database);
  return { dump: `${prefix}/${name}.sql`, info: `${prefix}/${name}.info.json` };
}

export function mysqlWhere(c: MysqlConnection): string {
  return c.socket ? `at socket ${c.socket}` : `at ${c.host}:${c.port}`;
}

/** mysqldump options after --defaults-extra-file; the database name comes last. */
export function mysqldumpArgs(tool: MysqlTool, database: string): string[] {
  const args = [
    '--single-transaction',
    '--routines',
    '--triggers',
    '--events',
    '--hex-blob',
    '--default-character-set=utf8mb4',
    '--no-tablespaces', // needs the PROCESS privilege on MySQL 8 otherwise; CRMs use none
    '--skip-dump-date',
    '--order-by-primary',
    '--max-allowed-packet=1G',
  ];
  if (tool.flavor === 'mysql') {
    if (tool.major >= 8) args.push('--column-statistics=0'); // MariaDB servers have no COLUMN_STATISTICS
    args.push('--set-gtid-purged=OFF'); // a restore must not try to rewrite the target's GTID history
  }
  args.push('--', database);
  return args;
}

export function createMysqlSource(config: MysqlSourceConfig, options: DatabaseSourceOptions = {}): Source {
  const conn = parseMysqlUrl(config.url);
  const password = options.password ?? conn.password;
  const search = toolSearch(config.toolsDir, options);
  const env = toolEnv(
    search,
    /^(MYSQL_PWD|MYSQL_HOST|MYSQL_TCP_PORT|MYSQL_UNIX_PORT|MYSQL_TEST_LOGIN_FILE)$/,
    {},
  );
  const where = mysqlWhere(conn);
  const paths = mysqlEntryPaths(config);
  const queryContext = (client: string, signal?: AbortSignal): MysqlQueryContext => ({
    client,
    conn,
    password,
    env,
    where,
    ...(options.tempDir ? { tempDir: options.tempDir } : {}),
    ...(signal ? { signal } : {}),
  });

  async function preflight(
    signal?: AbortSignal,
  ): Promise<{ tool: MysqlTool; note?: string; info: MysqlServerInfo }> {
    const tools = await locateMysqlTools(search);
    const info = await mysqlServerInfo(queryContext(tools.client.path, signal));
    return { ...chooseDumpTool(tools.dumps, info.server), info };
  }

  function sqlEntry(
    tool: MysqlTool,
    info: MysqlServerInfo,
    startedAt: Date,
    signal: AbortSignal,
  ): SourceEntry {
    return dumpEntry(paths.dump, startedAt, info.sizeBytes, signal, async () => {
      const s = await mysqlSession(conn, password, options.tempDir);
      return streamTool(tool.path, [s.defaultsArg, ...mysqldumpArgs(tool, conn.database)], {
        env,
        signal,
        cleanup: s.dispose,
        failure: (code, stderr) =>
          mysqlFailure(
            stderr,
            where,
            { code: 'DUMP_FAILED', message: `mysqldump could not back up "${conn.database}".` },
            code,
          ),
      });
    });
  }

  function infoEntry(tool: MysqlTool, info: MysqlServerInfo, startedAt: Date): SourceEntry {
    const body: MysqlDumpInfo = {
      format: 'lifeboat-mysql/1',
      database: conn.database,
      server: info.versionText,
      flavor: info.server.flavor,
      dumpTool: `${flavorName(tool.flavor)} ${tool.version}`,
      charset: info.charset,
      collation: info.collation,
      startedAt: startedAt.toISOString(),
      host: conn.socket ?? conn.host,
      port: conn.port,
      user: conn.user,
    };
    return jsonEntry(paths.info, body, startedAt);
  }

  return {
    kind: 'mysql',
    describe: () => ({
      kind: 'mysql',
      title: `MySQL/MariaDB database "${conn.database}" ${where}`,
      target: formatMysqlUrl(conn),
      database: conn.database,
    }),

    test(signal?: AbortSignal): Promise<SourceTestResult> {
      const details: Record<string, string> = { database: conn.database, user: conn.user };
      return testResult(details, async () => {
        const { tool, note, info } = await preflight(signal);
        details.server = `${flavorName(info.server.flavor)} ${info.versionText}`;
        details.dumpTool = `${flavorName(tool.flavor)} ${tool.version} (${tool.path})`;
        details.size = formatBytes(info.sizeBytes);
        details.charset = info.charset;
        details.tables = String(info.tables);
        details.sizeBytes = String(info.sizeBytes);
        const warnings = [
          ...(note ? [note] : []),
          ...(info.nonTransactional
            ? [`Not InnoDB, so not copied from one consistent snapshot: ${info.nonTransactional}`]
            : []),
        ];
        if (warnings.length) details.warning = warnings.join(' ');
        return `Connected to ${flavorName(info.server.flavor)} ${info.server.version}; database "${conn.database}" can be backed up.`;
      });
    },

    entries(signal: AbortSignal): AsyncIterable<SourceEntry> {
      return (async function* () {
        const { tool, info } = await preflight(signal);
        const startedAt = new Date();
        yield infoEntry(tool, info, startedAt);
        yield sqlEntry(tool, info, startedAt, signal);
      })();
    },

    async restore(input: RestoreInput, restoreOptions: RestoreOptions = {}): Promise<RestoreResult> {
      const tools = await locateMysqlTools(search, false);
      return restoreMysql({
        query: queryContext(tools.client.path, restoreOptions.signal),
        client: tools.client,
        paths,
        input,
        options: restoreOptions,
      });
    },

    async census(target: string, signal?: AbortSignal) {
      const tools = await locateMysqlTools(search, false);
      const ctx = queryContext(tools.client.path, signal);
      const names = (
        await mysqlQuery(
          ctx,
          "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';",
          target,
        )
      ).map((r) => r[0]!);
      if (names.length === 0) return { tables: 0, rows: 0 };
      // One statement: the sum of an exact count per table.
      const sum = names.map((n) => `(SELECT COUNT(*) FROM ${quoteIdent(n)})`).join(' + ');
      const [row] = await mysqlQuery(ctx, `SELECT ${sum};`, target);
      return { tables: names.length, rows: Number(row?.[0] ?? 0) };
    },
  };
}
