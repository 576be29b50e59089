/**
 * The steps after a successful backup: retention, prune (when due), the structure check, the
 * rotating data check (when due) and the copy to the second destination. Each returns its result,
 * or null when it had nothing to do; the runner records them and decides the run's status.
 */
import type { Job, JobRun, StepName, StepResult } from '../../shared/jobs.ts';
import { formatLocation } from '../../shared/locations.ts';
import { checkRepository } from '../repo/check.ts';
import { ianaTimeZone } from '../repo/forget-policy.ts';
import { forget, type ForgetResult } from '../repo/forget.ts';
import { prune } from '../repo/prune.ts';
import type { Repository } from '../repo/repository.ts';
import { copySnapshots } from './copy-snapshot.ts';
import { nextDataPart, readDataSubset } from './read-data-subset.ts';
import { isDue, retentionPolicy } from './retention.ts';
import { jobTag, openDestination, stepProgress, type RunContext, type RunnerDeps } from './run-context.ts';
import type { RunLog } from './run-log.ts';

/** The time of the last run whose `step` succeeded. */
function lastDone(runs: readonly JobRun[], step: StepName): JobRun | undefined {
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i]!.steps[step]?.status === 'ok') return runs[i];
  return undefined;
}

/** The job's retention on one repository (its snapshots only); null when it keeps everything. */
async function applyRetention(deps: RunnerDeps, job: Job, repo: Repository): Promise<ForgetResult | null> {
  const policy = retentionPolicy(job.retention);
  if (!policy) return null;
  const timezone = 'timezone' in job.schedule ? job.schedule.timezone : undefined;
  return forget(repo, {
    policy,
    tags: [jobTag(job.id)],
    // One series per job: a changed folder list must not restart the retention from zero.
    groupBy: { host: false, paths: false, tags: false },
    now: deps.now(),
    ...(timezone ? { timeZone: ianaTimeZone(timezone) } : {}),
    ...(deps.lock ? { lock: deps.lock } : {}),
  });
}

export async function forgetStep(
  deps: RunnerDeps,
  job: Job,
  run: JobRun,
  repo: Repository,
  log: RunLog,
): Promise<StepResult | null> {
  const result = await applyRetention(deps, job, repo);
  if (!result) return null;
  run.forgotten = result.removed;
  const kept = result.groups.reduce((n, g) => n + g.keep.length, 0);
  log.info(
    `Retention: kept ${kept} snapshot(s), removed ${result.removed.length}${result.removed.length ? ` (${result.removed.map((id) => id.slice(0, 8)).join(', ')})` : ''}.`,
  );
  return { status: 'ok', message: `kept ${kept}, removed ${result.removed.length}` };
}

export async function pruneStep(
  deps: RunnerDeps,
  ctx: RunContext,
  repo: Repository,
  log: RunLog,
): Promise<StepResult | null> {
  const last = lastDone(ctx.previousRuns, 'prune');
  if (!isDue(ctx.job.pruneEvery, last ? new Date(last.startedAt) : null, deps.now())) return null;
  log.info('Removing data no snapshot needs any more (prune).');
  const report = await prune(repo, {
    signal: ctx.signal,
    onProgress: stepProgress(deps, ctx.job.id, 'prune'),
    ...(deps.lock ? { lock: deps.lock } : {}),
  });
  log.info(
    `Prune: deleted ${report.packsDeleted} and repacked ${report.packsRepacked} pack(s), freed ${report.bytesFreed} bytes.`,
  );
  return { status: 'ok', message: `freed ${report.bytesFreed} bytes` };
}

export async function checkStep(
  deps: RunnerDeps,
  ctx: RunContext,
  repo: Repository,
  log: RunLog,
): Promise<StepResult | null> {
  if (!ctx.job.checks.afterBackup) return null;
  const report = await checkRepository(repo, {
    readHeaders: false,
    signal: ctx.signal,
    onProgress: stepProgress(deps, ctx.job.id, 'check'),
  });
  for (const e of report.errors) log.error(`Check: ${e.message}`);
  if (!report.ok) {
    return {
      status: 'failed',
      message: `${report.errors.length} problem(s)`,
      error: {
        code: 'REPO_CORRUPT',
        message: 'The repository check found damage.',
        hint: 'Do not delete anything. Contact support and send them the run log.',
        details: report.errors
          .slice(0, 5)
          .map((e) => e.message)
          .join('; '),
      },
    };
  }
  log.info(
    `Check: ${report.counts.snapshots} snapshots, ${report.counts.packs} packs, ${report.counts.trees} trees, no errors.`,
  );
  return { status: 'ok' };
}

export async function readDataStep(
  deps: RunnerDeps,
  ctx: RunContext,
  repo: Repository,
  log: RunLog,
): Promise<StepResult | null> {
  const policy = ctx.job.checks.readData;
  const last = lastDone(ctx.previousRuns, 'readData');
  if (!isDue(policy.every, last ? new Date(last.startedAt) : null, deps.now())) return null;
  const part = nextDataPart(last?.readDataPart ?? null, policy.percent);
  const progress = stepProgress(deps, ctx.job.id, 'check');
  const result = await readDataSubset(repo, part, {
    signal: ctx.signal,
    onPack: (done, total) => progress({ phase: 'data', done, total }),
  });
  ctx.run.readDataPart = part;
  for (const p of result.problems) log.error(`Data check: ${p.message}`);
  log.info(
    `Data check, part ${part.part + 1} of ${part.of}: read ${result.packs} pack(s), ${result.bytes} bytes, ${result.problems.length} problem(s).`,
  );
  if (result.problems.length > 0) {
    return {
      status: 'failed',
      error: {
        code: 'REPO_CORRUPT',
        message: 'The data check found damaged files in the repository.',
        hint: 'Do not delete anything. Contact support and send them the run log.',
        details: result.problems
          .slice(0, 5)
          .map((p) => p.message)
          .join('; '),
      },
    };
  }
  return { status: 'ok', message: `part ${part.part + 1} of ${part.of}` };
}

/**
 * The second destination gets every snapshot of the job it lacks (so a copy that failed last time
 * is made up now), then the same retention, and a prune when the first destination had one.
 */
export async function copyStep(
  deps: RunnerDeps,
  ctx: RunContext,
  repo: Repository,
  log: RunLog,
): Promise<StepResult | null> {
  const target = ctx.job.copyTo;
  if (!target) return null;
  const destination = await openDestination(deps, target);
  const tag = jobTag(ctx.job.id);
  const ids = (await repo.listSnapshots({ tags: [tag] })).map((s) => s.id);
  const results = await copySnapshots(repo, destination, ids, {
    signal: ctx.signal,
    ...(deps.lock ? { lock: deps.lock } : {}),
  });
  const copied = results.filter((r) => r.copied);
  const bytes = copied.reduce((n, r) => n + r.bytesCopied, 0);
  log.info(
    `Copy to ${formatLocation(target.location)}: ${copied.length} new snapshot(s), ${bytes} bytes of new data; ${results.length - copied.length} already there.`,
  );
  const removed = await applyRetention(deps, ctx.job, destination);
  if (removed?.removed.length) log.info(`Copy: retention removed ${removed.removed.length} snapshot(s).`);
  if (ctx.run.steps.prune?.status === 'ok') {
    const report = await prune(destination, {
      signal: ctx.signal,
      ...(deps.lock ? { lock: deps.lock } : {}),
    });
    log.info(`Copy: prune freed ${report.bytesFreed} bytes.`);
  }
  return { status: 'ok', message: `${copied.length} copied` };
}
