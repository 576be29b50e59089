/**
 * Restoring a SQLite backup: the file is written next to the target under a temporary name, checked
 * with PRAGMA integrity_check, and only then put in place. A new file is renamed into place; an
 * existing database (explicitly confirmed) is replaced through SQLite's backup API, which takes the
 * database's own locks, so a running CRM sees either the old or the new database, never a mix, and
 * its -wal/-shm files stay coherent (a plain rename over a WAL database would corrupt it).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { backup, DatabaseSync } from 'node:sqlite';
import { LifeboatError } from '../../../shared/errors.ts';
import { restoreStamp } from '../source.ts';
import type { Census, RestoreInput, RestoreOptions, RestoreResult } from '../source.ts';
import { cancelledError } from '../tools/run-tool.ts';

const allPages = 2 ** 31 - 1;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function removeDb(path: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm', '-journal'].map((s) => rm(path + s, { force: true })));
}

/** Runs PRAGMA integrity_check; returns the problems (empty when the database is sound). */
export function integrityProblems(path: string): string[] {
  const db = new DatabaseSync(path);
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    return problems;
  } finally {
    db.close();
  }
}

/** Tables (without SQLite's own) and their rows; rows null when a table cannot be read (a missing module). */
export function sqliteCensus(path: string): Census {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const names = (
      db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .all() as Array<{ name: string }>
    ).map((r) => r.name);
    let rows: number | null = 0;
    for (const name of names) {
      try {
        const r = db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as {
          n: number;
        };
        if (rows !== null) rows += Number(r.n);
      } catch {
        rows = null;
      }
    }
    return { tables: names.length, rows };
  } finally {
    db.close();
  }
}

export function defaultSqliteTarget(originalPath: string, now = new Date()): string {
  const ext = extname(originalPath);
  const stem = basename(originalPath, ext);
  return join(dirname(originalPath), `${stem}.restored-${restoreStamp(now)}${ext}`);
}

export async function restoreSqlite(
  originalPath: string,
  entryPath: string,
  input: RestoreInput,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const started = performance.now();
  if (!input.paths.includes(entryPath)) {
    throw new LifeboatError('NOT_FOUND', `This backup holds no SQLite database at ${entryPath}.`);
  }
  const target = options.target ?? defaultSqliteTarget(originalPath);
  const replacing = await exists(target);
  if (replacing && !options.overwrite?.confirmed) {
    throw new LifeboatError('DB_EXISTS', `The file ${target} already exists.`, {
      hint: 'Restore into a new file, or confirm that this database may be replaced.',
    });
  }
  if (options.signal?.aborted) throw cancelledError();
  const temp = join(dirname(target), `.${basename(target)}.lifeboat-${randomBytes(4).toString('hex')}.tmp`);
  let bytesRead = 0;
  try {
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytesRead += chunk.length;
        options.onProgress?.(bytesRead);
        done(null, chunk);
      },
    });
    await pipeline(
      await input.open(entryPath),
      counter,
      createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
    const fh = await open(temp, 'r+');
    await fh.sync();
    await fh.close();
    let problems: string[];
    try {
      problems = integrityProblems(temp);
    } catch (err) {
      problems = [(err as Error).message];
    }
    if (problems.length) {
      throw new LifeboatError(
        'RESTORE_FAILED',
        'The restored SQLite database failed its integrity check; nothing was replaced.',
        {
          details: problems.slice(0, 20).join('\n'),
        },
      );
    }
    if (!replacing) {
      await rename(temp, target);
    } else {
      const src = new DatabaseSync(temp, { readOnly: true });
      try {
        await backup(src, target, { rate: allPages });
      } finally {
        src.close();
      }
    }
  } catch (err) {
    if (options.signal?.aborted) throw cancelledError();
    if (err instanceof LifeboatError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new LifeboatError('DISK_FULL', `The disk of ${target} is full; nothing was restored.`, {
        hint: 'Free some space or restore to another disk.',
      });
    }
    throw new LifeboatError('RESTORE_FAILED', `The SQLite database could not be restored to ${target}.`, {
      details: (err as Error).message ?? String(err),
      cause: err,
    });
  } finally {
    await removeDb(temp);
  }
  return {
    target,
    replaced: replacing,
    bytesRead,
    durationMs: Math.round(performance.now() - started),
    message: replacing
      ? `The database ${target} was replaced with the backup.`
      : `The backup was restored to ${target}.`,
  };
}
