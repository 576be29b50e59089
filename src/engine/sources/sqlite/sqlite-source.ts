/**
 * SQLite source: one entry, 'sqlite/<file name>', holding a consistent online copy of the live
 * database (sqlite-copy.ts). Restore writes a new file next to the original by default.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { toErrorInfo } from '../../../shared/errors.ts';
import { formatBytes } from '../database-options.ts';
import { entryName } from '../source.ts';
import type {
  RestoreInput,
  RestoreOptions,
  RestoreResult,
  Source,
  SourceEntry,
  SourceTestResult,
} from '../source.ts';
import { cancelledError } from '../tools/run-tool.ts';
import { copySqlite, openSource, sqliteFailure } from './sqlite-copy.ts';
import type { SqliteCopyOptions } from './sqlite-copy.ts';
import { restoreSqlite, sqliteCensus } from './sqlite-restore.ts';

export interface SqliteSourceConfig {
  kind: 'sqlite';
  /** Absolute path of the database file. */
  path: string;
  /** Folder of the entry inside the snapshot (default 'sqlite'). */
  entryPrefix?: string;
}

export type SqliteSourceOptions = Omit<SqliteCopyOptions, 'signal'>;

export function sqliteEntryPath(config: SqliteSourceConfig): string {
  return `${config.entryPrefix ?? 'sqlite'}/${entryName(basename(config.path))}`;
}

/** The newest modification of the database, counting its WAL (where recent commits live). */
async function lastModified(path: string): Promise<Date> {
  const main = await stat(path);
  const wal = await stat(`${path}-wal`).catch(() => undefined);
  return wal && wal.mtimeMs > main.mtimeMs ? wal.mtime : main.mtime;
}

export function createSqliteSource(config: SqliteSourceConfig, options: SqliteSourceOptions = {}): Source {
  const entryPath = sqliteEntryPath(config);
  return {
    kind: 'sqlite',
    describe: () => ({
      kind: 'sqlite',
      title: `SQLite database ${config.path}`,
      target: config.path,
      database: basename(config.path),
    }),

    async test(): Promise<SourceTestResult> {
      const details: Record<string, string> = { path: config.path };
      try {
        const st = await stat(config.path).catch((err: unknown) => {
          throw sqliteFailure(config.path, err);
        });
        const db = openSource(config.path, options.busyTimeoutMs ?? 30_000);
        try {
          const mode = db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
          const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
            n: number;
          };
          details.size = formatBytes(st.size);
          details.journalMode = mode.journal_mode;
          details.tables = String(tables.n);
          details.sizeBytes = String(st.size);
        } finally {
          db.close();
        }
        return { ok: true, message: `${config.path} is a SQLite database and can be backed up.`, details };
      } catch (err) {
        const error = toErrorInfo(sqliteFailure(config.path, err));
        return { ok: false, message: error.message, details, error };
      }
    },

    entries(signal: AbortSignal): AsyncIterable<SourceEntry> {
      return (async function* () {
        if (signal.aborted) throw cancelledError();
        const mtime = await lastModified(config.path).catch((err: unknown) => {
          throw sqliteFailure(config.path, err);
        });
        const sizeHint = (await stat(config.path)).size;
        yield {
          path: entryPath,
          mode: 0o600,
          mtime,
          sizeHint,
          async open() {
            const copy = await copySqlite(config.path, { ...options, signal });
            const onAbort = () => copy.stream.destroy(cancelledError());
            signal.addEventListener('abort', onAbort, { once: true });
            copy.stream.once('close', () => signal.removeEventListener('abort', onAbort));
            return copy.stream;
          },
        } satisfies SourceEntry;
      })();
    },

    restore(input: RestoreInput, restoreOptions: RestoreOptions = {}): Promise<RestoreResult> {
      return restoreSqlite(config.path, entryPath, input, restoreOptions);
    },

    async census(target: string) {
      try {
        return sqliteCensus(target);
      } catch (err) {
        throw sqliteFailure(target, err);
      }
    },
  };
}
