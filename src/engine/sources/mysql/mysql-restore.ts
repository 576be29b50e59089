/**
 * Restoring a MySQL/MariaDB backup with the mysql client (it stops at the first error in batch mode):
 * into a new database by default. Replacing an existing database (explicitly confirmed) first
 * restores into a scratch database, so a damaged or incompatible dump is found before anything is
 * dropped; only then is the target dropped, recreated and restored, and the scratch copy removed.
 * MySQL has no RENAME DATABASE, so the second pass is the price of never losing the original to a
 * bad backup.
 */
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { LifeboatError } from '../../../shared/errors.ts';
import { restoredResult } from '../database-source.ts';
import { restoreStamp } from '../source.ts';
import type { RestoreInput, RestoreOptions, RestoreResult } from '../source.ts';
import { readAll, runTool } from '../tools/run-tool.ts';
import { requireTrailer, through } from '../tools/trailer-check.ts';
import { mysqlSession, quoteIdent, quoteText } from './mysql-connection.ts';
import { mysqlFailure } from './mysql-errors.ts';
import { mysqlQuery } from './mysql-query.ts';
import type { MysqlQueryContext } from './mysql-query.ts';
import type { MysqlDumpInfo, MysqlEntryPaths } from './mysql-source.ts';
import type { MysqlTool } from './mysql-tools.ts';

export interface MysqlRestoreContext {
  query: MysqlQueryContext;
  client: MysqlTool;
  paths: MysqlEntryPaths;
  input: RestoreInput;
  options: RestoreOptions;
}

const restoreFailed = { code: 'RESTORE_FAILED' as const, message: 'MySQL/MariaDB refused a restore step.' };

async function readInfo(input: RestoreInput, path: string): Promise<Partial<MysqlDumpInfo>> {
  if (!input.paths.includes(path)) return {};
  try {
    return JSON.parse((await readAll(await input.open(path))).toString('utf8')) as Partial<MysqlDumpInfo>;
  } catch {
    return {};
  }
}

/**
 * MariaDB ≥ 10.5.25/10.11.8 dumps start with '/*M!999999\- enable the sandbox mode *\/', which
 * MySQL's client rejects. Dropped only when a MySQL client restores.
 */
export function dropSandboxLine(): Transform {
  let head: Buffer | undefined = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!head) {
        done(null, chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(0x0a);
      if (nl < 0 && head.length < 4096) {
        done();
        return;
      }
      const first = head.subarray(0, nl < 0 ? head.length : nl + 1).toString('utf8');
      const rest = /^\/\*M!999999\\- enable the sandbox mode \*\/\s*$/.test(first)
        ? head.subarray(nl + 1)
        : head;
      head = undefined;
      done(null, rest);
    },
    flush(done) {
      done(null, head && head.length ? head : undefined);
    },
  });
}

function charsetClause(info: Partial<MysqlDumpInfo>): string {
  const ok = (s: string | undefined) => (s && /^[A-Za-z0-9_]+$/.test(s) ? s : undefined);
  const charset = ok(info.charset) ?? 'utf8mb4';
  const collation = ok(info.collation);
  return ` CHARACTER SET ${charset}${collation ? ` COLLATE ${collation}` : ''}`;
}

async function createDatabase(
  ctx: MysqlRestoreContext,
  name: string,
  info: Partial<MysqlDumpInfo>,
): Promise<void> {
  try {
    await mysqlQuery(
      ctx.query,
      `CREATE DATABASE ${quoteIdent(name)}${charsetClause(info)};`,
      undefined,
      restoreFailed,
    );
  } catch (err) {
    // A collation the target server does not know (MySQL 8's utf8mb4_0900_ai_ci on MariaDB): its default.
    if (!(err instanceof LifeboatError) || !/\b(1273|1115|1253)\b/.test(err.details ?? '')) throw err;
    await mysqlQuery(
      ctx.query,
      `CREATE DATABASE ${quoteIdent(name)} CHARACTER SET utf8mb4;`,
      undefined,
      restoreFailed,
    );
  }
}

async function dropDatabase(ctx: MysqlRestoreContext, name: string): Promise<void> {
  await mysqlQuery(ctx.query, `DROP DATABASE IF EXISTS ${quoteIdent(name)};`, undefined, restoreFailed);
}

/** Streams the dump into `mysql --database=<name>`. Returns the bytes read. */
async function replay(
  ctx: MysqlRestoreContext,
  database: string,
  progress: (n: number) => void,
): Promise<number> {
  const q = ctx.query;
  const s = await mysqlSession(q.conn, q.password, q.tempDir);
  let bytes = 0;
  try {
    const checks = [requireTrailer(/-- Dump completed/, 'MySQL/MariaDB dump')];
    if (ctx.client.flavor === 'mysql') checks.push(dropSandboxLine());
    const input = through(await ctx.input.open(ctx.paths.dump), ...checks);
    const r = await runTool(
      ctx.client.path,
      [
        s.defaultsArg,
        '--batch',
        '--default-character-set=utf8mb4',
        '--max-allowed-packet=1G',
        `--database=${database}`,
      ],
      {
        env: q.env,
        input,
        onInputBytes: (n) => {
          bytes = n;
          progress(n);
        },
        ...(q.signal ? { signal: q.signal } : {}),
      },
    );
    if (r.code !== 0) {
      throw mysqlFailure(
        r.stderr,
        q.where,
        { code: 'RESTORE_FAILED', message: `The mysql client could not restore ${ctx.paths.dump}.` },
        r.code,
      );
    }
    return bytes;
  } finally {
    await s.dispose();
  }
}

/** Creates `name`, replays the dump into it, and drops it again if that fails. */
async function restoreInto(
  ctx: MysqlRestoreContext,
  name: string,
  info: Partial<MysqlDumpInfo>,
): Promise<number> {
  await createDatabase(ctx, name, info);
  try {
    return await replay(ctx, name, (n) => ctx.options.onProgress?.(n));
  } catch (err) {
    await dropDatabase(ctx, name).catch(() => undefined);
    throw err;
  }
}

export async function restoreMysql(ctx: MysqlRestoreContext): Promise<RestoreResult> {
  const started = performance.now();
  const { input, options, paths } = ctx;
  if (!input.paths.includes(paths.dump)) {
    throw new LifeboatError('NOT_FOUND', `This backup holds no MySQL/MariaDB dump at ${paths.dump}.`);
  }
  const original = ctx.query.conn.database;
  const target = options.target ?? `${[...original].slice(0, 36).join('')}_restored_${restoreStamp()}`;
  if ([...target].length > 64) {
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      `The database name "${target}" is longer than MySQL allows (64 characters).`,
    );
  }
  const info = await readInfo(input, paths.info);
  const rows = await mysqlQuery(
    ctx.query,
    `SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${quoteText(target)};`,
    undefined,
    restoreFailed,
  );
  const exists = rows.length > 0;
  if (exists && !options.overwrite?.confirmed) {
    throw new LifeboatError(
      'DB_EXISTS',
      `The database "${target}" already exists on the server ${ctx.query.where}.`,
      {
        hint: 'Restore into a new database, or confirm that this one may be replaced.',
      },
    );
  }
  let bytesRead: number;
  if (!exists) {
    bytesRead = await restoreInto(ctx, target, info);
  } else {
    const scratch = `${[...target].slice(0, 40).join('')}_lifeboat_${randomBytes(4).toString('hex')}`;
    await restoreInto(ctx, scratch, info); // proves the backup restores before anything is dropped
    await dropDatabase(ctx, target);
    try {
      bytesRead = await restoreInto(ctx, target, info);
    } catch (err) {
      throw new LifeboatError(
        'RESTORE_FAILED',
        `Replacing "${target}" failed after it was dropped; the restored data is in "${scratch}".`,
        {
          details: err instanceof LifeboatError ? (err.details ?? err.message) : String(err),
          cause: err,
        },
      );
    }
    await dropDatabase(ctx, scratch);
  }
  return restoredResult(target, exists, bytesRead, started);
}
