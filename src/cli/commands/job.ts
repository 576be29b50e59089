/**
 * `lifeboat job …`: backup jobs from the command line, on the same Service the app uses. A job made
 * here is run by the scheduler of the desktop app or of `lifeboat serve`; `job run` runs it now, in
 * this process, and waits. The repository password goes to the keychain (or the encrypted secrets
 * file with --secrets-file), never into the jobs file.
 */
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createService } from '../../engine/create-service.ts';
import { jobDefaults } from '../../engine/jobs/job-draft.ts';
import { describeSchedule } from '../../engine/jobs/schedule.ts';
import { resolveDataDir } from '../../engine/paths.ts';
import type { SecretStore } from '../../engine/secrets/secret-store.ts';
import type { Service } from '../../engine/service.ts';
import type { JobSummary } from '../../shared/contract.ts';
import { LifeboatError } from '../../shared/errors.ts';
import type { Job, JobDraft, JobRun, Retention, Schedule } from '../../shared/jobs.ts';
import { formatLocation, parseLocation, type RepositoryLocation } from '../../shared/locations.ts';
import { jobSourceOf } from '../../engine/sources/source-service.ts';
import type { JobSource } from '../../shared/jobs.ts';
import { needsPassword, sourceKey } from '../../shared/sources.ts';
import { collect, contextOf, type CommandContext } from '../context.ts';
import { formatBytes, formatDuration, table } from '../output.ts';
import { cliSecretStore, readPassword } from '../repo-context.ts';
import { databasePassword, parseBackupArgs } from './database-args.ts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function clock(value: string): string {
  if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(value)) throw new InvalidArgumentError('a time of day as HH:MM');
  return value.padStart(5, '0');
}

function hours(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 24)
    throw new InvalidArgumentError('a whole number of hours, 1-24');
  return n;
}

/** "mon,thu@02:30" (or "1,4@02:30"). */
function weekly(value: string): Extract<Schedule, { kind: 'weekly' }> {
  const [dayList = '', at = ''] = value.split('@');
  const days = dayList.split(',').map((d) => {
    const name = d.trim().toLowerCase().slice(0, 3);
    const n = /^[1-7]$/.test(name) ? Number(name) : weekdays.indexOf(name) + 1;
    if (n < 1) throw new InvalidArgumentError(`unknown day "${d}" (use mon,tue,wed,thu,fri,sat,sun)`);
    return n;
  });
  return { kind: 'weekly', days: [...new Set(days)], at: clock(at) };
}

function keepCount(value: string): number {
  if (value === 'unlimited') return -1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('a whole number or "unlimited"');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number from 1');
  return n;
}

interface AddOptions {
  name: string;
  source: string[];
  exclude?: string[];
  daily?: string;
  everyHours?: number;
  weekly?: Extract<Schedule, { kind: 'weekly' }>;
  cron?: string;
  manual?: boolean;
  timezone?: string;
  retention?: string;
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithin?: string;
  pruneEvery?: string;
  check: boolean;
  readDataEvery?: string;
  readDataPercent?: number;
  copyTo?: string;
  paused?: boolean;
  notifyEmail?: string[];
  notifySuccess?: boolean;
  alertAfterHours?: number | null;
  drill?: string;
  drillFiles?: number;
}

function alertHours(value: string): number | null {
  if (value === 'off') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 24 * 365)
    throw new InvalidArgumentError('a whole number of hours, or "off"');
  return n;
}

/** The job's notification rules and drill policy from `job add` options (defaults where not given). */
function notifyAndDrillFrom(o: AddOptions): Pick<JobDraft, 'notifications' | 'drill'> {
  const notifications =
    o.notifyEmail || o.notifySuccess || o.alertAfterHours !== undefined
      ? {
          ...jobDefaults.notifications,
          ...(o.notifyEmail ? { email: o.notifyEmail } : {}),
          ...(o.notifySuccess ? { onSuccess: true } : {}),
          ...(o.alertAfterHours !== undefined ? { noSuccessForHours: o.alertAfterHours } : {}),
        }
      : undefined;
  let drill: Job['drill'] | undefined;
  if (o.drill !== undefined || o.drillFiles !== undefined) {
    if (o.drill !== undefined && !['never', 'weekly', 'monthly', 'quarterly'].includes(o.drill)) {
      throw new LifeboatError('INVALID_ARGUMENT', '--drill must be never, weekly, monthly or quarterly.');
    }
    drill = {
      ...jobDefaults.drill,
      enabled: o.drill !== 'never',
      ...(o.drill && o.drill !== 'never' ? { every: o.drill as Job['drill']['every'] } : {}),
      ...(o.drillFiles ? { sampleFiles: o.drillFiles } : {}),
    };
  }
  return { ...(notifications ? { notifications } : {}), ...(drill ? { drill } : {}) };
}

function scheduleFrom(o: AddOptions): Schedule {
  const tz = o.timezone ? { timezone: o.timezone } : {};
  const chosen: Schedule[] = [
    ...(o.daily ? [{ kind: 'daily', at: o.daily, ...tz } as const] : []),
    ...(o.everyHours ? [{ kind: 'hourly', every: o.everyHours, ...tz } as const] : []),
    ...(o.weekly ? [{ ...o.weekly, ...tz }] : []),
    ...(o.cron ? [{ kind: 'cron', expression: o.cron, ...tz } as const] : []),
    ...(o.manual ? [{ kind: 'manual' } as const] : []),
  ];
  if (chosen.length !== 1) {
    throw new LifeboatError('INVALID_ARGUMENT', 'Choose one schedule.', {
      hint: 'Pass exactly one of --daily HH:MM, --every-hours N, --weekly mon,thu@HH:MM, --cron "EXPR" or --manual.',
    });
  }
  return chosen[0]!;
}

function retentionFrom(o: AddOptions): Retention | undefined {
  const counts = {
    ...(o.keepLast !== undefined ? { keepLast: o.keepLast } : {}),
    ...(o.keepHourly !== undefined ? { keepHourly: o.keepHourly } : {}),
    ...(o.keepDaily !== undefined ? { keepDaily: o.keepDaily } : {}),
    ...(o.keepWeekly !== undefined ? { keepWeekly: o.keepWeekly } : {}),
    ...(o.keepMonthly !== undefined ? { keepMonthly: o.keepMonthly } : {}),
    ...(o.keepYearly !== undefined ? { keepYearly: o.keepYearly } : {}),
    ...(o.keepWithin ? { keepWithin: o.keepWithin } : {}),
  };
  if (Object.keys(counts).length > 0) return { kind: 'custom', ...counts };
  if (!o.retention) return undefined;
  if (o.retention === 'keep-all') return { kind: 'keep-all' };
  if (['standard', 'compact', 'long'].includes(o.retention))
    return { kind: 'preset', preset: o.retention as 'standard' };
  throw new LifeboatError('INVALID_ARGUMENT', `Unknown retention "${o.retention}".`, {
    hint: 'Use standard, compact, long or keep-all, or --keep-* counts.',
  });
}

function period(
  value: string | undefined,
  what: string,
): 'never' | 'daily' | 'weekly' | 'monthly' | undefined {
  if (value === undefined) return undefined;
  if (['never', 'daily', 'weekly', 'monthly'].includes(value)) return value as 'never';
  throw new LifeboatError('INVALID_ARGUMENT', `${what} must be never, daily, weekly or monthly.`);
}

function locationOf(text: string, account: string | undefined): RepositoryLocation {
  const location = parseLocation(text);
  if (location.kind === 'local') return { kind: 'local', path: path.resolve(location.path) };
  return account ? { ...location, account } : location;
}

/**
 * `--source` values as job sources, in the order given: folders and files, and databases written as
 * `lifeboat backup` takes them. Server databases get their password from LIFEBOAT_DB_PASSWORD or
 * PGPASSWORD, else a hidden prompt; saveJob files it in the keychain (sourcePasswords, by index).
 */
async function jobSourcesFrom(
  values: readonly string[],
  excludes: string[],
): Promise<{ sources: JobSource[]; sourcePasswords: Record<string, string> }> {
  const sources: JobSource[] = [];
  const sourcePasswords: Record<string, string> = {};
  for (const value of values) {
    const { paths, databases } = parseBackupArgs([value]);
    for (const p of paths) sources.push({ kind: 'folder', path: path.resolve(p), excludes });
    for (const config of databases) {
      const source = jobSourceOf(config);
      if (needsPassword(source) && config.kind !== 'sqlite') {
        const password = await databasePassword(config.kind, config.url);
        if (password) sourcePasswords[String(sources.length)] = password;
      }
      sources.push(source);
    }
  }
  return { sources, sourcePasswords };
}

/** One Service per command, with the CLI's choice of secrets store (keychain or --secrets-file). */
function serviceFor(ctx: CommandContext): Service {
  let store: Promise<SecretStore> | undefined;
  return createService('cli', resolveDataDir(), { secrets: () => (store ??= cliSecretStore(ctx.options)) });
}

export async function withService<T>(
  command: Command,
  work: (service: Service, ctx: CommandContext) => Promise<T>,
): Promise<T> {
  const ctx = contextOf(command);
  const service = serviceFor(ctx);
  try {
    return await work(service, ctx);
  } finally {
    await service.close();
  }
}

/** A job by id, id prefix or (case-insensitive) name. */
export async function findJob(service: Service, ref: string): Promise<Job> {
  const jobs = await service.jobManager.jobs();
  const exact = jobs.find((j) => j.id === ref);
  if (exact) return exact;
  const matches = jobs.filter((j) => j.name.toLowerCase() === ref.toLowerCase() || j.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  throw new LifeboatError(
    matches.length ? 'INVALID_ARGUMENT' : 'NOT_FOUND',
    matches.length ? `"${ref}" matches several jobs.` : `There is no job "${ref}".`,
    {
      hint: 'See `lifeboat job list` for ids and names.',
    },
  );
}

export const when = (iso: string | null | undefined): string => {
  if (!iso) return '-';
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

function describeNotifications(job: Job): string {
  const n = job.notifications;
  const on = [n.onFailure && 'failure', n.onWarning && 'warning', n.onSuccess && 'success'].filter(Boolean);
  const alert =
    n.noSuccessForHours === null
      ? 'no overdue alert'
      : `alert after ${n.noSuccessForHours} h without success`;
  return `${n.email.length ? n.email.join(', ') : 'no e-mail'}; on ${on.join(', ') || 'nothing'}; ${alert}`;
}

function describeDrills(job: Job, summary: JobSummary): string {
  const last = summary.lastDrill;
  return [
    job.drill.enabled ? `${job.drill.every}, ${job.drill.sampleFiles} files` : 'off',
    `last ${last ? `${when(last.at)} (${last.passed ? 'passed' : 'failed'})` : 'never'}`,
    ...(summary.nextDrillAt ? [`next ${when(summary.nextDrillAt)}`] : []),
  ].join('; ');
}

function describeJob(job: Job, summary: JobSummary): string {
  const retention =
    job.retention.kind === 'preset'
      ? job.retention.preset
      : job.retention.kind === 'keep-all'
        ? 'keep everything'
        : JSON.stringify(job.retention);
  return [
    `${job.name} (${job.id})${job.enabled ? '' : ' — paused'}`,
    `  sources:     ${job.sources.map((s) => (s.kind === 'folder' ? `${s.path}${s.excludes.length ? ` (excluding ${s.excludes.join(', ')})` : ''}` : sourceKey(s))).join('; ')}`,
    `  repository:  ${formatLocation(job.destination.location)} (${job.destination.repositoryId.slice(0, 10)})`,
    ...(job.copyTo ? [`  copy to:     ${formatLocation(job.copyTo.location)}`] : []),
    `  schedule:    ${describeSchedule(job.schedule)}`,
    `  retention:   ${retention}; prune ${job.pruneEvery}; data check ${job.checks.readData.every} (${job.checks.readData.percent}% a time)`,
    `  notify:      ${describeNotifications(job)}`,
    `  drills:      ${describeDrills(job, summary)}`,
    `  status:      ${summary.status}; last success ${when(summary.lastSuccessAt)}; next run ${when(summary.nextRunAt)}`,
  ].join('\n');
}

function describeRun(run: JobRun): string {
  const s = run.stats;
  return [
    `run ${run.runId}: ${run.status}${run.snapshotId ? `, snapshot ${run.snapshotId.slice(0, 8)}` : ''}`,
    ...(s
      ? [
          `  ${s.filesNew} new, ${s.filesChanged} changed, ${s.filesUnmodified} unchanged files; ${formatBytes(s.bytesAdded)} added (${formatBytes(s.bytesStored)} stored)`,
        ]
      : []),
    ...Object.entries(run.steps).map(
      ([name, r]) =>
        `  ${name}: ${r.status}${r.message ? ` (${r.message})` : ''}${r.error ? ` — ${r.error.message}` : ''}`,
    ),
    ...(run.error
      ? [`  error: ${run.error.message}${run.error.hint ? `\n  hint: ${run.error.hint}` : ''}`]
      : []),
  ].join('\n');
}

/** Exit codes: 0 ok, 3 finished with warnings (like a partial backup), 1 failed, 130 cancelled. */
const exitCodes: Record<JobRun['status'], number> = {
  ok: 0,
  warning: 3,
  failed: 1,
  cancelled: 130,
  interrupted: 130,
  running: 1,
};

export function registerJob(program: Command): void {
  const job = program
    .command('job')
    .description(
      'backup jobs that run by themselves (the desktop app or `lifeboat serve` runs the schedule)',
    );

  job
    .command('add')
    .description('create a job for the repository given with --repo (the password is kept in the keychain)')
    .requiredOption('--name <name>', 'a name people recognise, e.g. "CRM"')
    .requiredOption(
      '--source <path>',
      'a folder or file to back up (repeatable), or a database: sqlite:PATH, postgres://USER@HOST:PORT/DB, ' +
        'mysql://USER@HOST:PORT/DB (password from LIFEBOAT_DB_PASSWORD or PGPASSWORD, else asked)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('-e, --exclude <pattern>', 'exclude a pattern (repeatable)', collect)
    .option('--daily <HH:MM>', 'every day at this time', clock)
    .option('--every-hours <n>', 'every n hours', hours)
    .option('--weekly <days@HH:MM>', 'on these days at this time, e.g. mon,thu@02:30', weekly)
    .option('--cron <expression>', 'a cron expression, e.g. "30 2 * * 1-5"')
    .option('--manual', 'no schedule: only `lifeboat job run`')
    .option('--timezone <zone>', "time zone of the schedule (default: this computer's), e.g. Europe/Moscow")
    .option('--retention <preset>', 'standard (default), compact, long or keep-all')
    .option('--keep-last <n>', 'keep the last n snapshots', keepCount)
    .option('--keep-hourly <n>', 'keep n hourly snapshots', keepCount)
    .option('--keep-daily <n>', 'keep n daily snapshots', keepCount)
    .option('--keep-weekly <n>', 'keep n weekly snapshots', keepCount)
    .option('--keep-monthly <n>', 'keep n monthly snapshots', keepCount)
    .option('--keep-yearly <n>', 'keep n yearly snapshots', keepCount)
    .option('--keep-within <duration>', 'keep everything newer than this, e.g. 14d')
    .option('--prune-every <period>', 'remove unused data: never, daily, weekly (default), monthly')
    .option('--no-check', 'no structure check after each backup')
    .option(
      '--read-data-every <period>',
      'verify a slice of the stored data: never, daily, weekly (default), monthly',
    )
    .option('--read-data-percent <n>', 'size of that slice in percent (default 10)', positive)
    .option(
      '--copy-to <location>',
      'also copy every snapshot to this repository (password: LIFEBOAT_COPY_PASSWORD)',
    )
    .option('--paused', 'create it paused')
    .option(
      '--notify-email <address>',
      'e-mail this address about failures and warnings (repeatable; see `lifeboat notify set`)',
      collect,
    )
    .option('--notify-success', 'also notify about successful runs')
    .option(
      '--alert-after-hours <n>',
      'alert when no backup succeeded for n hours (default 48; "off")',
      alertHours,
    )
    .option('--drill <period>', 'restore drills: never (default), weekly, monthly or quarterly')
    .option('--drill-files <n>', 'files each restore drill restores and verifies (default 20)', positive)
    .action(async (o: AddOptions, command: Command) =>
      withService(command, async (service, ctx) => {
        const where = ctx.options.repo ?? process.env.LIFEBOAT_REPOSITORY;
        if (!where)
          throw new LifeboatError('INVALID_ARGUMENT', 'No repository given.', {
            hint: 'Pass --repo PATH, gdrive:FOLDER or dropbox:/PATH.',
          });
        const retention = retentionFrom(o);
        const pruneEvery = period(o.pruneEvery, '--prune-every');
        const readEvery = period(o.readDataEvery, '--read-data-every');
        const { sources, sourcePasswords } = await jobSourcesFrom(o.source, o.exclude ?? []);
        const draft: JobDraft = {
          name: o.name,
          sources,
          destination: { location: locationOf(where, ctx.options.account) },
          schedule: scheduleFrom(o),
          ...(retention ? { retention } : {}),
          ...(pruneEvery ? { pruneEvery } : {}),
          checks: {
            afterBackup: o.check,
            readData: { every: readEvery ?? 'weekly', percent: o.readDataPercent ?? 10 },
          },
          ...(o.copyTo ? { copyTo: { location: locationOf(o.copyTo, ctx.options.account) } } : {}),
          ...notifyAndDrillFrom(o),
          enabled: !o.paused,
        };
        const password = await readPassword(ctx.options);
        const copyToPassword = o.copyTo ? (process.env.LIFEBOAT_COPY_PASSWORD ?? password) : undefined;
        const saved = await service.saveJob({
          job: draft,
          password,
          ...(copyToPassword ? { copyToPassword } : {}),
          ...(Object.keys(sourcePasswords).length ? { sourcePasswords } : {}),
        });
        const details = await service.getJob({ id: saved.id });
        ctx.out.result(saved, () => `Created job ${saved.id}.\n${describeJob(saved, details.summary)}`);
      }),
    );

  job
    .command('list')
    .description('list jobs with their status and next run')
    .action(async (_o: unknown, command: Command) =>
      withService(command, async (service, ctx) => {
        const jobs = await service.jobManager.jobs();
        const summaries = await service.listJobs();
        for (const p of service.jobManager.store.problems) ctx.out.warn(`${p.message} Kept at ${p.keptAt}.`);
        ctx.out.result(summaries, () =>
          summaries.length === 0
            ? 'No jobs yet. Create one with `lifeboat job add`.'
            : table(
                ['ID', 'Name', 'Status', 'Schedule', 'Last success', 'Next run'],
                summaries.map((s) => {
                  const j = jobs.find((x) => x.id === s.id);
                  return [
                    s.id,
                    s.name,
                    s.status,
                    j ? describeSchedule(j.schedule) : '',
                    when(s.lastSuccessAt),
                    when(s.nextRunAt),
                  ];
                }),
              ),
        );
      }),
    );

  job
    .command('show')
    .description('show a job (by id or name)')
    .argument('<job>')
    .action(async (ref: string, _o: unknown, command: Command) =>
      withService(command, async (service, ctx) => {
        const details = await service.getJob({ id: (await findJob(service, ref)).id });
        ctx.out.result(details, () => describeJob(details.job, details.summary));
      }),
    );

  job
    .command('run')
    .description('run a job now and wait for it (Ctrl+C cancels)')
    .argument('<job>')
    .action(async (ref: string, _o: unknown, command: Command) =>
      withService(command, async (service, ctx) => {
        const { id } = await findJob(service, ref);
        service.on('progress', (p) => {
          if (p.operation !== 'backup')
            return ctx.out.progress(`${p.operation}: ${p.phase} ${p.filesDone}/${p.filesTotal ?? '?'}`);
          const eta = p.etaSeconds === null ? '' : `  ETA ${formatDuration(p.etaSeconds)}`;
          ctx.out.progress(
            `${p.filesDone}/${p.filesTotal ?? '?'} files, ${formatBytes(p.bytesDone)}${eta}  ${p.currentItem ?? ''}`,
          );
        });
        service.on('log', (line) =>
          line.level === 'info' ? ctx.out.info(line.message) : ctx.out.warn(line.message),
        );
        const { done } = await service.jobManager.start(id, 'manual', null);
        const cancel = () => service.jobManager.cancel(id);
        ctx.signal.addEventListener('abort', cancel, { once: true });
        const run = await done;
        ctx.out.endProgress();
        ctx.out.result(run, () => describeRun(run));
        process.exitCode = exitCodes[run.status];
      }),
    );

  for (const [name, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    job
      .command(name)
      .description(
        enabled
          ? 'let the scheduler run the job again'
          : 'stop running the job on schedule (it can still be run by hand)',
      )
      .argument('<job>')
      .action(async (ref: string, _o: unknown, command: Command) =>
        withService(command, async (service, ctx) => {
          const { id } = await findJob(service, ref);
          const summary = enabled ? await service.resumeJob({ id }) : await service.pauseJob({ id });
          ctx.out.result(
            summary,
            () =>
              `${summary.name}: ${summary.status}${summary.nextRunAt ? `, next run ${when(summary.nextRunAt)}` : ''}`,
          );
        }),
      );
  }

  job
    .command('remove')
    .description('delete a job (its snapshots stay in the repository)')
    .argument('<job>')
    .option('--keep-history', 'keep its run history and logs')
    .action(async (ref: string, o: { keepHistory?: boolean }, command: Command) =>
      withService(command, async (service, ctx) => {
        const found = await findJob(service, ref);
        await service.deleteJob({ id: found.id, keepHistory: Boolean(o.keepHistory) });
        ctx.out.result(
          { removed: found.id },
          () => `Removed job ${found.name} (${found.id}). Its snapshots are still in the repository.`,
        );
      }),
    );

  job
    .command('history')
    .description("a job's runs, checked against the snapshots in its repository")
    .argument('<job>')
    .option('-n, --limit <n>', 'at most this many entries', positive)
    .option('--no-reconcile', 'do not open the repository')
    .action(async (ref: string, o: { limit?: number; reconcile: boolean }, command: Command) =>
      withService(command, async (service, ctx) => {
        const { id } = await findJob(service, ref);
        const history = await service.jobHistory({
          id,
          ...(o.limit ? { limit: o.limit } : {}),
          reconcile: o.reconcile,
        });
        if (history.repository.error)
          ctx.out.warn(`the repository could not be read: ${history.repository.error.message}`);
        ctx.out.result(history, () =>
          table(
            ['Time', 'Run', 'Trigger', 'Status', 'Snapshot', ''],
            history.entries.map((e) =>
              e.kind === 'run'
                ? [
                    when(e.run.startedAt),
                    e.run.runId,
                    e.run.trigger,
                    e.run.status,
                    e.run.snapshotId?.slice(0, 8) ?? '-',
                    e.snapshot === 'present' || e.snapshot === 'none' ? '' : e.snapshot,
                  ]
                : e.kind === 'found'
                  ? [when(e.time), '-', '-', '-', e.snapshotId.slice(0, 8), 'found in repository']
                  : [
                      when(e.drill.startedAt),
                      e.drill.runId,
                      `drill (${e.drill.trigger})`,
                      e.drill.status,
                      e.drill.snapshotId?.slice(0, 8) ?? '-',
                      e.drill.reportPath ?? e.drill.error?.message ?? '',
                    ],
            ),
          ),
        );
      }),
    );

  job
    .command('log')
    .description('show the log of one run')
    .argument('<job>')
    .argument('<run>', 'run id (see `lifeboat job history`)')
    .action(async (ref: string, runId: string, _o: unknown, command: Command) =>
      withService(command, async (service, ctx) => {
        const { id } = await findJob(service, ref);
        const log = await service.runLog({ jobId: id, runId });
        ctx.out.result(log, () =>
          log.lines.map((l) => `${when(l.time)} ${l.level.padEnd(5)} ${l.message}`).join('\n'),
        );
      }),
    );
}
