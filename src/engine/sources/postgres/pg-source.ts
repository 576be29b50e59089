/**
 * PostgreSQL source: `pg_dump --format=plain` streamed from stdout (one consistent snapshot of the
 * database: pg_dump runs in one REPEATABLE READ transaction and does not block the CRM), optionally
 * the roles (`pg_dumpall --roles-only`), and a small info.json that restore uses to recreate the
 * database with the same encoding and locale.
 *
 * Plain SQL rather than the custom format: it restores with psql alone (any version, any machine),
 * stays readable, and uncompressed text deduplicates well between snapshots (the repository
 * compresses). By default ownership and GRANTs are left out (--no-owner --no-privileges), so a dump
 * restores on any server; the restoring user (or RestoreOptions.owner) owns the objects, which is what
 * a one-user CRM database needs. `keepOwnership` keeps them for multi-role setups (then restore needs
 * the roles: `includeRoles`).
 */
import { LifeboatError } from '../../../shared/errors.ts';
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
import { streamTool } from '../tools/run-tool.ts';
import { formatPostgresUrl, parsePostgresUrl, pgSession } from './pg-connection.ts';
import type { PgConnection } from './pg-connection.ts';
import { pgFailure } from './pg-errors.ts';
import { pgQuery, pgServerInfo } from './pg-query.ts';
import type { PgServerInfo } from './pg-query.ts';
import { restorePostgres } from './pg-restore.ts';
import { checkPgDumpCompatible, locatePgTools, locatePsql } from './pg-tools.ts';
import type { PgTools } from './pg-tools.ts';

export interface PostgresSourceConfig {
  kind: 'postgres';
  /** postgres://USER@HOST:PORT/DATABASE (unix socket: postgres://USER@localhost/DATABASE?host=/run/postgresql). */
  url: string;
  /** Also back up roles (pg_dumpall --roles-only; role passwords only when the user is a superuser). */
  includeRoles?: boolean;
  /** Keep OWNER and GRANT statements in the dump (default false: portable dump). */
  keepOwnership?: boolean;
  /** Folder holding pg_dump/psql, searched before PATH. */
  toolsDir?: string;
  /** Folder of the entries inside the snapshot (default 'postgres'). */
  entryPrefix?: string;
}

/** Contents of '<db>.info.json', written next to the dump. */
export interface PgDumpInfo {
  format: 'lifeboat-postgres/1';
  database: string;
  serverVersion: string;
  serverVersionNum: number;
  pgDumpVersion: string;
  encoding: string;
  collate: string;
  ctype: string;
  owner: string;
  keepOwnership: boolean;
  roles: boolean;
  startedAt: string;
  /** Where it was dumped from (prefills a restore on another computer); absent in older copies. */
  host?: string;
  port?: number;
  user?: string;
}

/** Tables of the user's schemas and their exact row counts, in one query (query_to_xml runs each count). */
const censusSql = `SELECT count(*), coalesce(sum((xpath('/row/c/text()', query_to_xml(
  format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint), 0)
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema');`;

export interface PgEntryPaths {
  dump: string;
  info: string;
  roles: string;
}

export function pgEntryPaths(config: PostgresSourceConfig): PgEntryPaths {
  const prefix = config.entryPrefix ?? 'postgres';
  const name = entryName(parsePostgresUrl(config.url).database);
  return { dump: `${prefix}/${name}.sql`, info: `${prefix}/${name}.info.json`, roles: `${prefix}/roles.sql` };
}

export function whereText(c: PgConnection): string {
  if (!c.host) return `on this computer (port ${c.port})`;
  if (c.host.startsWith('/')) return `at socket ${c.host} (port ${c.port})`;
  return `at ${c.host}:${c.port}`;
}

export function pgDumpArgs(config: PostgresSourceConfig): string[] {
  return [
    '--format=plain',
    '--no-password',
    '--lock-wait-timeout=120000',
    ...(config.keepOwnership ? [] : ['--no-owner', '--no-privileges']),
  ];
}

export function createPostgresSource(
  config: PostgresSourceConfig,
  options: DatabaseSourceOptions = {},
): Source {
  const conn = parsePostgresUrl(config.url);
  const password = options.password ?? conn.password;
  const search = toolSearch(config.toolsDir, options);
  const where = whereText(conn);
  const paths = pgEntryPaths(config);
  const session = (extra: Parameters<typeof pgSession>[3] = {}) =>
    pgSession(conn, password, search, { ...(options.tempDir ? { tempDir: options.tempDir } : {}), ...extra });

  async function preflight(signal?: AbortSignal): Promise<{ tools: PgTools; info: PgServerInfo }> {
    const tools = await locatePgTools(search);
    const s = await session();
    try {
      const info = await pgServerInfo(tools.psql, s, where, signal);
      checkPgDumpCompatible(tools.pgDump, info.versionNum, info.version);
      return { tools, info };
    } finally {
      await s.dispose();
    }
  }

  function sqlEntry(tools: PgTools, info: PgServerInfo, startedAt: Date, signal: AbortSignal): SourceEntry {
    return dumpEntry(paths.dump, startedAt, info.sizeBytes, signal, async () => {
      const s = await session();
      return streamTool(tools.pgDump.path, pgDumpArgs(config), {
        env: s.env,
        signal,
        cleanup: s.dispose,
        failure: (code, stderr) =>
          pgFailure(
            stderr,
            where,
            { code: 'DUMP_FAILED', message: `pg_dump could not back up "${conn.database}".` },
            code,
          ),
      });
    });
  }

  function rolesEntry(tools: PgTools, info: PgServerInfo, startedAt: Date, signal: AbortSignal): SourceEntry {
    const pgDumpall = tools.pgDumpall;
    return {
      path: paths.roles,
      mode: 0o600,
      mtime: startedAt,
      async open() {
        if (!pgDumpall) {
          throw new LifeboatError('DUMP_TOOL_MISSING', 'pg_dumpall was not found next to pg_dump.', {
            hint: 'Install the full PostgreSQL client tools, or turn off "include roles".',
          });
        }
        const s = await session();
        const args = ['--roles-only', '--no-password', `--database=${conn.database}`];
        // Role password hashes are readable only by superusers (pg_authid).
        if (!info.isSuperuser) args.push('--no-role-passwords');
        return streamTool(pgDumpall, args, {
          env: s.env,
          signal,
          cleanup: s.dispose,
          failure: (code, stderr) =>
            pgFailure(
              stderr,
              where,
              { code: 'DUMP_FAILED', message: 'pg_dumpall could not back up the roles.' },
              code,
            ),
        });
      },
    };
  }

  function infoEntry(tools: PgTools, info: PgServerInfo, startedAt: Date): SourceEntry {
    const body: PgDumpInfo = {
      format: 'lifeboat-postgres/1',
      database: conn.database,
      serverVersion: info.version,
      serverVersionNum: info.versionNum,
      pgDumpVersion: tools.pgDump.version,
      encoding: info.encoding,
      collate: info.collate,
      ctype: info.ctype,
      owner: info.owner,
      keepOwnership: config.keepOwnership ?? false,
      roles: config.includeRoles ?? false,
      startedAt: startedAt.toISOString(),
      host: conn.host || 'localhost',
      port: conn.port,
      user: conn.user,
    };
    return jsonEntry(paths.info, body, startedAt);
  }

  return {
    kind: 'postgres',
    describe: () => ({
      kind: 'postgres',
      title: `PostgreSQL database "${conn.database}" ${where}`,
      target: formatPostgresUrl(conn),
      database: conn.database,
    }),

    test(signal?: AbortSignal): Promise<SourceTestResult> {
      const details: Record<string, string> = { database: conn.database, user: conn.user };
      return testResult(details, async () => {
        const { tools, info } = await preflight(signal);
        details.server = `PostgreSQL ${info.version}`;
        details.pg_dump = `${tools.pgDump.version} (${tools.pgDump.path})`;
        details.size = formatBytes(info.sizeBytes);
        details.encoding = info.encoding;
        details.tables = String(info.tables);
        details.sizeBytes = String(info.sizeBytes);
        if (config.includeRoles && !tools.pgDumpall)
          details.warning = 'pg_dumpall not found: roles cannot be backed up';
        return `Connected to PostgreSQL ${info.version}; database "${conn.database}" can be backed up.`;
      });
    },

    entries(signal: AbortSignal): AsyncIterable<SourceEntry> {
      return (async function* () {
        const { tools, info } = await preflight(signal);
        const startedAt = new Date();
        yield infoEntry(tools, info, startedAt);
        if (config.includeRoles) yield rolesEntry(tools, info, startedAt, signal);
        yield sqlEntry(tools, info, startedAt, signal);
      })();
    },

    restore(input: RestoreInput, restoreOptions: RestoreOptions = {}): Promise<RestoreResult> {
      return restorePostgres({
        conn,
        password,
        search,
        where,
        paths,
        input,
        options: restoreOptions,
        ...(options.tempDir ? { tempDir: options.tempDir } : {}),
      });
    },

    async census(target: string, signal?: AbortSignal) {
      const psql = (await locatePsql(search)).path;
      const s = await session({ database: target });
      try {
        const [row] = await pgQuery(psql, s, censusSql, { where, ...(signal ? { signal } : {}) });
        return { tables: Number(row?.[0] ?? 0), rows: Number(row?.[1] ?? 0) };
      } finally {
        await s.dispose();
      }
    },
  };
}
