/**
 * The API contract between the engine's Service and every user interface (Electron window, browser UI
 * over the headless host, tests). Each operation has a zod schema for its input and output; hosts parse
 * every input before the Service sees it. Types only + schemas: no I/O here.
 */
import { z } from 'zod';
import { errorCodes } from './errors.ts';
import {
  channelResultSchema,
  jobDraftSchema,
  jobHistorySchema,
  jobIdSchema,
  jobSchema,
  notificationSettingsSchema,
  notifyChannelIdSchema,
  runIdSchema,
  runLogLineSchema,
  runStatusSchema,
  storedNotifySecretsSchema,
} from './jobs.ts';
import { cloudProviderSchema } from './locations.ts';
import { repositoryOperations } from './repositories.ts';
import { sourceOperations } from './sources.ts';

export const languageSchema = z.enum(['en', 'ru']);
export const themeSchema = z.enum(['light', 'dark', 'auto']);

export const settingsSchema = z.object({
  language: languageSchema,
  theme: themeSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * The largest request a host accepts (an HTTP body or a WebSocket message of the headless host): big
 * enough for a restore of thousands of chosen files; larger ones get REQUEST_TOO_LARGE.
 */
export const maxRequestBytes = 16 * 1024 * 1024;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['desktop', 'headless', 'cli']),
  platform: z.string(),
  dataDir: z.string(),
  /** The user's home folder (where restores are suggested to go). */
  homeDir: z.string(),
  /** The host has native pickers (the desktop app): chooseFolder / chooseFile work, "Browse…" shows. */
  canChooseFolder: z.boolean(),
  canChooseFile: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const errorInfoSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  hint: z.string().optional(),
  details: z.string().optional(),
});

export const jobStatusSchema = z.enum(['idle', 'running', 'ok', 'warning', 'failed', 'paused']);
export const jobSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: jobStatusSchema,
  lastSuccessAt: z.string().datetime().nullable(),
  nextRunAt: z.string().datetime().nullable(),
  /** When the last run started, and how it ended (absent until the job has run once). */
  lastRunAt: z.string().datetime().nullable().optional(),
  lastRunStatus: runStatusSchema.nullable().optional(),
  lastError: errorInfoSchema.nullable().optional(),
  /** The run in progress (or waiting for its repository). */
  runId: z.string().nullable().optional(),
  /** true while the run waits for another job to finish with the same repository. */
  queued: z.boolean().optional(),
  /** The last restore drill that ended (for "last restore test N days ago"); null: never tested. */
  lastDrill: z
    .object({ runId: z.string(), at: z.string().datetime(), passed: z.boolean() })
    .nullable()
    .optional(),
  /** When the next scheduled restore drill is due (null: drills are off or the job has no backup yet). */
  nextDrillAt: z.string().datetime().nullable().optional(),
  /** The restore drill in progress (or waiting for its repository). */
  drillRunId: z.string().nullable().optional(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const jobDetailsSchema = z.object({ job: jobSchema, summary: jobSummarySchema });
export type JobDetails = z.infer<typeof jobDetailsSchema>;
const jobRef = z.object({ id: jobIdSchema }).strict();

export const cloudAccountSchema = z.object({
  provider: cloudProviderSchema,
  accountId: z.string(),
  email: z.string().optional(),
  displayName: z.string().optional(),
  connectedAt: z.string(),
});
export type CloudAccountInfo = z.infer<typeof cloudAccountSchema>;

const none = z.undefined();

const pickerInput = z
  .object({
    /** The dialog's title ("Choose the folder to back up"). */
    title: z.string().max(200).optional(),
    /** Where the dialog opens (a folder, or a file to preselect). */
    defaultPath: z.string().max(4096).optional(),
  })
  .strict();
export const fileFilterSchema = z
  .object({
    name: z.string().min(1).max(100),
    extensions: z
      .array(z.string().regex(/^(\*|[A-Za-z0-9]{1,10})$/))
      .min(1)
      .max(20),
  })
  .strict();
/** The path the user chose; null when they cancelled. */
const pickedPath = z.object({ path: z.string().nullable() });
export type PickerInput = z.infer<typeof pickerInput>;
export type FilePickerInput = PickerInput & { filters?: z.infer<typeof fileFilterSchema>[] };

/** What the notification settings screen shows: the settings, and which secrets are saved. */
export const notificationSettingsViewSchema = z.object({
  settings: notificationSettingsSchema,
  secrets: storedNotifySecretsSchema,
});
export type NotificationSettingsView = z.infer<typeof notificationSettingsViewSchema>;
const secretInput = z.string().min(1).max(4096);

/** Every request/response operation. The key is also the method name in `window.lifeboat`. */
export const operations = {
  getAppInfo: { input: none, output: appInfoSchema },
  /** The native folder picker (desktop only: see AppInfo.canChooseFolder; elsewhere UNSUPPORTED). */
  chooseFolder: { input: pickerInput.optional(), output: pickedPath },
  /** The native file picker (desktop only: see AppInfo.canChooseFile; elsewhere UNSUPPORTED). */
  chooseFile: {
    input: pickerInput
      .extend({ filters: z.array(fileFilterSchema).max(10).optional() })
      .strict()
      .optional(),
    output: pickedPath,
  },
  getSettings: { input: none, output: settingsSchema },
  updateSettings: { input: settingsPatchSchema, output: settingsSchema },
  listJobs: { input: none, output: z.array(jobSummarySchema) },
  listAccounts: { input: none, output: z.array(cloudAccountSchema) },
  /** Opens the provider's sign-in page in the browser (the `signInUrl` event carries the link too). */
  signIn: { input: z.object({ provider: cloudProviderSchema }).strict(), output: cloudAccountSchema },
  signOut: {
    input: z.object({ provider: cloudProviderSchema, accountId: z.string() }).strict(),
    output: z.boolean(),
  },
  /**
   * Dropbox sign-in without a redirect (the browser is elsewhere, or the loopback ports are taken):
   * the page at `url` shows a code, which completeDropboxCodeSignIn takes. One at a time, 15 minutes.
   */
  beginDropboxCodeSignIn: { input: none, output: z.object({ url: z.string().url() }) },
  completeDropboxCodeSignIn: {
    input: z.object({ code: z.string().trim().min(1).max(1024) }).strict(),
    output: cloudAccountSchema,
  },
  getJob: { input: jobRef, output: jobDetailsSchema },
  /**
   * Creates (no id) or changes a job. With a password the repository is opened (proving the password),
   * its id recorded and the password stored in the keychain, never in the jobs file.
   */
  saveJob: {
    input: z
      .object({
        job: jobDraftSchema,
        password: z.string().min(1).max(1024).optional(),
        /** The password of the second destination (copyTo), when it is set or changed. */
        copyToPassword: z.string().min(1).max(1024).optional(),
        /**
         * Database passwords, keyed by the source's index in `job.sources` ("0", "1", …): a string
         * stores it in the keychain (under sourceKey, see sources.ts), null deletes it, absent keeps it.
         */
        sourcePasswords: z
          .record(z.string().regex(/^\d{1,3}$/), z.string().min(1).max(1024).nullable())
          .optional(),
      })
      .strict(),
    output: jobSchema,
  },
  /** Removes the job (not its snapshots, not the repository password). Refused while it runs. */
  deleteJob: {
    input: z.object({ id: jobIdSchema, keepHistory: z.boolean().optional() }).strict(),
    output: z.boolean(),
  },
  /** Starts a run now (or returns the one already running); progress arrives as events. */
  runJobNow: { input: jobRef, output: z.object({ runId: runIdSchema, alreadyRunning: z.boolean() }) },
  /** Stops the running (or waiting) run of a job; false when nothing was running. */
  cancelJob: { input: jobRef, output: z.boolean() },
  pauseJob: { input: jobRef, output: jobSummarySchema },
  resumeJob: { input: jobRef, output: jobSummarySchema },
  /** Runs newest first, reconciled with the snapshots in the repository unless `reconcile` is false. */
  jobHistory: {
    input: z
      .object({
        id: jobIdSchema,
        limit: z.number().int().min(1).max(10_000).optional(),
        reconcile: z.boolean().optional(),
      })
      .strict(),
    output: jobHistorySchema,
  },
  /** The log of one run (the last lines when it is long). */
  runLog: {
    input: z.object({ jobId: jobIdSchema, runId: runIdSchema }).strict(),
    output: z.object({ lines: z.array(runLogLineSchema), truncated: z.boolean() }),
  },
  /** App-wide notification settings (mail server, webhooks, Telegram); secrets are only said to be saved. */
  getNotificationSettings: { input: none, output: notificationSettingsViewSchema },
  /**
   * Replaces the notification settings. Secrets go to the keychain, never to the settings file:
   * a string stores it, null deletes it, absent keeps what is saved. `telegramToken` is the bot
   * token of the Telegram channels; `webhookSecrets` are keyed by channel id.
   */
  saveNotificationSettings: {
    input: z
      .object({
        settings: notificationSettingsSchema,
        smtpPassword: secretInput.nullable().optional(),
        telegramToken: secretInput.nullable().optional(),
        webhookSecrets: z.record(notifyChannelIdSchema, secretInput.nullable()).optional(),
      })
      .strict(),
    output: notificationSettingsViewSchema,
  },
  /**
   * Sends a test message through one channel (an app-wide channel id, or `email:<jobId>` for a job's
   * recipients), or through every app-wide channel when no id is given. One result per channel.
   */
  testNotification: {
    input: z
      .object({ channelId: z.string().min(1).max(100).optional() })
      .strict()
      .optional(),
    output: z.array(channelResultSchema),
  },
  /** Starts a restore drill of the job now (or returns the one in progress); it ends in the history. */
  runDrillNow: { input: jobRef, output: z.object({ runId: runIdSchema, alreadyRunning: z.boolean() }) },
  /** The HTML report of one drill (to show or print), and where it is kept on this computer. */
  drillReport: {
    input: z.object({ jobId: jobIdSchema, runId: runIdSchema }).strict(),
    output: z.object({ html: z.string(), path: z.string(), passed: z.boolean() }),
  },
  /** Repositories, snapshots, browsing, restore, launch at login, the setup draft (repositories.ts). */
  ...repositoryOperations,
  /** Testing database sources and recognizing CRM installs (sources.ts). */
  ...sourceOperations,
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<N extends OperationName> = z.infer<Operations[N]['input']>;
export type OperationOutput<N extends OperationName> = z.infer<Operations[N]['output']>;

export const progressEventSchema = z.object({
  jobId: z.string().nullable(),
  operation: z.string(),
  phase: z.string(),
  filesDone: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative().nullable(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  currentItem: z.string().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Average speed so far (bytes read per second). */
  bytesPerSecond: z.number().nonnegative().nullable().optional(),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;

export const logEventSchema = z.object({
  time: z.string().datetime(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  jobId: z.string().nullable(),
});
export type LogEvent = z.infer<typeof logEventSchema>;

/** Events the Service pushes to every connected user interface. */
export const signInUrlEventSchema = z.object({ provider: cloudProviderSchema, url: z.string().url() });

export const events = {
  progress: progressEventSchema,
  signInUrl: signInUrlEventSchema,
  jobState: jobSummarySchema,
  log: logEventSchema,
  settingsChanged: settingsSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

/** What crosses a process boundary for every call: errors keep their code instead of becoming strings. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof errorInfoSchema> };

/** The Service as every host sees it. */
export type ServiceApi = { [N in OperationName]: (input: OperationInput<N>) => Promise<OperationOutput<N>> };

/** What the preload exposes as `window.lifeboat` and the browser transport mirrors. */
export type LifeboatBridge = {
  [N in OperationName]: (input: OperationInput<N>) => Promise<Result<OperationOutput<N>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
