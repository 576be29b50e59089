/**
 * Small queries through psql (no driver dependency): the SQL goes in on stdin so psql's :'var' and
 * :"var" interpolation quotes names and values safely; rows come back unaligned, split on U+001F.
 */
import type { ErrorCode } from '../../../shared/errors.ts';
import { runTool } from '../tools/run-tool.ts';
import type { PgSession } from './pg-connection.ts';
import { pgFailure } from './pg-errors.ts';

const fieldSep = '\x1f';

export interface PgQueryOptions {
  /** psql variables, interpolated as :'name' (literal) or :"name" (identifier). */
  vars?: Record<string, string>;
  signal?: AbortSignal;
  /** For messages: 'at 127.0.0.1:5432'. */
  where: string;
  failure?: { code: ErrorCode; message: string };
}

export async function pgQuery(
  psql: string,
  session: PgSession,
  sql: string,
  options: PgQueryOptions,
): Promise<string[][]> {
  const args = ['-X', '-q', '-A', '-t', '-F', fieldSep, '-v', 'ON_ERROR_STOP=1'];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push('-v', `${k}=${v}`);
  args.push('-f', '-');
  const r = await runTool(psql, args, {
    env: session.env,
    input: sql,
    timeoutMs: 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (r.code !== 0) {
    throw pgFailure(
      r.stderr,
      options.where,
      options.failure ?? { code: 'DUMP_FAILED', message: 'A query to PostgreSQL failed.' },
      r.code,
    );
  }
  return r.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split(fieldSep));
}

export interface PgServerInfo {
  versionNum: number;
  /** '15.18 (Debian 15.18-0+deb12u1)' */
  version: string;
  user: string;
  isSuperuser: boolean;
  encoding: string;
  collate: string;
  ctype: string;
  owner: string;
  sizeBytes: number;
  /** Tables outside the system schemas. */
  tables: number;
}

/** Connects to the configured database and reads what backups and restores need to know. */
export async function pgServerInfo(
  psql: string,
  session: PgSession,
  where: string,
  signal?: AbortSignal,
): Promise<PgServerInfo> {
  const rows = await pgQuery(
    psql,
    session,
    `SELECT current_setting('server_version_num'), current_setting('server_version'), current_user,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
            pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, pg_get_userbyid(d.datdba),
            pg_database_size(d.oid),
            (SELECT count(*) FROM pg_catalog.pg_tables
              WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))
       FROM pg_database d WHERE d.datname = current_database();`,
    { where, ...(signal ? { signal } : {}) },
  );
  const [
    num = '0',
    version = '',
    user = '',
    superuser = 'f',
    encoding = 'UTF8',
    collate = '',
    ctype = '',
    owner = '',
    size = '0',
    tables = '0',
  ] = rows[0] ?? [];
  return {
    versionNum: Number(num),
    version,
    user,
    isSuperuser: superuser === 't',
    encoding,
    collate,
    ctype,
    owner,
    sizeBytes: Number(size),
    tables: Number(tables),
  };
}
