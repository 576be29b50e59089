import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { restoreSnapshot } from '../../engine/repo/restore.ts';
import { LifeboatError } from '../../shared/errors.ts';
import { integrityProblems } from '../../engine/sources/sqlite/sqlite-restore.ts';
import { parseDatabaseInclude, restoreDatabaseFromSnapshot } from '../../engine/sources/snapshot-restore.ts';
import { collect, contextOf, openRepository, type CommandContext } from '../context.ts';
import { formatBytes } from '../output.ts';
import { databasePassword, refusePassword } from './database-args.ts';
import { addFilterOptions, filterFrom } from './repo-basics.ts';

interface RestoreOpts {
  target?: string;
  include?: string[];
  overwrite?: boolean;
  toDatabase?: string;
  overwriteDatabase?: boolean;
  host?: string;
  tag?: string[];
  path?: string[];
}

/** `--to-database`: one database copy of the snapshot into a new (or, confirmed, existing) database. */
async function restoreToDatabase(
  ctx: CommandContext,
  snapshot: string,
  opts: RestoreOpts,
  url: string,
): Promise<void> {
  const include = opts.include ?? [];
  if (include.length !== 1 || opts.target) {
    throw new LifeboatError(
      'INVALID_ARGUMENT',
      '--to-database restores one database copy: name it with one --include.',
      {
        hint: 'For example: --include /postgres/crm --to-database postgres://USER@HOST:5432/crm_restored',
      },
    );
  }
  refusePassword(url);
  const { kind } = parseDatabaseInclude(include[0]!);
  const password = await databasePassword(kind, url);
  const repo = await openRepository(ctx);
  await repo.ensureIndex();
  const sn = await repo.resolveSnapshot(snapshot, filterFrom(opts));
  ctx.out.info(`restoring ${include[0]!} of snapshot ${sn.id.slice(0, 8)} into ${url}`);
  const result = await restoreDatabaseFromSnapshot(repo, sn, {
    include: include[0]!,
    to: url,
    ...(password !== undefined ? { password } : {}),
    overwrite: Boolean(opts.overwriteDatabase),
    signal: ctx.signal,
    onProgress: (bytes) => ctx.out.progress(`${formatBytes(bytes)} of the dump restored`),
  });
  ctx.out.endProgress();
  ctx.out.result({ snapshot: sn.id, ...result }, () => result.message);
}

/** PRAGMA integrity_check of every SQLite copy restored under TARGET/sqlite. */
async function checkSqliteCopies(target: string): Promise<{ path: string; problems: string[] }[]> {
  const dir = path.join(target, 'sqlite');
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return names
    .filter((d) => d.isFile() && !/-(wal|shm|journal)$/.test(d.name))
    .map((d) => {
      const file = path.join(dir, d.name);
      try {
        return { path: file, problems: integrityProblems(file) };
      } catch (err) {
        return { path: file, problems: [err instanceof Error ? err.message : String(err)] };
      }
    });
}

export function registerRestore(program: Command): void {
  addFilterOptions(
    program
      .command('restore')
      .description(
        'restore a snapshot into a folder (every file is verified against the repository), or a database copy into a database',
      )
      .argument('<snapshot>', 'snapshot id (or a unique prefix) or "latest"')
      .option('-t, --target <dir>', 'folder to restore into (created if missing)')
      .option('-i, --include <path>', 'restore only this path of the snapshot (repeatable)', collect)
      .option(
        '--overwrite',
        'replace files that already exist in the target (off: they are left alone and reported)',
      )
      .option(
        '--to-database <url>',
        'restore the database copy named by --include (/postgres/DB or /mysql/DB) into a new database: ' +
          'postgres://USER@HOST:PORT/NEWDB or mysql://USER@HOST:PORT/NEWDB (password from LIFEBOAT_DB_PASSWORD or PGPASSWORD, else asked)',
      )
      .option(
        '--overwrite-database',
        'with --to-database: replace the database if it exists (it is kept until the copy restored cleanly)',
      ),
  ).action(async (snapshot: string, opts: RestoreOpts, command: Command) => {
    const ctx = contextOf(command);
    if (opts.toDatabase) {
      await restoreToDatabase(ctx, snapshot, opts, opts.toDatabase);
      return;
    }
    if (!opts.target) {
      throw new LifeboatError(
        'INVALID_ARGUMENT',
        'Say where to restore: --target DIR (or --to-database URL).',
      );
    }
    const target = opts.target;
    const repo = await openRepository(ctx);
    await repo.ensureIndex();
    const sn = await repo.resolveSnapshot(snapshot, filterFrom(opts));
    ctx.out.info(`restoring snapshot ${sn.id.slice(0, 8)} to ${target}`);
    const started = Date.now();
    const result = await restoreSnapshot(repo, sn, {
      target,
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
    const sqlite = await checkSqliteCopies(target);
    ctx.out.result(
      { snapshot: sn.id, target, ...result, sqlite, seconds: (Date.now() - started) / 1000 },
      () =>
        result.errors.length
          ? `Restored ${result.files} files (${formatBytes(result.bytes)}); ${result.errors.length} could not be restored (see above).`
          : `Restored and verified ${result.files} files, ${result.dirs} folders, ${result.symlinks} links (${formatBytes(result.bytes)}).`,
    );
    const damaged = sqlite.filter((c) => c.problems.length > 0);
    for (const c of sqlite) ctx.out.info(`${c.path}: integrity check ${c.problems.length ? 'FAILED' : 'ok'}`);
    if (damaged.length) {
      throw new LifeboatError(
        'RESTORE_FAILED',
        `The restored SQLite database ${damaged[0]!.path} is damaged.`,
        {
          details: damaged
            .flatMap((c) => c.problems)
            .slice(0, 20)
            .join('\n'),
          hint: 'Restore an older snapshot, and run `lifeboat check --read-data`.',
        },
      );
    }
    if (result.errors.length) {
      throw new LifeboatError('REPO_CORRUPT', `${result.errors.length} entries could not be restored.`, {
        hint: 'Run `lifeboat check --read-data` to see which data is damaged.',
      });
    }
  });
}
