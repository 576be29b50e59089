import type { Command } from 'commander';
import { restoreSnapshot } from '../../engine/repo/restore.ts';
import { LifeboatError } from '../../shared/errors.ts';
import { collect, contextOf, openRepository } from '../context.ts';
import { formatBytes } from '../output.ts';
import { addFilterOptions, filterFrom } from './repo-basics.ts';

export function registerRestore(program: Command): void {
  addFilterOptions(
    program
      .command('restore')
      .description('restore a snapshot into a folder; every file is verified against the repository')
      .argument('<snapshot>', 'snapshot id (or a unique prefix) or "latest"')
      .requiredOption('-t, --target <dir>', 'folder to restore into (created if missing)')
      .option('-i, --include <path>', 'restore only this path of the snapshot (repeatable)', collect)
      .option('--overwrite', 'replace files that already exist in the target (off: they are left alone and reported)'),
  ).action(
    async (
      snapshot: string,
      opts: { target: string; include?: string[]; overwrite?: boolean; host?: string; tag?: string[]; path?: string[] },
      command: Command,
    ) => {
      const ctx = contextOf(command);
      const repo = await openRepository(ctx);
      await repo.ensureIndex();
      const sn = await repo.resolveSnapshot(snapshot, filterFrom(opts));
      ctx.out.info(`restoring snapshot ${sn.id.slice(0, 8)} to ${opts.target}`);
      const started = Date.now();
      const result = await restoreSnapshot(repo, sn, {
        target: opts.target,
        ...(opts.include ? { include: opts.include } : {}),
        overwrite: Boolean(opts.overwrite),
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.out.progress(
            `${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}` +
              (p.currentPath ? `  ${p.currentPath}` : ''),
          ),
      });
      ctx.out.endProgress();
      for (const s of result.skipped) ctx.out.warn(`skipped ${s.path}: ${s.message}`);
      for (const e of result.errors) ctx.out.warn(`NOT restored ${e.path}: ${e.message}`);
      ctx.out.result({ snapshot: sn.id, target: opts.target, ...result, seconds: (Date.now() - started) / 1000 }, () =>
        result.errors.length
          ? `Restored ${result.files} files (${formatBytes(result.bytes)}); ${result.errors.length} could not be restored (see above).`
          : `Restored and verified ${result.files} files, ${result.dirs} folders, ${result.symlinks} links (${formatBytes(result.bytes)}).`,
      );
      if (result.errors.length) {
        throw new LifeboatError('REPO_CORRUPT', `${result.errors.length} entries could not be restored.`, {
          hint: 'Run `lifeboat check --read-data` to see which data is damaged.',
        });
      }
    },
  );
}
