import type { Command } from 'commander';
import { diffSnapshots, summarizeDiff, type DiffEntry } from '../../engine/repo/diff.ts';
import { listSnapshot } from '../../engine/repo/ls.ts';
import { contextOf, openRepository } from '../context.ts';
import { formatBytes } from '../output.ts';
import { addFilterOptions, filterFrom, localTime } from './repo-basics.ts';

const diffMark: Record<DiffEntry['kind'], string> = { added: '+', removed: '-', modified: 'M' };

export function registerBrowse(program: Command): void {
  addFilterOptions(
    program
      .command('ls')
      .description('list files in a snapshot ("latest" for the newest)')
      .argument('<snapshot>', 'snapshot id (or a unique prefix) or "latest"')
      .argument('[path]', 'only below this path in the snapshot')
      .option('-l, --long', 'show mode, size and time'),
  ).action(async (snapshot: string, subPath: string | undefined, opts: { long?: boolean; host?: string; tag?: string[]; path?: string[] }, command: Command) => {
    const ctx = contextOf(command);
    const repo = await openRepository(ctx);
    await repo.ensureIndex();
    const sn = await repo.resolveSnapshot(snapshot, filterFrom(opts));
    if (!ctx.out.json) ctx.out.info(`snapshot ${sn.id.slice(0, 8)} of ${sn.paths.join(', ')} at ${localTime(sn.time)}:`);
    for await (const { path, node } of listSnapshot(repo, sn, { ...(subPath ? { subPath } : {}), signal: ctx.signal })) {
      if (ctx.out.json) {
        process.stdout.write(JSON.stringify({ path, type: node.type, size: node.size ?? 0, mode: node.mode, mtime: node.mtime }) + '\n');
      } else if (opts.long) {
        const size = node.type === 'file' ? String(node.size ?? 0) : '';
        process.stdout.write(`${node.type.padEnd(7)} ${size.padStart(12)} ${node.mtime ? localTime(node.mtime) : ''.padEnd(19)} ${path}\n`);
      } else process.stdout.write(path + '\n');
    }
  });

  program
    .command('diff')
    .description('show what changed between two snapshots')
    .argument('<snapshot-a>')
    .argument('<snapshot-b>')
    .action(async (a: string, b: string, _opts, command: Command) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      await repo.ensureIndex();
      const [first, second] = [await repo.resolveSnapshot(a), await repo.resolveSnapshot(b)];
      const entries: DiffEntry[] = [];
      for await (const entry of diffSnapshots(repo, first, second)) {
        entries.push(entry);
        if (!ctx.out.json) process.stdout.write(`${diffMark[entry.kind]}    ${entry.path}${entry.type === 'dir' ? '/' : ''}\n`);
      }
      const summary = summarizeDiff(entries);
      ctx.out.result({ from: first.id, to: second.id, entries, summary }, () =>
        `\nAdded ${summary.added}, removed ${summary.removed}, modified ${summary.modified} ` +
        `(${formatBytes(summary.bytesAdded)} added, ${formatBytes(summary.bytesRemoved)} removed)`,
      );
    });
}
