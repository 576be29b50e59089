import { InvalidArgumentError, type Command } from 'commander';
import { checkRepository, type CheckOptions } from '../../engine/repo/check.ts';
import { listLocks, removeLocks, withLock } from '../../engine/repo/lock.ts';
import { LifeboatError } from '../../shared/errors.ts';
import { contextOf, openRepository } from '../context.ts';
import { formatBytes } from '../output.ts';

/** restic's --read-data-subset: "n/m", "x%" or a fraction like "0.1". */
export function parseSubset(value: string): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  const part = /^(\d+)\/(\d+)$/.exec(value);
  const fraction = percent ? Number(percent[1]) / 100 : part ? Number(part[1]) / Number(part[2]) : Number(value);
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) {
    throw new InvalidArgumentError('use a percentage (10%), a fraction (0.1) or n/m');
  }
  return fraction;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('verify the repository: structure, and with --read-data the data itself')
    .option('--read-data', 'download and verify all data')
    .option('--read-data-subset <subset>', 'verify a random part of the data: 10%, 0.1 or n/m', parseSubset)
    .action(async (opts: { readData?: boolean; readDataSubset?: number }, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const readData: CheckOptions['readData'] = opts.readData ? true : opts.readDataSubset ? { fraction: opts.readDataSubset } : false;
      // A shared lock, like restic: prune cannot delete data under the check's feet.
      const report = await withLock(repo, { exclusive: false }, () =>
        checkRepository(repo, {
          readData,
          signal: ctx.signal,
          onProgress: (p) => ctx.out.progress(`checking ${p.phase}: ${p.done}/${p.total}`),
        }),
      );
      ctx.out.endProgress();
      ctx.out.result(report, () => {
        const lines = [
          `${report.counts.snapshots} snapshots, ${report.counts.packs} packs, ${report.counts.trees} trees, ${report.counts.dataBlobs} data blobs`,
        ];
        if (readData) lines.push(`read ${report.counts.packsRead} packs (${formatBytes(report.counts.bytesRead)})`);
        for (const w of report.warnings) lines.push(`warning: ${w.message}`);
        for (const e of report.errors) lines.push(`error: ${e.message}`);
        for (const d of report.damagedPacks) {
          lines.push(`damaged pack ${d.packId.slice(0, 12)}: ${d.message}`);
          for (const a of d.affected) lines.push(`  affects snapshot ${a.snapshotId.slice(0, 8)}: ${a.path}`);
        }
        lines.push(report.ok ? 'no errors were found' : 'the repository has errors');
        return lines.join('\n');
      });
      if (!report.ok) throw new LifeboatError('REPO_CORRUPT', 'The check found errors in the repository.');
    });
}

export function registerUnlock(program: Command): void {
  program
    .command('unlock')
    .description('remove stale locks (left by crashed programs); --remove-all removes every lock')
    .option('--remove-all', 'remove all locks, even ones that look alive')
    .action(async (opts: { removeAll?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      const removed = await removeLocks(repo, { all: Boolean(opts.removeAll) });
      const left = await listLocks(repo);
      ctx.out.result({ removed, remaining: left.length }, () =>
        `removed ${removed} locks${left.length ? `; ${left.length} locks still held by running programs` : ''}`,
      );
    });
}
