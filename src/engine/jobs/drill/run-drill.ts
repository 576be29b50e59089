/**
 * runDrill(): the restore test from the user's checklist — pick a backup (at random by default),
 * restore it into a fresh private sandbox, check every restored file against the snapshot, check
 * the databases, time each step, delete the sandbox, and say plainly whether it passed.
 *
 * Damage is a finding, not an exception: a drill that meets a broken pack returns a report with
 * passed=false naming the files. It throws only when there is nothing to test (no snapshot,
 * unknown id), when the repository is locked by a prune, or when cancelled — always after
 * deleting the sandbox. A shared lock is held, as restic's restore does, so a prune cannot remove
 * packs in the middle of the drill and fake a failure.
 */
import { hostname as osHostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs/promises';
import { LifeboatError, toErrorInfo } from '../../../shared/errors.ts';
import { nsToDate, parseGoTime } from '../../repo/go-time.ts';
import { lockRepository } from '../../repo/lock.ts';
import type { Repository } from '../../repo/repository.ts';
import { restoreSnapshot } from '../../repo/restore.ts';
import type { RestoreResult } from '../../repo/restore.ts';
import { appVersion } from '../../version.ts';
import { mapLimit } from '../../repo/concurrency.ts';
import { checkDatabase, looksLikeDatabase } from './check-databases.ts';
import type {
  DatabaseCheck,
  DrillOptions,
  DrillPhase,
  DrillPhaseName,
  DrillProblem,
  DrillProgress,
  DrillReport,
} from './drill-types.ts';
import { pickSnapshot, sampleOf } from './pick-snapshot.ts';
import { createSandbox, hasRoomFor, removeSandbox } from './sandbox.ts';
import { readSnapshotContents } from './snapshot-contents.ts';
import type { ExpectedFile, SnapshotContents } from './snapshot-contents.ts';
import { unlockSandbox, verifyFile, verifySymlink } from './verify-files.ts';
import type { VerifiedFile } from './verify-files.ts';

export async function runDrill(repo: Repository, opts: DrillOptions = {}): Promise<DrillReport> {
  const now = opts.now ?? (() => new Date());
  const signal = opts.signal;
  const startedAt = now();
  const started = performance.now();
  const phases: DrillPhase[] = [];
  const problems: DrillProblem[] = [];
  const timed = async <T>(name: DrillPhaseName, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      phases.push({ name, durationMs: Math.round(performance.now() - t) });
    }
  };
  const report = (p: DrillProgress): void => {
    try {
      opts.onProgress?.(p);
    } catch {
      // a failing progress listener must not break the drill
    }
  };

  signal?.throwIfAborted();
  const lock = await timed('prepare', () => lockRepository(repo, { exclusive: false }));
  try {
    const random = opts.random ?? Math.random;
    const picked = await timed('choose', () => pickSnapshot(repo, { ...opts, random }));
    const sn = picked.snapshot;

    let contents: SnapshotContents | undefined;
    try {
      contents = await timed('read-snapshot', () => readSnapshotContents(repo, sn.tree, signal));
    } catch (err) {
      rethrowIfCancelled(err, signal);
      problems.push({
        kind: 'fatal',
        detail: `The snapshot's folder listing could not be read: ${describe(err)}`,
      });
    }

    // Sampling keeps the drill short on big snapshots; databases are always in, they are the point.
    let files = contents?.files ?? [];
    let sample: DrillReport['sample'] = null;
    if (contents && opts.sampleFiles !== undefined && opts.sampleFiles < files.length) {
      const dbs = files.filter((f) => looksLikeDatabase(f.path));
      const others = files.filter((f) => !looksLikeDatabase(f.path));
      const chosen = new Set([
        ...dbs,
        ...sampleOf(others, Math.max(0, opts.sampleFiles - dbs.length), random),
      ]);
      files = contents.files.filter((f) => chosen.has(f));
      sample = { files: files.length, ofFiles: contents.files.length };
    }
    const expectedBytes = files.reduce((n, f) => n + f.size, 0);

    let restored: RestoreResult | undefined;
    const verified: VerifiedFile[] = [];
    const databases: DatabaseCheck[] = [];
    let sandboxRemoved = true;
    const sandbox = await createSandbox(opts.sandboxDir);
    try {
      const room = contents ? await hasRoomFor(sandbox, expectedBytes) : { ok: true, free: undefined };
      if (!room.ok)
        problems.push({
          kind: 'space',
          detail: `The drill needs ${expectedBytes} bytes in ${opts.sandboxDir ?? 'the temporary folder'}, but only ${room.free} are free.`,
        });
      if (contents && room.ok) {
        restored = await timed('restore', () =>
          restoreInto(repo, sn.id, sandbox, files, sample !== null, opts, report, problems),
        );
        if (restored) {
          await unlockSandbox(sandbox);
          const failed = new Set(restored.errors.map((e) => e.path));
          await timed('verify', () =>
            verifyAll(
              sandbox,
              files.filter((f) => !failed.has(f.path)),
              expectedBytes,
              signal,
              report,
              verified,
              problems,
            ),
          );
          if (!sample)
            for (const link of contents.symlinks) {
              const p = await verifySymlink(sandbox, link);
              if (p) problems.push(p);
            }
          await timed('databases', async () => {
            for (const file of verified) {
              signal?.throwIfAborted();
              const check = await checkDatabase(sandbox, file, signal);
              if (!check) continue;
              databases.push(check);
              if (!check.ok)
                problems.push({
                  kind: check.kind === 'sqlite' ? 'database' : 'dump',
                  path: check.path,
                  detail: check.result,
                });
            }
          });
        }
      }
    } finally {
      await timed('cleanup', async () => {
        try {
          await removeSandbox(sandbox);
        } catch (err) {
          problems.push({
            kind: 'cleanup',
            detail: `The temporary folder ${sandbox} could not be deleted: ${describe(err)}`,
          });
        }
        sandboxRemoved = !(await exists(sandbox));
      });
    }

    const finishedAt = now();
    return {
      version: 1,
      language: opts.language ?? 'en',
      jobName: opts.jobName ?? null,
      repository: opts.repositoryName ?? repo.backend.location,
      computer: opts.computer ?? osHostname(),
      lifeboatVersion: appVersion,
      snapshot: {
        id: sn.id,
        time: nsToDate(parseGoTime(sn.time)).toISOString(),
        hostname: sn.hostname ?? null,
        paths: sn.paths,
        tags: sn.tags ?? [],
      },
      contents: {
        files: contents?.files.length ?? 0,
        dirs: contents?.dirs ?? 0,
        bytes: contents?.bytes ?? 0,
      },
      chosenAtRandom: picked.chosenAtRandom,
      candidates: picked.candidates,
      sample,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      phases,
      files: { expected: files.length, restored: restored?.files ?? 0, verified: verified.length },
      bytes: {
        expected: expectedBytes,
        restored: restored?.bytes ?? 0,
        verified: verified.reduce((n, f) => n + f.size, 0),
      },
      dirs: restored?.dirs ?? 0,
      symlinks: restored?.symlinks ?? 0,
      skipped: restored?.skipped.length ?? 0,
      databases,
      problems,
      sandboxRemoved,
      passed: problems.every((p) => p.kind === 'cleanup') && Boolean(contents),
    };
  } catch (err) {
    rethrowIfCancelled(err, signal);
    throw err;
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function restoreInto(
  repo: Repository,
  snapshotId: string,
  sandbox: string,
  files: ExpectedFile[],
  sampled: boolean,
  opts: DrillOptions,
  report: (p: DrillProgress) => void,
  problems: DrillProblem[],
): Promise<RestoreResult | undefined> {
  try {
    const result = await restoreSnapshot(repo, snapshotId, {
      target: sandbox,
      ...(sampled ? { include: files.map((f) => f.path) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) =>
        report({
          phase: 'restore',
          filesDone: p.filesDone,
          filesTotal: p.filesTotal,
          bytesDone: p.bytesDone,
          bytesTotal: p.bytesTotal,
          ...(p.currentPath ? { currentPath: p.currentPath } : {}),
        }),
    });
    for (const e of result.errors)
      problems.push({ kind: 'restore', path: e.path, detail: `${e.code}: ${e.message}` });
    return result;
  } catch (err) {
    rethrowIfCancelled(err, opts.signal);
    problems.push({ kind: 'fatal', detail: `The restore stopped: ${describe(err)}` });
    return undefined;
  }
}

async function verifyAll(
  sandbox: string,
  files: ExpectedFile[],
  bytesTotal: number,
  signal: AbortSignal | undefined,
  report: (p: DrillProgress) => void,
  verified: VerifiedFile[],
  problems: DrillProblem[],
): Promise<void> {
  let filesDone = 0;
  let bytesDone = 0;
  const results = await mapLimit(files, 4, async (f) => {
    const r = await verifyFile(sandbox, f, signal);
    filesDone++;
    bytesDone += f.size;
    report({
      phase: 'verify',
      filesDone,
      filesTotal: files.length,
      bytesDone,
      bytesTotal,
      currentPath: f.path,
    });
    return r;
  });
  // Keep snapshot order, so the report lists things as the snapshot does.
  for (const r of results) {
    if ('sha256' in r) verified.push(r);
    else problems.push(r);
  }
}

function describe(err: unknown): string {
  const info = toErrorInfo(err);
  return info.code === 'INTERNAL' && info.details ? info.details : `${info.code}: ${info.message}`;
}

function rethrowIfCancelled(err: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted || (err instanceof LifeboatError && err.code === 'CANCELLED'))
    throw new LifeboatError('CANCELLED', 'The restore drill was cancelled.', {
      hint: 'It can be run again at any time.',
    });
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}
