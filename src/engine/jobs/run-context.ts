/**
 * What a run needs from outside (the runner's dependencies) and the helpers every step shares:
 * opening a job's repository with the password from the SecretStore, progress events, error text.
 */
import { LifeboatError, type ErrorInfo } from '../../shared/errors.ts';
import type { ProgressEvent } from '../../shared/contract.ts';
import type { Job, JobDestination, JobRun } from '../../shared/jobs.ts';
import { formatLocation } from '../../shared/locations.ts';
import type { LockOptions } from '../repo/lock.ts';
import { Repository } from '../repo/repository.ts';
import { secretAccounts, type SecretStore } from '../secrets/secret-store.ts';
import type { Backend } from '../storage/backend.ts';
import { openBackend as defaultOpenBackend, type OpenBackendOptions } from '../storage/open-backend.ts';
import type { RunLog } from './run-log.ts';
import type { RunRetryPolicy } from './transient.ts';

export interface RunnerDeps {
  dataDir: string;
  secrets: () => Promise<SecretStore>;
  emitProgress: (event: ProgressEvent) => void;
  retry: RunRetryPolicy;
  now: () => Date;
  openBackend?: (location: string, options: OpenBackendOptions) => Promise<Backend>;
  /** Lock tuning for forget/prune (tests shorten the settle pause). */
  lock?: Pick<LockOptions, 'settleMs' | 'refreshMs'>;
  /** File reader threads for the backup (default: all cores). */
  workers?: number;
}

export interface RunContext {
  job: Job;
  /** The record being filled in (status 'running' on entry). */
  run: JobRun;
  /** Earlier runs of the job, to know when prune and the data check last succeeded. */
  previousRuns: readonly JobRun[];
  log: RunLog;
  signal: AbortSignal;
}

/** The tag that marks a job's snapshots: retention and the history only ever look at these. */
export const jobTag = (jobId: string): string => `job:${jobId}`;

async function repositoryPassword(deps: RunnerDeps, destination: JobDestination): Promise<string> {
  const password = await (
    await deps.secrets()
  ).get(secretAccounts.repositoryPassword(destination.repositoryId));
  if (!password) {
    throw new LifeboatError('WRONG_PASSWORD', 'No password is stored for the repository of this job.', {
      hint: 'Open the job and enter the repository password again.',
    });
  }
  return password;
}

/** Opens the destination and makes sure it is the repository the job was set up with. */
export async function openDestination(deps: RunnerDeps, destination: JobDestination): Promise<Repository> {
  const password = await repositoryPassword(deps, destination);
  const open = deps.openBackend ?? defaultOpenBackend;
  const location = destination.location;
  const backend = await open(formatLocation(location), {
    dataDir: deps.dataDir,
    secrets: deps.secrets,
    ...('account' in location && location.account ? { account: location.account } : {}),
  });
  const repo = await Repository.open(backend, password);
  if (repo.config.id !== destination.repositoryId) {
    throw new LifeboatError(
      'REPO_NOT_FOUND',
      `The storage at ${formatLocation(location)} holds a different repository than this job's.`,
      {
        hint: "Show Lifeboat where the job's repository is now, or set the job up again for this one.",
        details: `expected ${destination.repositoryId.slice(0, 10)}, found ${repo.config.id.slice(0, 10)}`,
      },
    );
  }
  return repo;
}

export function describeError(e: ErrorInfo): string {
  return `${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}${e.details ? ` [${e.details}]` : ''}`;
}

export function stepProgress(deps: RunnerDeps, jobId: string, operation: string) {
  return (p: { phase: string; done: number; total: number }) =>
    deps.emitProgress({
      jobId,
      operation,
      phase: p.phase,
      filesDone: p.done,
      filesTotal: p.total,
      bytesDone: 0,
      bytesTotal: null,
      currentItem: null,
      etaSeconds: null,
    });
}
