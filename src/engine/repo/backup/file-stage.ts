/**
 * One regular file of the scan → its tree node. An unchanged file (restic's rule: same size, mtime,
 * ctime and inode as in the parent, and every content blob still in the index) takes the parent's
 * content list without being opened. Any other file goes to the FileSaver (worker threads).
 *
 * A file that changed while it was read is read once more; if it changes again, what was read is
 * stored and a warning says so (restic stores it silently). An unreadable or vanished file becomes
 * a warning and is left out of the snapshot. Anything else (repository failure, cancel) is fatal.
 */
import { LifeboatError } from '../../../shared/errors.ts';
import type { TreeNode } from '../tree.ts';
import type { FileResult } from '../workers/file-processor.ts';
import type { FileSaver } from '../workers/file-saver.ts';
import type { BackupStats, BackupWarning } from './backup-types.ts';
import type { BlobSink } from './blob-sink.ts';
import { fileChanged, fileNode, nodeFromEntry } from './node-from-entry.ts';
import type { ChangeOptions } from './node-from-entry.ts';
import { countedRead, type ProgressTracker } from './progress.ts';
import type { ScanEntry } from './scanner.ts';
import type { ChangeCounters } from './summary.ts';
import type { FutureNode } from './tree-builder.ts';

export interface FileStageOptions extends ChangeOptions {
  /** Created on first use: an unchanged incremental backup never starts the worker threads. */
  saver: () => FileSaver;
  sink: BlobSink;
  counters: ChangeCounters;
  progress: ProgressTracker;
  stats: BackupStats;
  warn(w: BackupWarning): void;
  signal: AbortSignal;
  force?: boolean;
  /** A file failed for a reason that must stop the backup (repository error, cancel). */
  onFatal(err: unknown): void;
  /** Files being read at once; bounds memory and open files. */
  maxInFlight: number;
  /**
   * Small files (the saver batches them) in flight at once: enough for a full batch per worker and
   * the next ones filling; each holds at most one small file's bytes, and only while its batch runs.
   */
  maxSmallInFlight: number;
}

export class FileStage {
  private readonly o: FileStageOptions;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly smallInFlight = new Set<Promise<unknown>>();

  constructor(opts: FileStageOptions) {
    this.o = opts;
  }

  /**
   * The node, or a future of it (boxed: an async function would flatten a returned promise). Waits
   * while too many files are in flight, which is the backpressure on the scan.
   */
  async submit(entry: ScanEntry, prev: TreeNode | undefined): Promise<{ node: FutureNode }> {
    const o = this.o;
    o.progress.fileStarted(entry.path);
    const unchanged = !o.force && prev !== undefined && !fileChanged(entry, prev, o);
    // a non-empty file with no content in the parent is damage, not something to copy
    const usable = unchanged && ((prev.content?.length ?? 0) > 0 || (prev.size ?? 0) === 0);
    if (usable && (prev.content ?? []).every((id) => o.sink.hasData(id))) {
      o.counters.reusedFile(prev);
      o.stats.filesReused++;
      o.progress.bytes(prev.size ?? 0);
      o.progress.fileDone();
      return { node: { ...nodeFromEntry(entry), content: prev.content ?? [] } };
    }
    if (unchanged) {
      o.warn({
        path: entry.path,
        kind: 'repository',
        message: `Parts of ${entry.path} are missing from the repository index; the file is stored again.`,
      });
    }
    const small = o.saver().batches(entry.size);
    const inFlight = small ? this.smallInFlight : this.inFlight;
    const max = small ? o.maxSmallInFlight : o.maxInFlight;
    while (inFlight.size >= max) await Promise.race(inFlight);
    await o.saver().waitForSpace();
    const future = this.read(entry, prev);
    const done = future.then(
      () => undefined,
      (err: unknown) => o.onFatal(err),
    );
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    return { node: future };
  }

  /** Resolves when every file handed out so far has finished (or failed). */
  async idle(): Promise<void> {
    while (this.inFlight.size + this.smallInFlight.size > 0)
      await Promise.allSettled([...this.inFlight, ...this.smallInFlight]);
  }

  private async read(entry: ScanEntry, prev: TreeNode | undefined): Promise<TreeNode | undefined> {
    const o = this.o;
    try {
      let result = await this.readOnce(entry);
      if (result.changed) {
        o.stats.filesReread++;
        let again: FileResult | undefined;
        try {
          again = await this.readOnce(entry);
        } catch (err) {
          if (!isUnreadable(err) || o.signal.aborted) throw err;
        }
        const settled = again !== undefined && !again.changed;
        o.warn({
          path: entry.path,
          kind: 'changed',
          message: settled
            ? `${entry.path} changed while it was read; it was read again and that copy was stored.`
            : `${entry.path} kept changing while it was read; the content as read was stored and may be inconsistent.`,
          ...(settled
            ? {}
            : { hint: 'Close the program writing to it, or back up an export or a database dump instead.' }),
        });
        result = again ?? result;
      }
      const node = fileNode(
        entry,
        result.before,
        result.bytesRead,
        result.chunks.map((c) => c.id),
      );
      o.counters.file(prev, node);
      return node;
    } catch (err) {
      if (!isUnreadable(err) || o.signal.aborted) throw err;
      o.warn({
        path: entry.path,
        kind: /deleted or moved|ENOENT|no such file/i.test(`${err.hint ?? ''} ${err.details ?? ''}`)
          ? 'vanished'
          : 'unreadable',
        message: `${err.message} It was left out of this snapshot.`,
        ...(err.hint ? { hint: err.hint } : {}),
        ...(err.details ? { details: err.details } : {}),
      });
      return undefined;
    } finally {
      o.progress.fileDone();
    }
  }

  private async readOnce(entry: ScanEntry): Promise<FileResult> {
    const o = this.o;
    return countedRead(o.progress, o.stats, (onProgress) =>
      o.saver().saveFile(entry.path, { size: entry.size, signal: o.signal, onProgress }),
    );
  }
}

function isUnreadable(err: unknown): err is LifeboatError {
  return err instanceof LifeboatError && err.code === 'SOURCE_UNREADABLE';
}
