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
import { crmIdSchema, jobSourceSchema } from './jobs.ts';
import type { JobSource } from './jobs.ts';

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
} as const;
