/**
 * What the setup wizard collects, how it is kept as a draft by the Service (so setup resumes after
 * the app closes) and when each step is complete. Pure. Passwords never enter the draft: the
 * repository's is filed in the keychain by createRepository, the mail server's by the notification
 * settings; `toDraft` strips anything named like a password on top of that.
 */
import { z } from 'zod';
import {
  jobSourceSchema,
  retentionSchema,
  scheduleSchema,
  type JobDraft,
  type JobSource,
  type Retention,
  type Schedule,
} from '../../shared/jobs.ts';
import { formatLocation, type RepositoryLocation } from '../../shared/locations.ts';
import type { SetupDraft } from '../../shared/repositories.ts';

/** Why a step cannot go on yet; each has a text under wizard.problems. */
export type Problem =
  | 'noSources'
  | 'emptyPath'
  | 'relativePath'
  | 'duplicatePath'
  | 'noHost'
  | 'badPort'
  | 'noUser'
  | 'noDatabase'
  | 'noDestinationPath'
  | 'notSignedIn'
  | 'noCloudFolder';

export const stepIds = [
  'welcome',
  'sources',
  'destination',
  'protect',
  'schedule',
  'notify',
  'review',
] as const;
export type StepId = (typeof stepIds)[number];

export const destinationKinds = ['local', 'gdrive', 'dropbox'] as const;
export type DestinationKind = (typeof destinationKinds)[number];

const destinationChoiceSchema = z.object({
  kind: z.enum(destinationKinds),
  /** The folder, NAS share or USB disk path (kind local). */
  path: z.string(),
  /** The folder in the cloud (kind gdrive/dropbox). */
  folder: z.string(),
  /** The signed-in account to use (cloud); empty until the user signed in. */
  account: z.string(),
});
export type DestinationChoice = z.infer<typeof destinationChoiceSchema>;

const sourceKinds = jobSourceSchema.options.map((o) => o.shape.kind.value);
/** Lenient: a half-typed source (an empty path) is still worth resuming; the step validates it. */
const draftSourceSchema = z.custom<JobSource>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    (sourceKinds as string[]).includes(String((v as { kind?: unknown }).kind)),
);

const wizardDataSchema = z.object({
  name: z.string(),
  sources: z.array(draftSourceSchema),
  destination: destinationChoiceSchema,
  /** create: a new repository; existing: one found at the destination, connected with its password. */
  repositoryMode: z.enum(['create', 'existing']),
  /** Set once the repository was created or connected, for the location it was made at. */
  repository: z.object({ repositoryId: z.string(), location: z.string() }).nullable(),
  schedule: scheduleSchema,
  retention: retentionSchema,
  notify: z.object({
    email: z.string(),
    webhook: z.string(),
    onSuccess: z.boolean(),
    /** The mail server for e-mail (its password is filed in the keychain, never here). */
    smtp: z.object({
      host: z.string(),
      port: z.number().int(),
      security: z.enum(['tls', 'starttls', 'none']),
      user: z.string(),
      from: z.string(),
    }),
  }),
  /** Set once the job was saved, so "Start first backup" never makes a second job. */
  jobId: z.string().nullable(),
});
export type WizardData = z.infer<typeof wizardDataSchema>;

export function defaultWizardData(): WizardData {
  return {
    name: '',
    sources: [],
    destination: { kind: 'local', path: '', folder: 'Lifeboat', account: '' },
    repositoryMode: 'create',
    repository: null,
    schedule: { kind: 'daily', at: '19:00' } satisfies Schedule,
    retention: { kind: 'preset', preset: 'standard' } satisfies Retention,
    notify: {
      email: '',
      webhook: '',
      onSuccess: false,
      smtp: { host: '', port: 587, security: 'starttls', user: '', from: '' },
    },
    jobId: null,
  };
}

/** Removes every key that looks like a secret, however deep (defence in depth for the draft). */
export function stripSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => stripSecrets(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (/password|secret|token|passphrase/i.test(key)) continue;
      out[key] = stripSecrets(v);
    }
    return out as T;
  }
  return value;
}

export function toDraft(step: number, data: WizardData): SetupDraft {
  return { step, data: stripSecrets(data) as unknown as SetupDraft['data'] };
}

/**
 * The saved draft back as wizard data. Fields that no longer fit (an older version's draft, a source
 * kind this version lacks) fall back to their defaults rather than losing the whole draft.
 */
export function fromDraft(draft: SetupDraft | null): { step: number; data: WizardData } {
  const defaults = defaultWizardData();
  if (!draft) return { step: 0, data: defaults };
  const saved = draft.data as Record<string, unknown>;
  const shape = wizardDataSchema.shape;
  const data = { ...defaults } as Record<string, unknown>;
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const parsed = shape[key].safeParse(saved[key]);
    if (parsed.success) data[key] = parsed.data;
  }
  const step = Math.min(Math.max(0, draft.step), stepIds.length - 1);
  return { step, data: data as WizardData };
}

/** A full path on Windows (C:\…, \\server\share) or Unix (/…): scheduled runs have no working folder. */
export function isAbsolutePath(text: string): boolean {
  return /^\//.test(text) || /^[A-Za-z]:[\\/]/.test(text) || /^\\\\[^\\]+\\[^\\]+/.test(text);
}

export function locationOf(choice: DestinationChoice): RepositoryLocation {
  const account = choice.account ? { account: choice.account } : {};
  const folder = choice.folder.trim().replace(/^\/+|\/+$/g, '');
  switch (choice.kind) {
    case 'local':
      return { kind: 'local', path: choice.path.trim() };
    case 'gdrive':
      return { kind: 'gdrive', folder, ...account };
    case 'dropbox':
      return { kind: 'dropbox', path: `/${folder}`, ...account };
  }
}

/** The key a created repository is remembered under: changing the destination forgets it. */
export function locationKey(choice: DestinationChoice): string {
  return `${formatLocation(locationOf(choice))}#${choice.account}`;
}

/** The repository id when it was made for the destination as it is now. */
export function currentRepositoryId(data: WizardData): string | null {
  return data.repository && data.repository.location === locationKey(data.destination)
    ? data.repository.repositoryId
    : null;
}

/** The text that names a source: its path, or `user@host/database` for a database server. */
export function sourceLabel(source: JobSource): string {
  return source.kind === 'folder' || source.kind === 'sqlite'
    ? source.path
    : `${source.database} (${source.host}:${source.port})`;
}

/** What is wrong with one source (an i18n key under wizard.problems), or null. */
export function sourceProblem(source: JobSource, index: number, all: JobSource[]): Problem | null {
  if (source.kind === 'folder' || source.kind === 'sqlite') {
    const path = source.path.trim();
    if (path === '') return 'emptyPath';
    if (!isAbsolutePath(path)) return 'relativePath';
    const same = all.findIndex((s) => s.kind === source.kind && 'path' in s && s.path.trim() === path);
    return same !== index ? 'duplicatePath' : null;
  }
  if (!source.host.trim()) return 'noHost';
  if (!Number.isInteger(source.port) || source.port < 1 || source.port > 65535) return 'badPort';
  if (!source.user.trim()) return 'noUser';
  if (!source.database.trim()) return 'noDatabase';
  return null;
}

/** What is missing on the sources step: i18n keys under wizard.problems (empty = complete). */
export function sourceProblems(sources: JobSource[]): Problem[] {
  if (sources.length === 0) return ['noSources'];
  return [
    ...new Set(sources.map((s, i) => sourceProblem(s, i, sources)).filter((p): p is Problem => p !== null)),
  ];
}

/** Trims what the user typed, so the engine gets clean paths and names. */
export function cleanSource(source: JobSource): JobSource {
  if (source.kind === 'folder' || source.kind === 'sqlite') return { ...source, path: source.path.trim() };
  return { ...source, host: source.host.trim(), user: source.user.trim(), database: source.database.trim() };
}

export function destinationProblems(choice: DestinationChoice): Problem[] {
  if (choice.kind === 'local') {
    if (!choice.path.trim()) return ['noDestinationPath'];
    return isAbsolutePath(choice.path.trim()) ? [] : ['relativePath'];
  }
  const problems: Problem[] = [];
  if (!choice.account) problems.push('notSignedIn');
  if (!choice.folder.trim().replace(/\//g, '')) problems.push('noCloudFolder');
  return problems;
}

/** The job the wizard saves: the repository is known by id, so no password travels with it. */
export function jobDraftOf(data: WizardData, repositoryId: string): JobDraft {
  return {
    name: data.name.trim() || defaultJobName(data),
    sources: data.sources.map(cleanSource),
    destination: { location: locationOf(data.destination), repositoryId },
    schedule: data.schedule,
    retention: data.retention,
    notifications: {
      desktop: true,
      // The address is an app-wide channel (notify step), which follows these rules.
      email: [],
      onSuccess: data.notify.onSuccess,
      onWarning: true,
      onFailure: true,
      noSuccessForHours: 48,
    },
  };
}

/** "crm" for /srv/crm (the last folder name of the first source), or the CRM's database name. */
export function defaultJobName(data: WizardData): string {
  const first = data.sources[0];
  if (!first) return 'Lifeboat';
  if (first.kind === 'postgres' || first.kind === 'mysql') return first.database || 'Lifeboat';
  const name = first.path
    .trim()
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop();
  return name || 'Lifeboat';
}
