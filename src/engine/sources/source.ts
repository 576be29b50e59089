/**
 * The Source contract: something that produces files for a snapshot (a database dump, a consistent
 * copy of a SQLite file, …) and can put them back. The backup pipeline never sees servers, tools or
 * passwords: it walks `entries()` and reads each entry's stream; restore hands the same paths back.
 *
 * Rules every source keeps:
 * - no full-size temporary files on disk (streams from the dump tool's stdout); the SQLite source is the
 *   documented exception for databases larger than its in-memory limit (see sqlite/sqlite-copy.ts);
 * - passwords never on a command line, in a config or in a log (temp 0600 files or the child's env);
 * - every failure a user can meet is a LifeboatError with a stable code (DB_UNREACHABLE, …).
 */
import type { Readable } from 'node:stream';
import type { ErrorInfo } from '../../shared/errors.ts';

export type SourceKind = 'sqlite' | 'postgres' | 'mysql';

/** One file of the snapshot produced by a source. */
export interface SourceEntry {
  /** Forward-slash path inside the snapshot, relative to the source's place, e.g. 'postgres/crm.sql'. */
  path: string;
  /** Unix permission bits for the restored file (dumps: 0o600, they hold the whole CRM). */
  mode: number;
  /** Modification time recorded in the snapshot: when the dump started, or the SQLite file's mtime. */
  mtime: Date;
  /**
   * Byte length when known before reading (small metadata files). Dumps are produced on the fly, so
   * their size is unknown until the stream ends: count the bytes you read.
   */
  size?: number;
  /**
   * Rough expected size for progress and ETA only (the database's size on the server or on disk; a
   * dump is often smaller). Never use it to allocate or to validate.
   */
  sizeHint?: number;
  /**
   * Starts producing the content. Call once per backup; the stream ends only after the producer (the
   * dump tool) has exited successfully, otherwise it is destroyed with a LifeboatError (DUMP_FAILED,
   * DB_AUTH_FAILED, CANCELLED, …). Destroying the stream early stops the producer.
   */
  open(): Promise<Readable>;
}

/** What the wizard shows about a source. Never contains a password. */
export interface SourceDescription {
  kind: SourceKind;
  /** One line for lists: 'PostgreSQL database "crm" on 127.0.0.1:5432'. */
  title: string;
  /** Connection target without secrets: a URL without password or a file path. */
  target: string;
  /** The database (or file) name used to name entries and restored copies. */
  database: string;
}

export type SourceTestResult =
  | { ok: true; message: string; details: Record<string, string> }
  | { ok: false; message: string; details: Record<string, string>; error: ErrorInfo };

/** Read access to the entries a backup of this source stored, by their SourceEntry.path. */
export interface RestoreInput {
  /** The paths present in the snapshot for this source (as SourceEntry.path). */
  paths: readonly string[];
  /** Streams one entry's content. May be called more than once for the same path. */
  open(path: string): Promise<Readable>;
}

export interface RestoreOptions {
  /**
   * Where to restore: a database name (PostgreSQL, MySQL) or a file path (SQLite). Default: a new,
   * dated name next to the original ('crm_restored_20250131_1430', 'crm.restored-20250131-1430.db').
   */
  target?: string;
  /**
   * Replacing an existing database (or the original) needs this explicit, user-confirmed flag. Without
   * it an existing target is a DB_EXISTS error and nothing is touched.
   */
  overwrite?: { confirmed: true };
  /** PostgreSQL: also replay roles.sql (pg_dumpall --roles-only) when the snapshot has it. */
  restoreRoles?: boolean;
  /** PostgreSQL: role that will own the restored database and its objects (default: the login user). */
  owner?: string;
  signal?: AbortSignal;
  /** Bytes of the dump consumed so far. */
  onProgress?: (bytesRead: number) => void;
}

export interface RestoreResult {
  /** The database name or file path that now holds the restored data. */
  target: string;
  /** True when an existing database or file was replaced. */
  replaced: boolean;
  bytesRead: number;
  durationMs: number;
  message: string;
}

export interface Source {
  readonly kind: SourceKind;
  describe(): SourceDescription;
  /**
   * Connects, checks credentials and the dump tool (presence and version against the server). Never
   * throws for problems a user can fix: they come back as { ok: false, error }.
   */
  test(signal?: AbortSignal): Promise<SourceTestResult>;
  /**
   * The files of one backup. The pre-flight checks (connection, tool version) run when iteration
   * starts and throw LifeboatErrors; each entry's content is produced only when opened.
   */
  entries(signal: AbortSignal): AsyncIterable<SourceEntry>;
  /** Puts a backup of this source back: into a new database/file unless overwrite is confirmed. */
  restore(input: RestoreInput, options?: RestoreOptions): Promise<RestoreResult>;
  /**
   * Counts the tables and their rows of a restored copy (a database name on this source's server,
   * or a SQLite file path), for the restore report. Exact counts: a full read of every table.
   */
  census(target: string, signal?: AbortSignal): Promise<Census>;
}

export interface Census {
  tables: number;
  /** null when a table could not be counted. */
  rows: number | null;
}

/** Safe file-name part for a database name: letters (any script), digits, '.', '_' and '-' survive. */
export function entryName(name: string): string {
  const cleaned = name.replace(/[^\p{L}\p{N}._-]/gu, '_').replace(/^\.+/, '_');
  return cleaned || 'database';
}

/** 'YYYYMMDD_HHMMSS' in local time, for default names of restored copies. */
export function restoreStamp(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_` +
    `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`
  );
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8 (PostgreSQL names are limited in bytes). */
export function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}
