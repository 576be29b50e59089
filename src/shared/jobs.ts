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
/** Database and CRM sources join this union (src/engine/sources). */
export const jobSourceSchema = z.discriminatedUnion('kind', [folderSourceSchema]);
export type JobSource = z.infer<typeof jobSourceSchema>;

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
