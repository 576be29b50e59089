/**
 * Backup jobs as every host and the UI see them: the job definition (what, where, when, how long to
 * keep), the draft a user interface sends to create or change one, and the run records of the history.
 * Kept apart from contract.ts so the contract stays a readable list of operations. Schemas only.
 *
 * Drafts have optional fields (the engine fills in defaults); a stored job has every field, so code
 * that reads a job never guesses.
 */
import { z } from 'zod';
import { errorCodes } from './errors.ts';
import { repositoryLocationSchema } from './locations.ts';

/** The same shape as contract.ts's errorInfoSchema (not imported: contract.ts imports this file). */
const runErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  hint: z.string().optional(),
  details: z.string().optional(),
});

export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a job id');
/** Run ids are time-sortable and safe as file names: 20260504T023000Z-a1b2c3. */
export const runIdSchema = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/, 'a run id');
const isoTime = z.iso.datetime({ offset: true });

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA zone; absent means "this computer's zone" (what a small office expects). */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'an IANA time zone such as Europe/Moscow');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24-hour clock)');

export const scheduleSchema = z.discriminatedUnion('kind', [
  /** Only when someone presses "Run now". */
  z.object({ kind: z.literal('manual') }).strict(),
  z.object({ kind: z.literal('daily'), at: clockTime, timezone: timeZoneSchema.optional() }).strict(),
  /** Every N hours, counted from the start of the hour of the previous run (no drift, no DST surprises). */
  z
    .object({
      kind: z.literal('hourly'),
      every: z.number().int().min(1).max(24),
      timezone: timeZoneSchema.optional(),
    })
    .strict(),
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  z
    .object({
      kind: z.literal('weekly'),
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
      at: clockTime,
      timezone: timeZoneSchema.optional(),
    })
    .strict(),
  /** 5-field cron (or 6 with seconds), checked by the engine (croner). */
  z
    .object({
      kind: z.literal('cron'),
      expression: z.string().min(9).max(200),
      timezone: timeZoneSchema.optional(),
    })
    .strict(),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

/** A folder and its exclude patterns (restic --exclude syntax; they apply to the whole snapshot). */
export const folderSourceSchema = z
  .object({
    kind: z.literal('folder'),
    path: z.string().min(1).max(4096),
    excludes: z.array(z.string().min(1).max(1024)).max(500),
  })
  .strict();

/** The CRMs whose install folder Lifeboat recognizes (src/engine/sources/presets). */
export const crmIdSchema = z.enum(['espocrm', 'suitecrm', 'odoo', 'twenty']);
export type CrmId = z.infer<typeof crmIdSchema>;

/** A host name or IP, or a unix socket: PostgreSQL's socket folder ('/run/postgresql'), MySQL's socket file. */
const dbHost = z.string().trim().min(1).max(253);
const dbPort = z.number().int().min(1).max(65535);
const dbUser = z.string().min(1).max(128);
const dbName = z.string().min(1).max(128);
/** Folder holding the dump tools, searched before PATH (Windows installs rarely put them on PATH). */
const toolsDir = z.string().min(1).max(4096);

/** A SQLite database file, copied consistently while the CRM keeps writing (SQLite's backup API). */
export const sqliteSourceSchema = z.object({ kind: z.literal('sqlite'), path: z.string().min(1).max(4096) }).strict();
/**
 * A PostgreSQL database, dumped with pg_dump (snapshot path /postgres/<db>.sql). The password is in
 * the keychain (saveJob's sourcePasswords), never here. `crm`: the preset that found it, for display.
 */
export const postgresSourceSchema = z
  .object({
    kind: z.literal('postgres'),
    host: dbHost,
    port: dbPort,
    user: dbUser,
    database: dbName,
    /** Also back up the server's roles (pg_dumpall --roles-only). */
    includeRoles: z.boolean().optional(),
    toolsDir: toolsDir.optional(),
    crm: crmIdSchema.optional(),
  })
  .strict();
/** A MySQL/MariaDB database, dumped with mysqldump --single-transaction (/mysql/<db>.sql). */
export const mysqlSourceSchema = z
  .object({
    kind: z.literal('mysql'),
    host: dbHost,
    port: dbPort,
    user: dbUser,
    database: dbName,
    toolsDir: toolsDir.optional(),
    crm: crmIdSchema.optional(),
  })
  .strict();

/**
 * What a job backs up. CRM presets are expanded into these concrete sources when the wizard calls
 * detectCrm (a database source plus folder sources), so a stored job never depends on detection.
 */
export const jobSourceSchema = z.discriminatedUnion('kind', [
  folderSourceSchema,
  sqliteSourceSchema,
  postgresSourceSchema,
  mysqlSourceSchema,
]);
export type JobSource = z.infer<typeof jobSourceSchema>;
export type FolderSource = z.infer<typeof folderSourceSchema>;
export type DatabaseJobSource = Exclude<JobSource, FolderSource>;

export const repositoryIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a repository id');
/**
 * Where snapshots go. The repository id (from its config) ties the job to that repository: a run
 * refuses to write into a different repository found at the same place, and the password is filed
 * under it in the keychain.
 */
export const jobDestinationSchema = z
  .object({ location: repositoryLocationSchema, repositoryId: repositoryIdSchema })
  .strict();
export type JobDestination = z.infer<typeof jobDestinationSchema>;

const keepCount = z.number().int().min(-1).max(1_000_000);
const keepWithin = z.string().regex(/^(\d+[ymdh])+$/, 'a duration such as 1y2m3d4h');
export const retentionPresetSchema = z.enum(['standard', 'compact', 'long']);
export const retentionSchema = z.discriminatedUnion('kind', [
  /** standard: 24 hourly, 7 daily, 4 weekly, 12 monthly, 3 yearly; compact: 7 daily, 4 weekly; long: 48 hourly, 30 daily, 12 weekly, 24 monthly, all yearly. */
  z.object({ kind: z.literal('preset'), preset: retentionPresetSchema }).strict(),
  /** restic forget's counts (-1 = unlimited) and keep-within. */
  z
    .object({
      kind: z.literal('custom'),
      keepLast: keepCount.optional(),
      keepHourly: keepCount.optional(),
      keepDaily: keepCount.optional(),
      keepWeekly: keepCount.optional(),
      keepMonthly: keepCount.optional(),
      keepYearly: keepCount.optional(),
      keepWithin: keepWithin.optional(),
    })
    .strict(),
  /** Never remove snapshots. */
  z.object({ kind: z.literal('keep-all') }).strict(),
]);
export type Retention = z.infer<typeof retentionSchema>;

export const periodSchema = z.enum(['never', 'daily', 'weekly', 'monthly']);
export type Period = z.infer<typeof periodSchema>;

export const jobChecksSchema = z
  .object({
    /** A structure check (snapshots, index, packs, trees; no data download) after every backup. */
    afterBackup: z.boolean(),
    /** Download and verify a slice of the packs this often; successive checks rotate through all packs. */
    readData: z.object({ every: periodSchema, percent: z.number().int().min(1).max(100) }).strict(),
  })
  .strict();
export type JobChecks = z.infer<typeof jobChecksSchema>;

/** Stored here, acted on by the notifications module. */
export const notificationRulesSchema = z
  .object({
    desktop: z.boolean(),
    email: z.array(z.email()).max(20),
    onSuccess: z.boolean(),
    onWarning: z.boolean(),
    onFailure: z.boolean(),
    /** Alert when no backup succeeded for this long, whatever the runs say; null = off. */
    noSuccessForHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .nullable(),
  })
  .strict();
export type NotificationRules = z.infer<typeof notificationRulesSchema>;

/** Stored here, acted on by the restore-drill module. */
export const drillPolicySchema = z
  .object({
    enabled: z.boolean(),
    every: z.enum(['weekly', 'monthly', 'quarterly']),
    /** Files restored into a scratch folder and compared with the snapshot. */
    sampleFiles: z.number().int().min(1).max(10_000),
  })
  .strict();
export type DrillPolicy = z.infer<typeof drillPolicySchema>;

export const jobSchema = z
  .object({
    id: jobIdSchema,
    name: z.string().trim().min(1).max(200),
    sources: z.array(jobSourceSchema).min(1).max(100),
    destination: jobDestinationSchema,
    /** A second repository that receives a copy of every snapshot (another place, another provider). */
    copyTo: jobDestinationSchema.nullable(),
    schedule: scheduleSchema,
    retention: retentionSchema,
    /** Removing unused data rewrites packs under an exclusive lock: not after every backup. */
    pruneEvery: periodSchema,
    checks: jobChecksSchema,
    notifications: notificationRulesSchema,
    drill: drillPolicySchema,
    /** false = paused: the scheduler leaves it alone, "Run now" still works. */
    enabled: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .strict();
export type Job = z.infer<typeof jobSchema>;

/**
 * What a user interface sends to create (no id) or change (with id) a job. The repository id is
 * optional: with a password the engine opens the repository and reads it (and proves the password).
 */
export const jobDraftSchema = z
  .object({
    id: jobIdSchema.optional(),
    name: z.string().trim().min(1).max(200),
    sources: z.array(jobSourceSchema).min(1).max(100),
    destination: z
      .object({ location: repositoryLocationSchema, repositoryId: repositoryIdSchema.optional() })
      .strict(),
    copyTo: z
      .object({ location: repositoryLocationSchema, repositoryId: repositoryIdSchema.optional() })
      .strict()
      .nullable()
      .optional(),
    schedule: scheduleSchema,
    retention: retentionSchema.optional(),
    pruneEvery: periodSchema.optional(),
    checks: jobChecksSchema.optional(),
    notifications: notificationRulesSchema.optional(),
    drill: drillPolicySchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type JobDraft = z.infer<typeof jobDraftSchema>;

export const runStatusSchema = z.enum(['running', 'ok', 'warning', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof runStatusSchema>;
/** schedule: on time; catch-up: a slot was missed (sleep, shutdown); retry: after a transient failure. */
export const runTriggerSchema = z.enum(['schedule', 'catch-up', 'retry', 'manual']);
export type RunTrigger = z.infer<typeof runTriggerSchema>;

export const stepNameSchema = z.enum(['backup', 'forget', 'prune', 'check', 'readData', 'copy']);
export type StepName = z.infer<typeof stepNameSchema>;
export const stepResultSchema = z
  .object({
    status: z.enum(['ok', 'warning', 'failed', 'skipped']),
    message: z.string().optional(),
    error: runErrorSchema.optional(),
  })
  .strict();
export type StepResult = z.infer<typeof stepResultSchema>;

export const runStatsSchema = z
  .object({
    filesNew: z.number().int().nonnegative(),
    filesChanged: z.number().int().nonnegative(),
    filesUnmodified: z.number().int().nonnegative(),
    filesProcessed: z.number().int().nonnegative(),
    bytesProcessed: z.number().nonnegative(),
    bytesAdded: z.number().nonnegative(),
    bytesStored: z.number().nonnegative(),
    warnings: z.number().int().nonnegative(),
  })
  .strict();

/**
 * One run as the history keeps it. History files hold one line per state change of a run (started,
 * finished); the last line of a run id wins.
 */
export const jobRunSchema = z
  .object({
    runId: runIdSchema,
    jobId: jobIdSchema,
    trigger: runTriggerSchema,
    status: runStatusSchema,
    /** The slot this run stands for (null for manual runs). */
    scheduledFor: isoTime.nullable(),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    /** Who runs it: a run marked running whose process is gone was interrupted. */
    hostname: z.string(),
    pid: z.number().int(),
    instance: z.string(),
    snapshotId: z.string().nullable(),
    /** Snapshots this run's retention removed. */
    forgotten: z.array(z.string()),
    stats: runStatsSchema.nullable(),
    steps: z.partialRecord(stepNameSchema, stepResultSchema),
    /** The slice of packs the read-data check covered: part n of `of`. */
    readDataPart: z
      .object({ part: z.number().int().nonnegative(), of: z.number().int().positive() })
      .strict()
      .nullable(),
    attempts: z.number().int().nonnegative(),
    error: runErrorSchema.nullable(),
  })
  .strict();
export type JobRun = z.infer<typeof jobRunSchema>;

// ---- restore drills (what the history and the dashboard keep of them) ----

/** What a restore drill ended with; `failed` includes a drill that could not run at all (see `error`). */
export const drillStatusSchema = z.enum(['running', 'passed', 'failed', 'cancelled', 'interrupted']);
export type DrillStatus = z.infer<typeof drillStatusSchema>;
export const drillTriggerSchema = z.enum(['schedule', 'manual']);

/**
 * One restore drill of a job, as its history keeps it (drill history files hold one line per state
 * change, like runs; the last line of a run id wins). The full report is the HTML file at
 * `reportPath` and, with the backups, the `lifeboat-drill-report` snapshot `reportSnapshotId`.
 */
export const drillRecordSchema = z
  .object({
    runId: runIdSchema,
    jobId: jobIdSchema,
    trigger: drillTriggerSchema,
    status: drillStatusSchema,
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    hostname: z.string(),
    pid: z.number().int(),
    instance: z.string(),
    /** The backup snapshot that was restored and verified. */
    snapshotId: z.string().nullable(),
    reportPath: z.string().nullable(),
    reportSnapshotId: z.string().nullable(),
    problems: z.number().int().nonnegative(),
    filesVerified: z.number().int().nonnegative(),
    bytesVerified: z.number().nonnegative(),
    /** Files restored out of the snapshot's total when the drill took a sample. */
    sample: z.object({ files: z.number().int(), ofFiles: z.number().int() }).strict().nullable(),
    /** Why the drill could not run (no backup yet, repository unreachable) or was stopped. */
    error: runErrorSchema.nullable(),
  })
  .strict();
export type DrillRecord = z.infer<typeof drillRecordSchema>;

/** A drill in a job's history (history entries are a union: see historyEntrySchema). */
export const drillHistoryEntrySchema = z.object({ kind: z.literal('drill'), drill: drillRecordSchema }).strict();

/** A run, with what the repository (the source of truth) says about its snapshot. */
export const historyEntrySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('run'),
      run: jobRunSchema,
      /** present / forgotten (retention or by hand) / unknown (repository not reachable) / none (no snapshot). */
      snapshot: z.enum(['present', 'forgotten', 'unknown', 'none']),
    })
    .strict(),
  /** A snapshot of this job in the repository that no history entry knows ("found in repository"). */
  z
    .object({
      kind: z.literal('found'),
      snapshotId: z.string(),
      time: isoTime,
      hostname: z.string(),
      paths: z.array(z.string()),
    })
    .strict(),
  /** A restore drill of the job. */
  drillHistoryEntrySchema,
]);
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const jobHistorySchema = z
  .object({
    /** Newest first. */
    entries: z.array(historyEntrySchema),
    repository: z.object({ checked: z.boolean(), error: runErrorSchema.optional() }).strict(),
  })
  .strict();
export type JobHistory = z.infer<typeof jobHistorySchema>;

export const runLogLineSchema = z
  .object({ time: isoTime, level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() })
  .strict();
export type RunLogLine = z.infer<typeof runLogLineSchema>;

// ---- app-wide notification settings (no secrets: those are in the keychain) ----

/** Which outcomes a channel receives; absent fields follow the job's rules (or the defaults). */
export const notifyRulesSchema = z
  .object({
    onFailure: z.boolean().optional(),
    onWarning: z.boolean().optional(),
    onSuccess: z.boolean().optional(),
    onInterrupted: z.boolean().optional(),
  })
  .strict();

/** Ids of app-wide channels; `email:<jobId>` is reserved for a job's own recipients. */
export const notifyChannelIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a channel id (letters, digits, - and _)');

/** The mail server every e-mail goes through. Its password is in the keychain, never here. */
export const smtpServerSchema = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    /** tls: TLS from the first byte (465); starttls: required upgrade (587); none: opportunistic, local relays only. */
    security: z.enum(['tls', 'starttls', 'none']),
    /** Login name; absent for a relay without authentication. */
    user: z.string().trim().min(1).max(320).optional(),
    /** "Lifeboat <backup@example.com>" */
    from: z.string().trim().min(3).max(320),
    /** PEM of an office server's own certificate (or its CA). */
    caPem: z.string().max(100_000).optional(),
  })
  .strict();
export type SmtpServerSettings = z.infer<typeof smtpServerSchema>;

export const appNotifyChannelSchema = z.discriminatedUnion('kind', [
  /** Recipients of every job's notifications, through the SMTP server. */
  z
    .object({
      kind: z.literal('email'),
      id: notifyChannelIdSchema,
      to: z.array(z.email()).min(1).max(20),
      rules: notifyRulesSchema.optional(),
    })
    .strict(),
  /** A JSON POST (schema lifeboat.notification/1); the bearer/HMAC secret is in the keychain. */
  z
    .object({
      kind: z.literal('webhook'),
      id: notifyChannelIdSchema,
      url: z.url({ protocol: /^https?$/ }).max(2048),
      auth: z.enum(['none', 'bearer', 'hmac']).optional(),
      rules: notifyRulesSchema.optional(),
    })
    .strict(),
  /** A Telegram chat; the bot token is in the keychain. */
  z
    .object({
      kind: z.literal('telegram'),
      id: notifyChannelIdSchema,
      chatId: z.union([z.string().trim().min(1).max(100), z.number().int()]),
      rules: notifyRulesSchema.optional(),
    })
    .strict(),
]);
export type AppNotifyChannel = z.infer<typeof appNotifyChannelSchema>;

export const notificationSettingsSchema = z
  .object({
    smtp: smtpServerSchema.nullable(),
    channels: z
      .array(appNotifyChannelSchema)
      .max(20)
      .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'channel ids must be unique'),
  })
  .strict();
export type NotificationSettingsData = z.infer<typeof notificationSettingsSchema>;

/** Which secrets are stored (never the secrets themselves): what the settings screen shows as "saved". */
export const storedNotifySecretsSchema = z
  .object({
    smtpPassword: z.boolean(),
    /** Channel ids whose bot token / signing secret is stored. */
    telegramTokens: z.array(z.string()),
    webhookSecrets: z.array(z.string()),
  })
  .strict();

export const channelResultSchema = z
  .object({
    channel: z.string(),
    kind: z.enum(['email', 'webhook', 'telegram']),
    ok: z.boolean(),
    skipped: z.boolean(),
    attempts: z.number().int().nonnegative(),
    error: runErrorSchema.optional(),
  })
  .strict();
export type ChannelResultInfo = z.infer<typeof channelResultSchema>;
