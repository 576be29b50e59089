import { InvalidArgumentError, type Command } from 'commander';
import { forget } from '../../engine/repo/forget.ts';
import type { ForgetPolicy, GroupBy } from '../../engine/repo/forget-policy.ts';
import { prune, type PruneReport } from '../../engine/repo/prune.ts';
import type { Repository } from '../../engine/repo/repository.ts';
import { collect, contextOf, openRepository, type CommandContext } from '../context.ts';
import { formatBytes } from '../output.ts';
import { localTime } from './repo-basics.ts';

/** restic accepts "unlimited" (-1) for keep counts. */
function keepCount(value: string): number {
  if (value === 'unlimited') return -1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('a whole number or "unlimited"');
  return n;
}

function groupBy(value: string): GroupBy {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !['host', 'paths', 'tags'].includes(p));
  if (unknown.length) throw new InvalidArgumentError(`unknown grouping: ${unknown.join(', ')} (use host, paths, tags)`);
  return { host: parts.includes('host'), paths: parts.includes('paths'), tags: parts.includes('tags') };
}

async function runPrune(ctx: CommandContext, repo: Repository, options: { maxUnused?: string; dryRun?: boolean }): Promise<PruneReport> {
  const report = await prune(repo, {
    ...(options.maxUnused ? { maxUnused: options.maxUnused } : {}),
    dryRun: Boolean(options.dryRun),
    signal: ctx.signal,
    onProgress: (p) => ctx.out.progress(`prune: ${p.phase} ${p.done}/${p.total}`),
  });
  ctx.out.endProgress();
  return report;
}

function describePrune(report: PruneReport): string {
  const verb = report.dryRun ? 'would' : 'did';
  return [
    `prune ${verb} delete ${report.packsDeleted} packs and repack ${report.packsRepacked} (${formatBytes(report.bytesRepacked)})`,
    `used data: ${formatBytes(report.bytesUsed)}, unused: ${formatBytes(report.bytesUnused)}`,
    `${report.dryRun ? 'would free' : 'freed'} ${formatBytes(report.bytesFreed)}`,
  ].join('\n');
}

export function registerForgetPrune(program: Command): void {
  program
    .command('forget')
    .description('remove snapshots by a retention policy (the data goes with --prune or a later prune)')
    .option('-l, --keep-last <n>', 'keep the last n snapshots', keepCount)
    .option('-H, --keep-hourly <n>', 'keep the last n hourly snapshots', keepCount)
    .option('-d, --keep-daily <n>', 'keep the last n daily snapshots', keepCount)
    .option('-w, --keep-weekly <n>', 'keep the last n weekly snapshots', keepCount)
    .option('-m, --keep-monthly <n>', 'keep the last n monthly snapshots', keepCount)
    .option('-y, --keep-yearly <n>', 'keep the last n yearly snapshots', keepCount)
    .option('--keep-within <duration>', 'keep snapshots newer than this, relative to the newest (e.g. 1y2m3d4h)')
    .option('--keep-tag <tags>', 'keep snapshots with these tags (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--host <host>', 'only snapshots of this host')
    .option('--tag <tag>', 'only snapshots with this tag (repeatable)', collect)
    .option('--path <path>', 'only snapshots with this path (repeatable)', collect)
    .option('-g, --group-by <fields>', 'group snapshots by host, paths, tags', groupBy, { host: true, paths: true, tags: false })
    .option('-n, --dry-run', 'only show what would be removed')
    .option('--prune', 'remove the data no snapshot needs any more, right after')
    .option('--max-unused <limit>', 'with --prune: tolerated unused space (5%, 500M, unlimited)')
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const policy: ForgetPolicy = {
        ...(opts.keepLast !== undefined ? { keepLast: opts.keepLast as number } : {}),
        ...(opts.keepHourly !== undefined ? { keepHourly: opts.keepHourly as number } : {}),
        ...(opts.keepDaily !== undefined ? { keepDaily: opts.keepDaily as number } : {}),
        ...(opts.keepWeekly !== undefined ? { keepWeekly: opts.keepWeekly as number } : {}),
        ...(opts.keepMonthly !== undefined ? { keepMonthly: opts.keepMonthly as number } : {}),
        ...(opts.keepYearly !== undefined ? { keepYearly: opts.keepYearly as number } : {}),
        ...(opts.keepWithin ? { keepWithin: opts.keepWithin as string } : {}),
        ...(opts.keepTag ? { keepTags: opts.keepTag as string[] } : {}),
      };
      const result = await forget(repo, {
        policy,
        groupBy: opts.groupBy as GroupBy,
        ...(opts.host ? { host: opts.host as string } : {}),
        ...(opts.tag ? { tags: opts.tag as string[] } : {}),
        ...(opts.path ? { paths: opts.path as string[] } : {}),
        dryRun: Boolean(opts.dryRun),
      });
      const pruned = opts.prune ? await runPrune(ctx, repo, { maxUnused: opts.maxUnused as string | undefined, dryRun: Boolean(opts.dryRun) }) : undefined;
      ctx.out.result({ ...result, ...(pruned ? { prune: pruned } : {}) }, () => {
        const lines: string[] = [];
        for (const group of result.groups) {
          lines.push(`snapshots of ${group.key.hostname ?? 'any host'} ${group.key.paths ? `[${group.key.paths.join(', ')}]` : ''}:`);
          for (const k of group.keep) lines.push(`  keep    ${k.id.slice(0, 8)}  ${localTime(k.time)}  ${k.reasons.join(', ')}`);
          for (const r of group.remove) lines.push(`  ${opts.dryRun ? 'would remove' : 'remove'}  ${r.id.slice(0, 8)}  ${localTime(r.time)}`);
        }
        lines.push(`${opts.dryRun ? 'would remove' : 'removed'} ${opts.dryRun ? result.groups.reduce((n, g) => n + g.remove.length, 0) : result.removed.length} snapshots`);
        if (pruned) lines.push(describePrune(pruned));
        return lines.join('\n');
      });
    });

  program
    .command('prune')
    .description('remove data that no snapshot needs (takes an exclusive lock)')
    .option('--max-unused <limit>', 'tolerated unused space: 5% (default), 500M, unlimited')
    .option('-n, --dry-run', 'only show what would be done')
    .action(async (opts: { maxUnused?: string; dryRun?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const report = await runPrune(ctx, repo, opts);
      ctx.out.result(report, () => describePrune(report));
    });
}
