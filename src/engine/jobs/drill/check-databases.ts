/**
 * The part of a drill that matters most for a CRM: are the restored databases usable?
 * - SQLite (recognised by its header, or named .sqlite/.sqlite3/.db3): integrity_check must say ok.
 *   A ".db" file without the SQLite header belongs to some other program (Windows' Thumbs.db, a
 *   Berkeley DB): listed as not checked, never a failure.
 * - SQL dumps (.sql): must be non-empty UTF-8 text. Dumps by pg_dump and mysqldump end with a
 *   "dump complete" line; when the header names one of them and that line is missing, the dump was
 *   cut short (disk full or a killed process during the backup), which is reported.
 */
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs/promises';
import type { DatabaseCheck, DumpState } from './drill-types.ts';
import { checkSqliteFile } from './sqlite-check.ts';
import type { VerifiedFile } from './verify-files.ts';
import { sandboxPath } from './verify-files.ts';

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');
const sqliteNames = /\.(sqlite3?|db3|s3db|sl3)$/i;
const maybeSqliteNames = /\.db$/i;
const dumpNames = /\.sql$/i;

/** Names worth restoring even in a sampled drill. */
export function looksLikeDatabase(snapshotPath: string): boolean {
  return (
    sqliteNames.test(snapshotPath) || maybeSqliteNames.test(snapshotPath) || dumpNames.test(snapshotPath)
  );
}

export function databaseKind(file: VerifiedFile): 'sqlite' | 'maybe-sqlite' | 'sql-dump' | undefined {
  if (file.size === 0) return dumpNames.test(file.path) ? 'sql-dump' : undefined;
  if (file.head.length === 16 && file.head.equals(sqliteHeader)) return 'sqlite';
  if (sqliteNames.test(file.path)) return 'sqlite';
  if (maybeSqliteNames.test(file.path)) return 'maybe-sqlite';
  if (dumpNames.test(file.path)) return 'sql-dump';
  return undefined;
}

export async function checkDatabase(
  sandbox: string,
  file: VerifiedFile,
  signal?: AbortSignal,
): Promise<DatabaseCheck | undefined> {
  const kind = databaseKind(file);
  if (!kind) return undefined;
  const started = performance.now();
  const abs = sandboxPath(sandbox, file.path);
  const base = { path: file.path, bytes: file.size, sha256: file.sha256 };
  const took = () => Math.round(performance.now() - started);
  if (kind === 'maybe-sqlite')
    return {
      ...base,
      kind: 'sqlite',
      ok: true,
      checked: false,
      result: 'not an SQLite database',
      durationMs: took(),
    };
  if (kind === 'sqlite') {
    const r = await checkSqliteFile(abs, signal);
    return {
      ...base,
      kind: 'sqlite',
      ok: r.ok,
      checked: true,
      result: r.result,
      ...(r.tables !== undefined ? { tables: r.tables } : {}),
      durationMs: took(),
    };
  }
  const d = await checkDump(abs, file.size).catch((err: unknown): DumpFinding => ({
    ok: false,
    dumpState: 'unreadable',
    result: `could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
  }));
  return { ...base, kind: 'sql-dump', checked: true, ...d, durationMs: took() };
}

const probe = 64 * 1024;

interface DumpFinding {
  ok: boolean;
  dumpState: DumpState;
  result: string;
  producer?: DatabaseCheck['producer'];
}

async function checkDump(abs: string, size: number): Promise<DumpFinding> {
  if (size === 0) return { ok: false, dumpState: 'empty', result: 'empty file' };
  const fh = await fs.open(abs, 'r');
  try {
    const headBuf = Buffer.alloc(Math.min(probe, size));
    await fh.read(headBuf, 0, headBuf.length, 0);
    const tailLen = Math.min(4096, size);
    const tailBuf = Buffer.alloc(tailLen);
    await fh.read(tailBuf, 0, tailLen, size - tailLen);
    if (headBuf.includes(0))
      return { ok: false, dumpState: 'binary', result: 'not text (contains NUL bytes)' };
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(headBuf, { stream: true });
    } catch {
      return { ok: false, dumpState: 'not-utf8', result: 'not UTF-8 text' };
    }
    const head = headBuf.toString('utf8');
    const tail = tailBuf.toString('utf8');
    if (/^--\s*PostgreSQL database dump/m.test(head)) {
      return /--\s*PostgreSQL database dump complete/.test(tail)
        ? { ok: true, dumpState: 'complete', result: 'PostgreSQL dump, complete', producer: 'pg_dump' }
        : {
            ok: false,
            dumpState: 'truncated',
            result: 'PostgreSQL dump without its closing line: it was cut short',
            producer: 'pg_dump',
          };
    }
    if (/^--\s*(MySQL|MariaDB) dump/m.test(head)) {
      return /--\s*Dump completed/.test(tail)
        ? { ok: true, dumpState: 'complete', result: 'MySQL/MariaDB dump, complete', producer: 'mysqldump' }
        : {
            ok: false,
            dumpState: 'truncated',
            result: 'MySQL/MariaDB dump without its closing line: it was cut short',
            producer: 'mysqldump',
          };
    }
    if (/^(PRAGMA foreign_keys=OFF;|BEGIN TRANSACTION;)/m.test(head) && /^COMMIT;\s*$/m.test(tail))
      return { ok: true, dumpState: 'complete', result: 'SQLite dump, complete', producer: 'sqlite3' };
    return { ok: true, dumpState: 'text', result: 'non-empty text' };
  } finally {
    await fh.close();
  }
}
