/**
 * Database and CRM sources as the wizard sees them: testing a connection before saving a job, and
 * recognizing a CRM's install folder. Schemas and small pure helpers only (no I/O).
 *
 * Passwords: a database password is never in a job or in any output here. The wizard sends it with
 * `testSource` and with `saveJob` (`sourcePasswords`, keyed by the source's index in the draft's
 * `sources`); the engine files it in the keychain under `sourceKey(source)`. A password that
 * `detectCrm` found in the CRM's config is kept by the engine (in memory, one hour) under the same
 * key, so a following `testSource` or `saveJob` without a password uses it: the UI only learns that
 * one was found (`passwordFound`).
 */
import { z } from 'zod';
import { crmIdSchema, jobSourceSchema, repositoryIdSchema } from './jobs.ts';
import type { JobSource } from './jobs.ts';
import { snapshotIdSchema } from './repositories.ts';

const secret = z.string().min(1).max(1024);

/**
 * A stable name of a source, independent of its place in the job: the keychain files a database
 * password under `source-password:<key>` (two jobs backing up the same database share it).
 */
export function sourceKey(source: JobSource): string {
  switch (source.kind) {
    case 'folder':
      return `folder:${source.path}`;
    case 'sqlite':
      return `sqlite:${source.path}`;
    case 'postgres':
    case 'mysql':
      return `${source.kind}://${encodeURIComponent(source.user)}@${source.host}:${String(source.port)}/${encodeURIComponent(source.database)}`;
  }
}

/** Whether the source connects to a server with a login (and so may need a password). */
export function needsPassword(source: JobSource): boolean {
  return source.kind === 'postgres' || source.kind === 'mysql';
}

/** What a successful connection test found; problems come back as typed errors (DB_UNREACHABLE, …). */
export const sourceTestResultSchema = z.object({
  ok: z.literal(true),
  /** One line in English for logs and the CLI: 'PostgreSQL 16.4 · 12 tables · 34 MB'. */
  summary: z.string(),
  /** The pieces of the summary, for a translated display. */
  server: z.string().nullable(),
  tables: z.number().int().nonnegative().nullable(),
  /** Size of the database on the server or of the file (a dump is often smaller); null when unknown. */
  sizeBytes: z.number().nonnegative().nullable(),
  /** English notes: an older dump tool of the other flavour is used, non-InnoDB tables, … */
  warnings: z.array(z.string()),
});
export type SourceTestInfo = z.infer<typeof sourceTestResultSchema>;

/**
 * Something the user must know about a detected CRM. `code` is stable for translation:
 * db-settings-missing, db-host-remote, db-name-missing, db-socket-login, filestore-missing,
 * files-missing, files-in-s3, db-type-unsupported, db-url-mismatch, docker-port-unpublished;
 * `params` fills the translated text ({host}, {path}, …); `message` is the English text.
 */
export const crmWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  params: z.record(z.string(), z.string()).optional(),
});
export type CrmWarning = z.infer<typeof crmWarningSchema>;

export const crmDetectionSchema = z.object({
  crm: crmIdSchema,
  /** 'EspoCRM', 'SuiteCRM 8', 'Odoo', 'Twenty'. */
  name: z.string(),
  installDir: z.string(),
  /** The CRM's database as a job source; null when it could not be determined (see warnings). */
  database: jobSourceSchema.nullable(),
  /** A password was found in the CRM's config and is kept for the next testSource/saveJob. */
  passwordFound: z.boolean(),
  /** Ready to put into a job draft: the database (if found), then the folders and config files. */
  sources: z.array(jobSourceSchema),
  /** Uploads, filestore, customizations (existing folders). */
  folders: z.array(z.string()),
  /** Config files needed to rebuild the installation (they hold secrets: the backup is encrypted). */
  files: z.array(z.string()),
  warnings: z.array(crmWarningSchema),
  /** Odoo without db_name: databases that have a filestore folder, to choose from. */
  databaseCandidates: z.array(z.string()),
  /** The same as sources to add (one per candidate; the found password applies to each). */
  databaseChoices: z.array(jobSourceSchema),
});
export type CrmDetectionInfo = z.infer<typeof crmDetectionSchema>;

/**
 * A database copy inside a snapshot: '/postgres/<db>.sql', '/mysql/<db>.sql' (a dump) or
 * '/sqlite/<file>' (a consistent copy of the file).
 */
export const databaseDumpPathSchema = z
  .string()
  .max(4096)
  .regex(/^\/(?:(?:postgres|mysql)\/[^/]+\.sql|sqlite\/[^/]+)$/, 'a database copy in the snapshot');

/** True for the snapshot paths the restore screen offers "Restore into a database" for. */
export function isDatabaseDumpPath(path: string): boolean {
  return databaseDumpPathSchema.safeParse(path).success && !/^\/postgres\/roles\.sql$/.test(path);
}

const confirmed = z.object({ confirmed: z.literal(true) }).strict();

/** Where a database copy goes: a database on a server (PostgreSQL, MySQL) or a SQLite file. */
export const databaseRestoreTargetSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('server'),
      host: z.string().trim().min(1).max(253),
      port: z.number().int().min(1).max(65535),
      user: z.string().min(1).max(128),
      /** The database to create; default '<db>_restored_<date>'. */
      database: z.string().min(1).max(128).optional(),
      /** Else the password saved in the keychain for this server and database (as jobs use). */
      password: secret.optional(),
      /** Replace the database if it exists: only after the user confirmed it by its name. */
      overwrite: confirmed.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('file'),
      /** Full path of the SQLite file to write; a new file unless overwrite is confirmed. */
      path: z.string().min(1).max(4096),
      overwrite: confirmed.optional(),
    })
    .strict(),
]);
export type DatabaseRestoreTarget = z.infer<typeof databaseRestoreTargetSchema>;

const dumpRef = z
  .object({ repositoryId: repositoryIdSchema, snapshotId: snapshotIdSchema, path: databaseDumpPathSchema })
  .strict();

/** What the restore form is prefilled with: the copy's origin, and a new name for the restored copy. */
export const databaseDumpInfoSchema = z.object({
  kind: z.enum(['postgres', 'mysql', 'sqlite']),
  /** The original database name (or SQLite file name). */
  name: z.string(),
  path: z.string(),
  /** Size of the copy in the snapshot. */
  bytes: z.number().nonnegative(),
  /** When the copy was taken. */
  takenAt: z.string(),
  /** 'PostgreSQL 15.8', 'MariaDB 10.11.6'; null when not recorded (SQLite, older copies). */
  serverVersion: z.string().nullable(),
  /** Servers: where the copy came from (its backup job or info.json), else the usual local defaults. */
  server: z
    .object({ host: z.string(), port: z.number().int(), user: z.string(), known: z.boolean() })
    .nullable(),
  /** SQLite: the original file when a job of this computer backs it up. */
  originalPath: z.string().nullable(),
  /** A new database name (servers) or a new file path (SQLite) that is free to use. */
  suggestedTarget: z.string(),
  /** A password for the original database is in the keychain (used when none is typed). */
  passwordSaved: z.boolean(),
});
export type DatabaseDumpInfo = z.infer<typeof databaseDumpInfoSchema>;

/** What a database restore did, and what was checked. */
export const databaseRestoreReportSchema = z.object({
  kind: z.enum(['postgres', 'mysql', 'sqlite']),
  /** The database name or file path that now holds the copy. */
  target: z.string(),
  /** 'PostgreSQL on 127.0.0.1:5432'; null for SQLite. */
  server: z.string().nullable(),
  replaced: z.boolean(),
  /** Tables found in the restored database (null when they could not be counted). */
  tables: z.number().int().nonnegative().nullable(),
  /** Rows in all tables (null when counting was skipped or failed). */
  rows: z.number().int().nonnegative().nullable(),
  bytesRestored: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  /**
   * complete: the copy ended with its tool's end marker (not cut off); oneTransaction: it was
   * replayed in one transaction (all or nothing); integrity: SQLite's integrity_check said ok.
   */
  checks: z.array(z.object({ check: z.enum(['complete', 'oneTransaction', 'integrity']), ok: z.boolean() })),
});
export type DatabaseRestoreReport = z.infer<typeof databaseRestoreReportSchema>;

export const sourceOperations = {
  /**
   * Connects to a database source (or opens a SQLite file) and checks the dump tool, without saving
   * anything. No password: the one found by detectCrm, else the one in the keychain.
   */
  testSource: {
    input: z.object({ source: jobSourceSchema, password: secret.optional() }).strict(),
    output: sourceTestResultSchema,
  },
  /** Recognizes EspoCRM, SuiteCRM, Odoo or Twenty in a folder; null when none is there. */
  detectCrm: {
    input: z.object({ installDir: z.string().min(1).max(4096) }).strict(),
    output: crmDetectionSchema.nullable(),
  },
  /** The origin of a database copy in a snapshot and a suggested new name, to prefill the restore form. */
  previewDatabaseRestore: {
    input: dumpRef,
    output: databaseDumpInfoSchema,
  },
  /**
   * Restores a database copy into a new database (or SQLite file); an existing one only with
   * overwrite confirmed (else DB_EXISTS). Progress: `progress` events with operation
   * 'restore-database'; cancelRestore stops it (CANCELLED).
   */
  restoreDatabase: {
    input: dumpRef.extend({ target: databaseRestoreTargetSchema }).strict(),
    output: databaseRestoreReportSchema,
  },
} as const;
