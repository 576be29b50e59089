/**
 * Restoring a PostgreSQL backup: create a database (same encoding and locale as the original, from
 * info.json), stream the dump into `psql -v ON_ERROR_STOP=1 --single-transaction`, and only then, if
 * the user confirmed replacing an existing database, swap it in (drop the old one, rename the new
 * one). A failed or cancelled restore drops what it created and never touches the existing database.
 */
import { randomBytes } from 'node:crypto';
import { LifeboatError } from '../../../shared/errors.ts';
import { restoredResult } from '../database-source.ts';
import { restoreStamp, truncateUtf8 } from '../source.ts';
import type { RestoreInput, RestoreOptions, RestoreResult } from '../source.ts';
import type { ToolSearch } from '../tools/find-tool.ts';
import { readAll, runTool } from '../tools/run-tool.ts';
import { requireTrailer, through } from '../tools/trailer-check.ts';
import { pgSession } from './pg-connection.ts';
import type { PgConnection, PgSession } from './pg-connection.ts';
import { pgFailure } from './pg-errors.ts';
import { pgQuery } from './pg-query.ts';
import type { PgDumpInfo, PgEntryPaths } from './pg-source.ts';
import { locatePsql } from './pg-tools.ts';

export interface PgRestoreContext {
  conn: PgConnection;
  password: string | undefined;
  search: ToolSearch;
  where: string;
  paths: PgEntryPaths;
  input: RestoreInput;
  options: RestoreOptions;
  tempDir?: string;
}

const devNull = process.platform === 'win32' ? 'NUL' : '/dev/null';

async function readInfo(input: RestoreInput, path: string): Promise<Partial<PgDumpInfo>> {
  if (!input.paths.includes(path)) return {};
  try {
    return JSON.parse((await readAll(await input.open(path))).toString('utf8')) as Partial<PgDumpInfo>;
  } catch {
    return {};
  }
}

interface Maintenance {
  database: string;
  versionNum: number;
}

/**
 * A database to run CREATE/DROP from, other than the target: 'postgres', else 'template1', else the
 * configured one. An unreachable server or bad password fails at once.
 */
async function pickMaintenance(ctx: PgRestoreContext, psql: string, target: string): Promise<Maintenance> {
  const candidates = [...new Set(['postgres', 'template1', ctx.conn.database])].filter((d) => d !== target);
  let last: unknown;
  for (const database of candidates) {
    const s = await session(ctx, database);
    try {
      const rows = await pgQuery(psql, s, "SELECT current_setting('server_version_num');", {
        where: ctx.where,
        ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
      });
      return { database, versionNum: Number(rows[0]?.[0] ?? 0) };
    } catch (err) {
      last = err;
      if (
        !(err instanceof LifeboatError) ||
        !['DB_NOT_FOUND', 'PERMISSION_DENIED', 'DB_AUTH_FAILED'].includes(err.code)
      )
        throw err;
    } finally {
      await s.dispose();
    }
  }
  throw last instanceof Error
    ? last
    : new LifeboatError('RESTORE_FAILED', 'No database to connect to for the restore.');
}

function session(
  ctx: PgRestoreContext,
  database: string,
  extra?: Record<string, string>,
): Promise<PgSession> {
  return pgSession(ctx.conn, ctx.password, ctx.search, {
    database,
    ...(extra ? { extra } : {}),
    ...(ctx.tempDir ? { tempDir: ctx.tempDir } : {}),
  });
}

async function sql(
  ctx: PgRestoreContext,
  psql: string,
  database: string,
  text: string,
  vars: Record<string, string>,
): Promise<string[][]> {
  const s = await session(ctx, database);
  try {
    return await pgQuery(psql, s, text, {
      vars,
      where: ctx.where,
      failure: { code: 'RESTORE_FAILED', message: 'PostgreSQL refused a restore step.' },
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    });
  } finally {
    await s.dispose();
  }
}

async function createDatabase(
  ctx: PgRestoreContext,
  psql: string,
  m: Maintenance,
  name: string,
  info: Partial<PgDumpInfo>,
): Promise<void> {
  const owner = ctx.options.owner ? ' OWNER :"owner"' : '';
  const vars: Record<string, string> = {
    db: name,
    enc: info.encoding ?? 'UTF8',
    ...(ctx.options.owner ? { owner: ctx.options.owner } : {}),
  };
  // The original locale first; a server without it gets its default, then the always-present C locale.
  const attempts: Array<Record<string, string> | undefined> = [];
  if (info.collate && info.ctype) attempts.push({ coll: info.collate, ctype: info.ctype });
  attempts.push(undefined, { coll: 'C', ctype: 'C' });
  let last: unknown;
  for (const locale of attempts) {
    const lc = locale ? " LC_COLLATE :'coll' LC_CTYPE :'ctype'" : '';
    try {
      await sql(
        ctx,
        psql,
        m.database,
        `CREATE DATABASE :"db" TEMPLATE template0 ENCODING :'enc'${lc}${owner};`,
        { ...vars, ...locale },
      );
      return;
    } catch (err) {
      last = err;
      const text = err instanceof LifeboatError ? (err.details ?? '') : '';
      if (!/locale|collation|encoding .* does not match|incompatible with/i.test(text)) throw err;
    }
  }
  throw last;
}

async function dropDatabase(
  ctx: PgRestoreContext,
  psql: string,
  m: Maintenance,
  name: string,
): Promise<void> {
  const force = m.versionNum >= 130000 ? ' WITH (FORCE)' : '';
  await sql(ctx, psql, m.database, `DROP DATABASE IF EXISTS :"db"${force};`, { db: name });
}

/** Streams one SQL entry into psql connected to `database`. */
async function replay(
  ctx: PgRestoreContext,
  psql: string,
  database: string,
  path: string,
  opts: { stopOnError: boolean; asOwner: boolean; progress: (n: number) => void },
): Promise<number> {
  // PGOPTIONS splits on spaces: a backslash keeps them (and itself) in the role name.
  const owner = opts.asOwner ? ctx.options.owner?.replace(/([\\ ])/g, '\\$1') : undefined;
  const extra = owner ? { PGOPTIONS: `-c role=${owner}` } : undefined;
  const s = await session(ctx, database, extra);
  let bytes = 0;
  try {
    const trailer =
      path === ctx.paths.roles
        ? /PostgreSQL database cluster dump complete/
        : /PostgreSQL database dump complete/;
    const input = through(await ctx.input.open(path), requireTrailer(trailer, 'PostgreSQL dump'));
    const args = ['-X', '-q', '-o', devNull, '-d', database, '-f', '-'];
    if (opts.stopOnError) args.push('-v', 'ON_ERROR_STOP=1', '--single-transaction');
    const r = await runTool(psql, args, {
      env: s.env,
      input,
      onInputBytes: (n) => {
        bytes = n;
        opts.progress(n);
      },
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    });
    // Without ON_ERROR_STOP psql exits 0 despite failed statements; non-zero means it could not run at all.
    if (r.code !== 0) {
      throw pgFailure(
        r.stderr,
        ctx.where,
        { code: 'RESTORE_FAILED', message: `psql could not restore ${path}.` },
        r.code,
      );
    }
    return bytes;
  } finally {
    await s.dispose();
  }
}

export async function restorePostgres(ctx: PgRestoreContext): Promise<RestoreResult> {
  const started = performance.now();
  const { input, options, paths } = ctx;
  if (!input.paths.includes(paths.dump)) {
    throw new LifeboatError('NOT_FOUND', `This backup holds no PostgreSQL dump at ${paths.dump}.`);
  }
  const target = options.target ?? `${truncateUtf8(ctx.conn.database, 36)}_restored_${restoreStamp()}`;
  if (Buffer.byteLength(target) > 63) {
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      `The database name "${target}" is longer than PostgreSQL allows (63 bytes).`,
    );
  }
  const psql = (await locatePsql(ctx.search)).path;
  const info = await readInfo(input, paths.info);
  const m = await pickMaintenance(ctx, psql, target);
  const exists =
    (await sql(ctx, psql, m.database, "SELECT 1 FROM pg_database WHERE datname = :'db';", { db: target }))
      .length > 0;
  if (exists && !options.overwrite?.confirmed) {
    throw new LifeboatError(
      'DB_EXISTS',
      `The database "${target}" already exists on the server ${ctx.where}.`,
      {
        hint: 'Restore into a new database, or confirm that this one may be replaced.',
      },
    );
  }
  const work = exists ? `${truncateUtf8(target, 40)}_lifeboat_${randomBytes(4).toString('hex')}` : target;
  if (options.restoreRoles && input.paths.includes(paths.roles)) {
    // Before the database: its owner may be one of them. Roles that already exist make CREATE ROLE
    // fail, which is expected, so errors do not stop this step.
    await replay(ctx, psql, m.database, paths.roles, {
      stopOnError: false,
      asOwner: false,
      progress: () => undefined,
    });
  }
  let bytesRead: number;
  await createDatabase(ctx, psql, m, work, info);
  try {
    bytesRead = await replay(ctx, psql, work, paths.dump, {
      stopOnError: true,
      asOwner: true,
      progress: (n) => options.onProgress?.(n),
    });
  } catch (err) {
    await dropDatabase(ctx, psql, m, work).catch(() => undefined);
    throw err;
  }
  if (exists) {
    const force = m.versionNum >= 130000;
    try {
      await sql(
        ctx,
        psql,
        m.database,
        (force
          ? ''
          : "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'target' AND pid <> pg_backend_pid();\n") +
          `DROP DATABASE :"target"${force ? ' WITH (FORCE)' : ''};\nALTER DATABASE :"work" RENAME TO :"target";`,
        { target, work },
      );
    } catch (err) {
      throw new LifeboatError(
        'RESTORE_FAILED',
        `The backup was restored into "${work}", but "${target}" could not be replaced with it.`,
        { details: err instanceof LifeboatError ? (err.details ?? err.message) : String(err), cause: err },
      );
    }
  }
  return restoredResult(target, exists, bytesRead, started);
}
