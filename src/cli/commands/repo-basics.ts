import type { Command } from 'commander';
import { LifeboatError } from '../../shared/errors.ts';
import { Repository } from '../../engine/repo/repository.ts';
import { nsToDate, parseGoTime } from '../../engine/repo/go-time.ts';
import type { SnapshotFilter, SnapshotWithId } from '../../engine/repo/snapshot.ts';
import { collect, contextOf, openRepository } from '../context.ts';
import { formatBytes, table } from '../output.ts';
import { backendFor, readPassword } from '../repo-context.ts';

export function localTime(goTime: string): string {
  const d = nsToDate(parseGoTime(goTime));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function filterFrom(options: { host?: string; tag?: string[]; path?: string[] }): SnapshotFilter {
  return {
    ...(options.host ? { hostname: options.host } : {}),
    ...(options.tag?.length ? { tags: options.tag } : {}),
    ...(options.path?.length ? { paths: options.path } : {}),
  };
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--host <host>', 'only snapshots of this host')
    .option('--tag <tag>', 'only snapshots with this tag (repeatable, comma-separated)', collect)
    .option('--path <path>', 'only snapshots that include this path (repeatable)', collect);
}

function snapshotRow(sn: SnapshotWithId): string[] {
  const size = sn.summary?.total_bytes_processed;
  return [
    sn.id.slice(0, 8),
    localTime(sn.time),
    sn.hostname ?? '',
    (sn.tags ?? []).join(','),
    sn.paths.join(', '),
    size === undefined ? '' : formatBytes(size),
  ];
}

export function registerRepoBasics(program: Command): void {
  program
    .command('init')
    .description('create a new, encrypted repository (restic format, version 2)')
    .action(async (_opts, command: Command) => {
      const ctx = contextOf(command);
      const backend = await backendFor(ctx.options);
      const password = await readPassword(ctx.options, 'New repository password');
      if (!ctx.options.passwordFile && !process.env.LIFEBOAT_PASSWORD && process.stdin.isTTY) {
        const again = await readPassword(ctx.options, 'Type the password again');
        if (again !== password) throw new LifeboatError('INVALID_ARGUMENT', 'The passwords do not match.');
      }
      const repo = await Repository.init(backend, password);
      ctx.out.result({ id: repo.config.id, location: backend.location }, () =>
        [
          `Created repository ${repo.config.id.slice(0, 10)} at ${backend.location}`,
          'Keep the password safe: without it nobody, including us, can read these backups.',
        ].join('\n'),
      );
    });

  addFilterOptions(program.command('snapshots').description('list the snapshots in the repository')).action(
    async (opts: { host?: string; tag?: string[]; path?: string[] }, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const list = await repo.listSnapshots(filterFrom(opts));
      ctx.out.result(list, () =>
        list.length === 0
          ? 'No snapshots yet.'
          : `${table(['ID', 'Time', 'Host', 'Tags', 'Paths', 'Size'], list.map(snapshotRow))}\n${list.length} snapshots`,
      );
    },
  );
}
