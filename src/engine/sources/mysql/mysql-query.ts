/** Small queries through the mysql/mariadb command-line client (no driver dependency). */
import type { ErrorCode } from '../../../shared/errors.ts';
import { runTool } from '../tools/run-tool.ts';
import type { MysqlConnection } from './mysql-connection.ts';
import { mysqlSession } from './mysql-connection.ts';
import { mysqlFailure } from './mysql-errors.ts';
import { parseServerVersion } from './mysql-tools.ts';
import type { MysqlVersion } from './mysql-tools.ts';

export interface MysqlQueryContext {
  client: string;
  conn: MysqlConnection;
  password: string | undefined;
  env: NodeJS.ProcessEnv;
  where: string;
  tempDir?: string;
  signal?: AbortSignal;
}

/** Runs SQL (stdin) against `database` (none: no default database); rows split on tabs. */
export async function mysqlQuery(
  ctx: MysqlQueryContext,
  sql: string,
  database: string | undefined,
  failure: { code: ErrorCode; message: string } = {
    code: 'DUMP_FAILED',
    message: 'A query to MySQL/MariaDB failed.',
  },
): Promise<string[][]> {
  const s = await mysqlSession(ctx.conn, ctx.password, ctx.tempDir);
  try {
    const args = [s.defaultsArg, '--batch', '--skip-column-names', '--default-character-set=utf8mb4'];
    if (database !== undefined) args.push(`--database=${database}`);
    const r = await runTool(ctx.client, args, {
      env: ctx.env,
      input: sql,
      timeoutMs: 60_000,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (r.code !== 0) throw mysqlFailure(r.stderr, ctx.where, failure, r.code);
    return r.stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => l.split('\t'));
  } finally {
    await s.dispose();
  }
}

export interface MysqlServerInfo {
  server: MysqlVersion;
  versionText: string;
  user: string;
  charset: string;
  collation: string;
  sizeBytes: number;
  /** Tables not in InnoDB: --single-transaction cannot give them a consistent snapshot. */
  nonTransactional: string;
  /** Base tables in the database. */
  tables: number;
}

export async function mysqlServerInfo(ctx: MysqlQueryContext): Promise<MysqlServerInfo> {
  const rows = await mysqlQuery(
    ctx,
    `SELECT VERSION(), CURRENT_USER(), s.DEFAULT_CHARACTER_SET_NAME, s.DEFAULT_COLLATION_NAME,
       (SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()),
       (SELECT COALESCE(GROUP_CONCAT(CONCAT(TABLE_NAME, ' (', COALESCE(ENGINE, '?'), ')') SEPARATOR ', '), '')
          FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND COALESCE(ENGINE, '') <> 'InnoDB'),
       (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE')
     FROM information_schema.SCHEMATA s WHERE s.SCHEMA_NAME = DATABASE();`,
    ctx.conn.database,
  );
  const [
    versionText = '',
    user = '',
    charset = 'utf8mb4',
    collation = '',
    size = '0',
    nonTransactional = '',
    tables = '0',
  ] = rows[0] ?? [];
  return {
    server: parseServerVersion(versionText),
    versionText,
    user,
    charset,
    collation,
    sizeBytes: Number(size),
    nonTransactional,
    tables: Number(tables),
  };
}
