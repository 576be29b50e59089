/**
 * A consistent copy of a live SQLite database, never a torn file copy. Both ways read every page
 * inside ONE read transaction, so the copy is the database as of one commit, whatever other
 * processes write meanwhile (WAL mode: writers are not blocked; rollback-journal mode: writers wait
 * for the copy, bounded by their busy timeout):
 *
 * - up to `memoryLimitBytes` (default 256 MiB): `DatabaseSync.serialize()` (sqlite3_serialize) into
 *   memory, streamed from there: no file on disk at all, so no plaintext copy of the CRM is ever left
 *   in a temp folder;
 * - larger: the online backup API (`backup()` from node:sqlite) into a private temp folder (0700),
 *   streamed and deleted when the stream closes. This is the one documented exception to "no
 *   full-size temporary files": SQLite has no page-streaming API in Node (sqlite_dbpage is not
 *   compiled in) and VACUUM INTO would need the same temp file. The backup runs as one step (all
 *   pages), because a stepped backup restarts whenever another connection writes and could never
 *   finish under a busy CRM.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { backup, DatabaseSync } from 'node:sqlite';
import { LifeboatError } from '../../../shared/errors.ts';
import { bufferStream, cancelledError } from '../tools/run-tool.ts';

export interface SqliteCopyOptions {
  /** Copies of databases up to this size stay in memory (default 256 MiB). */
  memoryLimitBytes?: number;
  /** Parent of the private temp folder for larger databases (default: the OS temp folder). */
  tempDir?: string;
  /** How long to wait for a writer holding the database (default 30 s). */
  busyTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface SqliteCopy {
  stream: Readable;
  size: number;
  method: 'memory' | 'file';
}

const allPages = 2 ** 31 - 1;
export const defaultMemoryLimit = 256 * 1024 * 1024;

export function sqliteFailure(path: string, err: unknown): LifeboatError {
  if (err instanceof LifeboatError) return err;
  const e = err as { code?: string; errcode?: number; message?: string };
  const message = e.message ?? String(err);
  if (e.code === 'ENOENT') {
    return new LifeboatError('NOT_FOUND', `The SQLite database ${path} does not exist.`, {
      details: message,
    });
  }
  if (e.code === 'EACCES' || e.code === 'EPERM' || /permission|readonly|access/i.test(message)) {
    return new LifeboatError('PERMISSION_DENIED', `Lifeboat may not read the SQLite database ${path}.`, {
      details: message,
    });
  }
  if (/not a database|malformed|corrupt/i.test(message)) {
    return new LifeboatError('SOURCE_UNREADABLE', `${path} is not a readable SQLite database.`, {
      details: message,
    });
  }
  if (/locked|busy/i.test(message)) {
    return new LifeboatError(
      'SOURCE_UNREADABLE',
      `The SQLite database ${path} stayed locked by another program.`,
      {
        details: message,
        hint: 'Try again when the CRM is less busy, or raise the busy timeout.',
      },
    );
  }
  return new LifeboatError('SOURCE_UNREADABLE', `Lifeboat could not copy the SQLite database ${path}.`, {
    details: message,
    cause: err,
  });
}

/** Opens read-only; a database that needs a write to be read (hot journal, missing -shm) opens read-write. */
export function openSource(path: string, timeout: number): DatabaseSync {
  try {
    const db = new DatabaseSync(path, { readOnly: true, timeout });
    db.prepare('PRAGMA schema_version').get();
    return db;
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (!/readonly|unable to open/i.test(message)) throw err;
    return new DatabaseSync(path, { timeout });
  }
}

export async function copySqlite(path: string, options: SqliteCopyOptions = {}): Promise<SqliteCopy> {
  if (options.signal?.aborted) throw cancelledError();
  try {
    await stat(path);
  } catch (err) {
    throw sqliteFailure(path, err);
  }
  let db: DatabaseSync | undefined;
  try {
    db = openSource(path, options.busyTimeoutMs ?? 30_000);
    const pages = Number((db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
    const pageSize = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
    if (pages * pageSize <= (options.memoryLimitBytes ?? defaultMemoryLimit)) {
      const bytes = db.serialize();
      const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { stream: bufferStream(data), size: data.length, method: 'memory' };
    }
    const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'lifeboat-sqlite-'));
    const file = join(dir, 'copy.db');
    try {
      await backup(db, file, { rate: allPages });
      if (options.signal?.aborted) throw cancelledError();
      const size = (await stat(file)).size;
      const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
      stream.once('close', () => void rm(dir, { recursive: true, force: true }));
      return { stream, size, method: 'file' };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  } catch (err) {
    throw sqliteFailure(path, err);
  } finally {
    db?.close();
  }
}
