/**
 * From what a user interface sends (a draft) to a complete job: defaults for everything left out,
 * what an existing job had for everything not changed, checks a schema cannot express, and the
 * repository passwords proved and filed in the keychain.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';
import { jobSchema, type Job, type JobDraft } from '../../shared/jobs.ts';
import { formatLocation, type RepositoryLocation } from '../../shared/locations.ts';
import { needsPassword, sourceKey } from '../../shared/sources.ts';
import { Repository } from '../repo/repository.ts';
import { connectedRepositoryId } from '../repositories/known-repositories.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import { openBackend as defaultOpenBackend } from '../storage/open-backend.ts';
import { validateJob } from './job-store.ts';
import type { RunnerDeps } from './run-context.ts';

/** What a new job gets unless the draft says otherwise: sensible for a small office's CRM. */
export const jobDefaults: Pick<
  Job,
  'retention' | 'pruneEvery' | 'checks' | 'notifications' | 'drill' | 'enabled'
> = {
  retention: { kind: 'preset', preset: 'standard' },
  pruneEvery: 'weekly',
  checks: { afterBackup: true, readData: { every: 'weekly', percent: 10 } },
  notifications: {
    desktop: true,
    email: [],
    onSuccess: false,
    onWarning: true,
    onFailure: true,
    noSuccessForHours: 48,
  },
  drill: { enabled: true, every: 'monthly', sampleFiles: 10_000 },
  enabled: true,
};

export const newJobId = (): string => randomBytes(6).toString('hex');

export const sameLocation = (a: RepositoryLocation, b: RepositoryLocation): boolean =>
  formatLocation(a) === formatLocation(b);

export interface ResolvedIds {
  /** The destination's repository id (read from the repository, or kept from the existing job). */
  repositoryId: string;
  copyToRepositoryId?: string;
}

/** The repository id a draft's destination keeps when no password was given to read it anew. */
export function knownRepositoryId(
  draft: { location: RepositoryLocation; repositoryId?: string | undefined },
  previous: { location: RepositoryLocation; repositoryId: string } | null | undefined,
): string | undefined {
  if (draft.repositoryId) return draft.repositoryId;
  return previous && sameLocation(previous.location, draft.location) ? previous.repositoryId : undefined;
}

export function buildJob(draft: JobDraft, existing: Job | undefined, ids: ResolvedIds, now: Date): Job {
  for (const source of draft.sources) {
    if ((source.kind === 'folder' || source.kind === 'sqlite') && !path.isAbsolute(source.path)) {
      throw new LifeboatError('INVALID_ARGUMENT', `The folder "${source.path}" must be a full path.`, {
        hint: 'Choose the folder again; scheduled backups run from no particular working folder.',
      });
    }
  }
  const base = existing ?? { ...jobDefaults, copyTo: null };
  const copyTo =
    draft.copyTo === undefined
      ? base.copyTo
      : draft.copyTo === null
        ? null
        : {
            location: draft.copyTo.location,
            repositoryId: requireId(ids.copyToRepositoryId, 'second destination'),
          };
  const job = jobSchema.parse({
    id: existing?.id ?? newJobId(),
    name: draft.name,
    sources: draft.sources.map((s) =>
      s.kind === 'folder' || s.kind === 'sqlite' ? { ...s, path: path.normalize(s.path) } : s,
    ),
    destination: {
      location: draft.destination.location,
      repositoryId: requireId(ids.repositoryId, 'destination'),
    },
    copyTo,
    schedule: draft.schedule,
    retention: draft.retention ?? base.retention,
    pruneEvery: draft.pruneEvery ?? base.pruneEvery,
    checks: draft.checks ?? base.checks,
    notifications: draft.notifications ?? base.notifications,
    drill: draft.drill ?? base.drill,
    enabled: draft.enabled ?? base.enabled,
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  });
  validateJob(job);
  return job;
}

function requireId(id: string | undefined, what: string): string {
  if (!id) {
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      `The password of the ${what} repository is needed to set up this job.`,
      {
        hint: 'Enter the repository password: Lifeboat checks it and keeps it in the system keychain.',
      },
    );
  }
  return id;
}

export interface JobPasswords {
  password?: string;
  copyToPassword?: string;
  /** Database passwords by index in the draft's sources: a string stores it, null deletes it. */
  sourcePasswords?: Record<string, string | null>;
}

/** Opens the repository with the password (proving it) and returns its id. */
async function readRepositoryId(
  deps: RunnerDeps,
  location: RepositoryLocation,
  password: string,
): Promise<string> {
  const open = deps.openBackend ?? defaultOpenBackend;
  const backend = await open(formatLocation(location), {
    dataDir: deps.dataDir,
    secrets: deps.secrets,
    ...('account' in location && location.account ? { account: location.account } : {}),
  });
  return (await Repository.open(backend, password)).config.id;
}

/**
 * The job to store for a draft. Given passwords are proved against their repositories, which also
 * tells their ids, and filed in the keychain under those ids, never in the jobs file.
 */
export async function prepareJob(
  deps: RunnerDeps,
  draft: JobDraft,
  existing: Job | undefined,
  passwords: JobPasswords,
): Promise<Job> {
  // A repository connected on this computer (the wizard creates it before the job) needs no password again.
  const connected = (location: RepositoryLocation): Promise<string | undefined> =>
    connectedRepositoryId(deps.dataDir, deps.secrets, location);
  const repositoryId = passwords.password
    ? await readRepositoryId(deps, draft.destination.location, passwords.password)
    : (knownRepositoryId(draft.destination, existing?.destination) ??
      (await connected(draft.destination.location)));
  const copyToRepositoryId = !draft.copyTo
    ? undefined
    : passwords.copyToPassword
      ? await readRepositoryId(deps, draft.copyTo.location, passwords.copyToPassword)
      : (knownRepositoryId(draft.copyTo, existing?.copyTo) ?? (await connected(draft.copyTo.location)));
  const ids = { repositoryId: repositoryId ?? '', ...(copyToRepositoryId ? { copyToRepositoryId } : {}) };
  const job = buildJob(draft, existing, ids, deps.now());
  await fileSourcePasswords(deps, job, passwords.sourcePasswords);
  if (passwords.password || (passwords.copyToPassword && job.copyTo)) {
    const secrets = await deps.secrets();
    if (passwords.password) {
      await secrets.set(secretAccounts.repositoryPassword(job.destination.repositoryId), passwords.password);
    }
    if (passwords.copyToPassword && job.copyTo) {
      await secrets.set(secretAccounts.repositoryPassword(job.copyTo.repositoryId), passwords.copyToPassword);
    }
  }
  return job;
}

/**
 * Database passwords go to the keychain under the source's stable key (sourceKey), never into the
 * jobs file. Indexes refer to the saved job's sources; a password for a source without a login (a
 * folder, SQLite) is refused rather than silently dropped.
 */
async function fileSourcePasswords(
  deps: RunnerDeps,
  job: Job,
  sourcePasswords: Record<string, string | null> | undefined,
): Promise<void> {
  const entries = Object.entries(sourcePasswords ?? {});
  if (entries.length === 0) return;
  const accounts = entries.map(([index, password]) => {
    const source = job.sources[Number(index)];
    if (!source || !needsPassword(source)) {
      throw new LifeboatError('INVALID_ARGUMENT', `Source ${index} of the job takes no password.`);
    }
    return { account: secretAccounts.sourcePassword(sourceKey(source)), password };
  });
  const secrets = await deps.secrets();
  for (const { account, password } of accounts) {
    if (password === null) await secrets.delete(account);
    else await secrets.set(account, password);
  }
}
