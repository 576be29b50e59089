import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { backup } from '../../engine/repo/backup/archiver.ts';
import type { BackupProgress } from '../../engine/repo/backup/backup-types.ts';
import { streamSourceOf } from '../../engine/sources/job-sources.ts';
import { collect, contextOf, openRepository } from '../context.ts';
import { formatBytes, formatDuration } from '../output.ts';
import { databasePassword, parseBackupArgs } from './database-args.ts';

/** restic's exit code when the snapshot was written but some files could not be read. */
export const partialBackupExitCode = 3;

function mebibytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 128)
    throw new InvalidArgumentError('a size in MiB between 1 and 128');
  return Math.round(n * 1024 * 1024);
}

function progressLine(p: BackupProgress): string {
  const total = p.bytesTotal ?? p.bytesFound;
  const files = p.filesTotal === null ? `${p.filesDone} files` : `${p.filesDone}/${p.filesTotal} files`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${formatDuration(p.etaSeconds)}`;
  const pct = total > 0 ? `${Math.min(100, Math.floor((p.bytesDone / total) * 100))}% ` : '';
  return `${pct}${files}, ${formatBytes(p.bytesDone)} / ${formatBytes(total)}${eta}  ${p.currentItem ?? ''}`;
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('back up files, folders and databases into the repository (only what changed is stored)')
    .argument(
      '<sources...>',
      'files and folders, and databases: sqlite:PATH, postgres://USER@HOST:PORT/DB, mysql://USER@HOST:PORT/DB ' +
        '(password from LIFEBOAT_DB_PASSWORD or PGPASSWORD, else asked)',
    )
    .option(
      '-e, --exclude <pattern>',
      'exclude a pattern (repeatable), e.g. "*.tmp" or "/srv/crm/cache"',
      collect,
    )
    .option('--iexclude <pattern>', 'like --exclude but ignores case (repeatable)', collect)
    .option('--tag <tag>', 'add a tag to the snapshot (repeatable, comma-separated)', collect)
    .option('--host <hostname>', 'hostname to record (default: this computer)')
    .option('--parent <snapshot>', 'compare with this snapshot instead of the latest of the same paths')
    .option('-f, --force', 'read every file even if it looks unchanged')
    .option('-x, --one-file-system', 'do not cross into other file systems')
    .option('--pack-size <MiB>', 'target size of the data files in the repository (default 16)', mebibytes)
    .option('-n, --dry-run', 'read everything but write nothing')
    .action(
      async (
        sources: string[],
        opts: {
          exclude?: string[];
          iexclude?: string[];
          tag?: string[];
          host?: string;
          parent?: string;
          force?: boolean;
          oneFileSystem?: boolean;
          packSize?: number;
          dryRun?: boolean;
        },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const { paths, databases } = parseBackupArgs(sources);
        const streams = [];
        for (const config of databases) {
          const password =
            config.kind === 'sqlite' ? undefined : await databasePassword(config.kind, config.url);
          streams.push(streamSourceOf(config, password === undefined ? {} : { password }));
        }
        const repo = await openRepository(ctx, opts.packSize ? { packSize: opts.packSize } : {});
        await repo.ensureIndex();
        const result = await backup(repo, {
          paths,
          ...(streams.length ? { streams } : {}),
          ...(opts.exclude ? { excludes: opts.exclude } : {}),
          ...(opts.iexclude ? { iexcludes: opts.iexclude } : {}),
          ...(opts.tag ? { tags: opts.tag } : {}),
          ...(opts.host ? { hostname: opts.host } : {}),
          ...(opts.parent ? { parent: opts.parent } : {}),
          force: Boolean(opts.force),
          oneFileSystem: Boolean(opts.oneFileSystem),
          dryRun: Boolean(opts.dryRun),
          signal: ctx.signal,
          onProgress: (p) => ctx.out.progress(progressLine(p)),
          onWarning: (w) => ctx.out.warn(`${w.path}: ${w.message}`),
        });
        ctx.out.endProgress();
        const s = result.summary;
        ctx.out.result(result, () =>
          [
            `Files:  ${s.files_new} new, ${s.files_changed} changed, ${s.files_unmodified} unmodified`,
            `Dirs:   ${s.dirs_new} new, ${s.dirs_changed} changed, ${s.dirs_unmodified} unmodified`,
            `Added to the repository: ${formatBytes(s.data_added)} (${formatBytes(s.data_added_packed)} stored)`,
            `processed ${s.total_files_processed} files, ${formatBytes(s.total_bytes_processed)} in ${formatDuration(result.stats.durationMs / 1000)}`,
            result.snapshotId
              ? `snapshot ${result.snapshotId.slice(0, 8)} saved`
              : 'dry run: nothing was written',
            ...(result.partial
              ? [
                  `${result.warnings.filter((w) => w.kind !== 'changed').length} entries could not be read (see the warnings above)`,
                ]
              : []),
          ].join('\n'),
        );
        if (result.partial) process.exitCode = partialBackupExitCode;
      },
    );
}
