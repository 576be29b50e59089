/**
 * Restore as the UI offers it (after the preview, restore-preview.ts): restore with progress, then
 * read every restored file back from the disk and check it (restore-verify.ts), and a report in plain
 * words. One restore at a time; cancelRestore aborts it (the call rejects CANCELLED). A cancelled
 * restore leaves the files it finished in the target; unfinished ones are removed.
 *
 * Reuses the engine's restore (restore.ts): its plan refuses any snapshot entry that could write
 * outside the target (UNSAFE_PATH) before anything is written, and it verifies every blob it writes.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { ExclusiveTask } from '../exclusive-task.ts';
import type { RestoreReport, RestoreRequest } from '../../shared/repositories.ts';
import { lockRepository, type RepoLock } from '../repo/lock.ts';
import { restoreSnapshot } from '../repo/restore.ts';
import { displayPath } from '../repo/restore-plan.ts';
import type { RepositoriesDeps } from './deps.ts';
import type { OpenRepository } from './open-repository.ts';
import { kindOfRestoreError, problemText } from './restore-messages.ts';
import { planFor } from './restore-preview.ts';
import { progressEmitter } from './restore-progress.ts';
import { resolveTarget } from './restore-target.ts';
import { verifyRestored } from './restore-verify.ts';
import { isoTime } from './snapshot-list.ts';

export class RestoreSessions {
  readonly #deps: RepositoriesDeps;
  readonly #task = new ExclusiveTask('Another restore is in progress.');

  constructor(deps: RepositoriesDeps) {
    this.#deps = deps;
  }

  /** Stops the restore in progress (the app is closing) and waits until it has tidied up. */
  close(): Promise<void> {
    return this.#task.close();
  }

  cancel(): boolean {
    return this.#task.cancel();
  }

  restore(open: OpenRepository, request: RestoreRequest): Promise<RestoreReport> {
    return this.#task.run((signal) => this.#run(open, request, signal));
  }

  async #run(open: OpenRepository, request: RestoreRequest, signal: AbortSignal): Promise<RestoreReport> {
    const startedAt = this.#deps.now().toISOString();
    const language = this.#deps.language();
    const sn = await open.snapshot(request.snapshotId);
    const target = await resolveTarget(request.target);
    const plan = await planFor(open, sn, request.include, signal);
    const emit = progressEmitter(this.#deps, plan);
    const lock = await sharedLock(open);
    try {
      emit({ phase: 'restoring', filesDone: 0, bytesDone: 0, currentItem: null }, true);
      const result = await restoreSnapshot(open.repo, sn, {
        target: target.root,
        include: [...request.include],
        overwrite: target.overwrite,
        signal,
        onProgress: (p) =>
          emit({
            phase: 'restoring',
            filesDone: p.filesDone,
            bytesDone: p.bytesDone,
            currentItem: p.currentPath ?? null,
          }),
      });
      const problems = new Map<string, string>();
      const dirs = new Set(plan.dirs.map((d) => displayPath(d.segments)));
      for (const e of result.errors) {
        if (target.original && isDirMetadataProblem(dirs, e.path, e.code)) continue;
        problems.set(e.path, problemText(language, kindOfRestoreError(e.code, e.message)));
      }
      // Files that failed make the restore not ok; special files (pipes, devices) are only mentioned.
      const failures = problems.size;
      for (const s of result.skipped) problems.set(s.path, problemText(language, 'skipped'));

      const filesVerified = await verifyRestored(
        open,
        plan,
        target,
        problems,
        signal,
        language,
        (done, bytes, item) =>
          emit({ phase: 'verifying', filesDone: done, bytesDone: bytes, currentItem: item }),
      );
      const problemList = [...problems].map(([path, message]) => ({ path, message }));
      emit(
        { phase: 'verifying', filesDone: plan.files.length, bytesDone: plan.totalBytes, currentItem: null },
        true,
      );
      return {
        snapshotId: sn.id,
        snapshotTime: isoTime(sn.time),
        targetPath: target.root,
        startedAt,
        finishedAt: this.#deps.now().toISOString(),
        filesRestored: result.files,
        dirsRestored: result.dirs,
        bytesRestored: result.bytes,
        filesVerified,
        problems: problemList,
        ok: failures === 0 && filesVerified === plan.files.length,
      };
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }
}

/** A folder's owner or mode on the way to the original place (`/home`) is not ours to change. */
function isDirMetadataProblem(dirs: ReadonlySet<string>, path: string, code: string): boolean {
  return code === 'PERMISSION_DENIED' && dirs.has(path);
}

/** Non-exclusive, like restic's restore: a prune elsewhere waits instead of removing packs under us. */
export async function sharedLock(open: OpenRepository): Promise<RepoLock | undefined> {
  try {
    return await lockRepository(open.repo, { exclusive: false, settleMs: 0 });
  } catch (err) {
    // Storage we may only read (a read-only share) can still be restored from.
    if (err instanceof LifeboatError && err.code === 'PERMISSION_DENIED') return undefined;
    throw err;
  }
}
