/**
 * The job edit form as plain values (what the inputs hold) and the conversions to and from the job
 * the Service keeps. Pure, so the round trip is tested on Node.
 */
import type { FolderSource, Job, JobDraft, JobSource, Retention, Schedule } from '../../shared/jobs.ts';

export type ScheduleKind = Schedule['kind'];
export type RetentionKind = Retention['kind'];
export type RetentionPreset = Extract<Retention, { kind: 'preset' }>['preset'];
export const customKeepFields = [
  'keepLast',
  'keepHourly',
  'keepDaily',
  'keepWeekly',
  'keepMonthly',
  'keepYearly',
] as const;
export type CustomKeepField = (typeof customKeepFields)[number];

export interface JobFormValues {
  name: string;
  /** One row per folder; excludes are one pattern per line. */
  sources: { path: string; excludes: string }[];
  /** Database sources: kept as they are (the wizard sets them up). */
  otherSources: JobSource[];
  scheduleKind: ScheduleKind;
  at: string;
  every: number;
  days: number[];
  expression: string;
  timezone: string | undefined;
  retentionKind: RetentionKind;
  preset: RetentionPreset;
  keep: Record<CustomKeepField, number | ''>;
  keepWithin: string;
  pruneEvery: Job['pruneEvery'];
  checkAfterBackup: boolean;
  readDataEvery: Job['checks']['readData']['every'];
  readDataPercent: number;
  notifyDesktop: boolean;
  notifyEmails: string;
  onSuccess: boolean;
  onWarning: boolean;
  onFailure: boolean;
  /** '' means off. */
  noSuccessForHours: number | '';
  /** Restore test: restore a few files now and then and compare them with the backup. */
  drillEnabled: boolean;
  drillEvery: Job['drill']['every'];
  drillSampleFiles: number;
  enabled: boolean;
}

/** The restore test restores at most this many files (the job model's limit). */
export const drillSampleLimits = { min: 1, max: 10_000 } as const;

const lines = (text: string, separators = /\n/) =>
  text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);

export function formFromJob(job: Job): JobFormValues {
  const s = job.schedule;
  const r = job.retention;
  const keep = Object.fromEntries(
    customKeepFields.map((f) => [f, r.kind === 'custom' && r[f] !== undefined ? r[f] : '']),
  ) as Record<CustomKeepField, number | ''>;
  return {
    name: job.name,
    sources: job.sources
      .filter((src): src is FolderSource => src.kind === 'folder')
      .map((src) => ({ path: src.path, excludes: src.excludes.join('\n') })),
    otherSources: job.sources.filter((src) => src.kind !== 'folder'),
    scheduleKind: s.kind,
    at: s.kind === 'daily' || s.kind === 'weekly' ? s.at : '19:00',
    every: s.kind === 'hourly' ? s.every : 4,
    days: s.kind === 'weekly' ? s.days : [1, 2, 3, 4, 5],
    expression: s.kind === 'cron' ? s.expression : '0 19 * * 1-5',
    timezone: s.kind === 'manual' ? undefined : s.timezone,
    retentionKind: r.kind,
    preset: r.kind === 'preset' ? r.preset : 'standard',
    keep,
    keepWithin: r.kind === 'custom' ? (r.keepWithin ?? '') : '',
    pruneEvery: job.pruneEvery,
    checkAfterBackup: job.checks.afterBackup,
    readDataEvery: job.checks.readData.every,
    readDataPercent: job.checks.readData.percent,
    notifyDesktop: job.notifications.desktop,
    notifyEmails: job.notifications.email.join('\n'),
    onSuccess: job.notifications.onSuccess,
    onWarning: job.notifications.onWarning,
    onFailure: job.notifications.onFailure,
    noSuccessForHours: job.notifications.noSuccessForHours ?? '',
    drillEnabled: job.drill.enabled,
    drillEvery: job.drill.every,
    drillSampleFiles: job.drill.sampleFiles,
    enabled: job.enabled,
  };
}

export function scheduleFromForm(v: JobFormValues): Schedule {
  const tz = v.timezone ? { timezone: v.timezone } : {};
  switch (v.scheduleKind) {
    case 'manual':
      return { kind: 'manual' };
    case 'daily':
      return { kind: 'daily', at: v.at, ...tz };
    case 'hourly':
      return { kind: 'hourly', every: v.every, ...tz };
    case 'weekly':
      return { kind: 'weekly', days: [...v.days].sort((a, b) => a - b), at: v.at, ...tz };
    case 'cron':
      return { kind: 'cron', expression: v.expression.trim(), ...tz };
  }
}

function retentionFromForm(v: JobFormValues): Retention {
  if (v.retentionKind === 'preset') return { kind: 'preset', preset: v.preset };
  if (v.retentionKind === 'keep-all') return { kind: 'keep-all' };
  const counts = Object.fromEntries(
    customKeepFields.filter((f) => v.keep[f] !== '').map((f) => [f, v.keep[f]]),
  );
  return { kind: 'custom', ...counts, ...(v.keepWithin.trim() ? { keepWithin: v.keepWithin.trim() } : {}) };
}

/**
 * The draft to save: the form's fields over the stored job (destination and copy are kept).
 * `enabled` is sent only when the user switched it here: a pause made elsewhere while the form was
 * open (tray, another window, `lifeboat job pause`) must survive, and the engine keeps the stored
 * value when a draft leaves it out. `opened` is the form as it was opened: `job` itself may have been
 * refreshed since (with that pause in it).
 */
export function draftFromForm(
  job: Job,
  v: JobFormValues,
  opened: JobFormValues = formFromJob(job),
): JobDraft {
  return {
    id: job.id,
    name: v.name.trim(),
    sources: [
      ...v.sources
        .filter((src) => src.path.trim())
        .map((src): FolderSource => ({
          kind: 'folder',
          path: src.path.trim(),
          excludes: lines(src.excludes),
        })),
      ...v.otherSources,
    ],
    destination: job.destination,
    copyTo: job.copyTo,
    schedule: scheduleFromForm(v),
    retention: retentionFromForm(v),
    pruneEvery: v.pruneEvery,
    checks: {
      afterBackup: v.checkAfterBackup,
      readData: { every: v.readDataEvery, percent: v.readDataPercent },
    },
    notifications: {
      desktop: v.notifyDesktop,
      email: lines(v.notifyEmails, /[\n,;]/),
      onSuccess: v.onSuccess,
      onWarning: v.onWarning,
      onFailure: v.onFailure,
      noSuccessForHours: v.noSuccessForHours === '' ? null : v.noSuccessForHours,
    },
    drill: {
      enabled: v.drillEnabled,
      every: v.drillEvery,
      sampleFiles: Math.min(
        drillSampleLimits.max,
        Math.max(drillSampleLimits.min, Math.round(v.drillSampleFiles)),
      ),
    },
    ...(v.enabled === opened.enabled ? {} : { enabled: v.enabled }),
  };
}

export type JobFormErrors = Partial<
  Record<'name' | 'sources' | 'at' | 'days' | 'expression' | 'emails' | 'keep', string>
>;

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Error keys (under `settings.jobs.errors`) for the fields a person can get wrong. */
export function validateJobForm(v: JobFormValues): JobFormErrors {
  const errors: JobFormErrors = {};
  if (!v.name.trim()) errors.name = 'name';
  if (!v.sources.some((src) => src.path.trim()) && v.otherSources.length === 0) errors.sources = 'sources';
  const needsTime = v.scheduleKind === 'daily' || v.scheduleKind === 'weekly';
  if (needsTime && !/^([01]\d|2[0-3]):[0-5]\d$/.test(v.at)) errors.at = 'at';
  if (v.scheduleKind === 'weekly' && v.days.length === 0) errors.days = 'days';
  if (v.scheduleKind === 'cron' && v.expression.trim().split(/\s+/).length < 5)
    errors.expression = 'expression';
  if (lines(v.notifyEmails, /[\n,;]/).some((e) => !emailPattern.test(e))) errors.emails = 'emails';
  if (v.retentionKind === 'custom' && customKeepFields.every((f) => v.keep[f] === '') && !v.keepWithin.trim())
    errors.keep = 'keep';
  return errors;
}
