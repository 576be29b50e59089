/**
 * Writes the content of restored files, pack by pack (like restic): each needed range of a pack is
 * read once, and every blob in it is decoded, verified against its id and written to all the
 * places that need it, in worker threads (restore-worker.ts) so that decoding, verifying and
 * writing use every core while the main thread reads ahead. Small restores decode in process.
 *
 * Files are created under a temporary name ahead of the ranges that need them (an "opener" runs
 * in parallel with reading and decoding, since creating many small files is slow on most file
 * systems), and renamed into place once all their bytes are written (safe-writer.ts), while the
 * next ranges go on. Files are taken in batches of at most `maxOpenFiles`, each batch finished
 * before the next, which bounds open descriptors. A temporary file's descriptor stays open until
 * no job that may write to it is running, so a worker can never write to a descriptor that was
 * closed and reused; after a fatal error (full disk, cancel) every job, creation and commit is
 * waited for before the temporary files are removed.
 *
 * Memory: at most `parallel` ranges (≤ 8 MiB each, blob-reader.ts) are in flight, plus one decoded
 * blob per worker; every large buffer is freed as soon as it is written (restore-job.ts).
 */
import { availableParallelism } from 'node:os';
import { LifeboatError } from '../../shared/errors.ts';
import { fsError } from '../storage/fs-errors.ts';
import { planRanges } from './blob-reader.ts';
import type { PackRange, RangeBlob } from './blob-reader.ts';
import type { IndexEntry } from './master-index.ts';
import type { Repository } from './repository.ts';
import { runRestoreJob } from './restore-job.ts';
import type { JobBlob, RestoreJob, RestoreJobResult } from './restore-job.ts';
import type { PlanItem } from './restore-plan.ts';
import type { SafeWriter, TempFile } from './safe-writer.ts';
import { WorkerPool } from './worker-pool.ts';
import { findWorkerScript } from './worker-url.ts';
import { fromWireError } from './workers/worker-protocol.ts';

export interface FileToRestore {
  item: PlanItem;
  /** The file's content blobs, in order. */
  entries: IndexEntry[];
}

export interface RestoreFilesOptions {
  signal?: AbortSignal;
  /** Ranges in flight (read, decode, write); default 4, or workers + 2 when more. */
  parallel?: number;
  /**
   * Decoding threads; default one per core (at most 4) for restores of 16 MiB or more, else 0 (in
   * process). Always 0 where the worker script is not shipped.
   */
  workers?: number;
  /** Bytes of a file written (once per place a blob goes to). */
  onBytes: (item: PlanItem, bytes: number) => void;
  /** A file is finished: restored, or not (with the reason). Not called for files never started. */
  onFileDone: (item: PlanItem, error?: unknown) => void;
  /** Errors that stop the whole restore (full disk, cancelled, unsafe target…). */
  isFatal: (err: unknown) => boolean;
}

/**
 * Undefined where the worker script is not shipped (a bundle that does not package it): restore
 * then decodes in process, slower but the same.
 */
const workerUrl = findWorkerScript(new URL('./restore-worker.ts', import.meta.url));

/** Open temporary files at most; each batch of files is finished before the next starts. */
const maxOpenFiles = 512;
const workersFrom = 16 * 1024 * 1024;

interface FileState {
  item: PlanItem;
  entries: IndexEntry[];
  /** Blob writes still to do. */
  pending: number;
  temp?: TempFile;
  opening?: Promise<void>;
  /** Jobs running that may write to the temporary file. */
  busy: number;
  error?: unknown;
  settled: boolean;
}

export async function restoreFiles(
  repo: Repository,
  writer: SafeWriter,
  files: readonly FileToRestore[],
  opts: RestoreFilesOptions,
): Promise<void> {
  if (files.length === 0) return;
  const totalBytes = files.reduce((n, f) => n + (f.item.node.size ?? 0), 0);
  const workers = !workerUrl
    ? 0
    : (opts.workers ?? (totalBytes >= workersFrom ? Math.min(4, availableParallelism()) : 0));
  const pool =
    workers > 0 && workerUrl
      ? new WorkerPool<RestoreJob, RestoreJobResult>({
          url: workerUrl,
          workerData: { key: repo.key },
          size: workers,
          maxInFlightBytes: Number.MAX_SAFE_INTEGER, // bounded by `parallel` ranges
          name: 'restore worker',
        })
      : undefined;
  try {
    for (let start = 0; start < files.length; start += maxOpenFiles) {
      const batch = files
        .slice(start, start + maxOpenFiles)
        .map((f): FileState => ({ item: f.item, entries: f.entries, pending: 0, busy: 0, settled: false }));
      await new Batch(repo, writer, pool, batch, opts.parallel ?? Math.max(4, workers + 2), opts).run();
    }
  } finally {
    await pool?.close();
  }
}

class Batch {
  private readonly repo: Repository;
  private readonly writer: SafeWriter;
  private readonly pool: WorkerPool<RestoreJob, RestoreJobResult> | undefined;
  private readonly files: FileState[];
  private readonly parallel: number;
  private readonly opts: RestoreFilesOptions;
  private fatal: { err: unknown } | undefined;
  private readonly background = new Set<Promise<void>>();

  constructor(
    repo: Repository,
    writer: SafeWriter,
    pool: WorkerPool<RestoreJob, RestoreJobResult> | undefined,
    files: FileState[],
    parallel: number,
    opts: RestoreFilesOptions,
  ) {
    this.repo = repo;
    this.writer = writer;
    this.pool = pool;
    this.files = files;
    this.parallel = Math.max(1, parallel);
    this.opts = opts;
  }

  async run(): Promise<void> {
    const { signal } = this.opts;
    const ranges = planRanges(this.files.map((f) => f.entries));
    for (const r of ranges) for (const b of r.blobs) for (const t of b.targets) this.files[t.file]!.pending++;
    const touched = ranges.map((r) => [
      ...new Set(r.blobs.flatMap((b) => b.targets.map((t) => this.files[t.file]!))),
    ]);
    // Creating files costs the file system far more than writing a big one (and creations in one
    // folder do not run in parallel): ranges touching few files go first, so that the workers are
    // busy with big files while the opener creates the small ones ahead of their ranges.
    const order = ranges.map((_, i) => i).sort((a, b) => touched[a]!.length - touched[b]!.length || a - b);
    const toOpen = [...new Set(order.flatMap((i) => touched[i]!))];
    for (const f of this.files) if (f.pending === 0) toOpen.push(f); // empty files: nothing to read
    let nextOpen = 0;
    const opener = async (): Promise<void> => {
      while (!this.stopped() && nextOpen < toOpen.length) {
        const f = toOpen[nextOpen++]!;
        await this.guard(async () => {
          await this.open(f);
          if (f.pending === 0) await this.settle(f);
        });
      }
    };
    let next = 0;
    const runner = async (): Promise<void> => {
      while (!this.stopped() && next < order.length) {
        const i = order[next++]!;
        await this.guard(() => this.runRange(ranges[i]!, touched[i]!));
      }
    };
    await Promise.all([opener(), opener(), ...Array.from({ length: this.parallel }, runner)]);
    while (this.background.size > 0) await Promise.all(this.background);
    if (!this.fatal && signal?.aborted)
      this.fatal = { err: new LifeboatError('CANCELLED', 'The restore was cancelled.') };
    if (this.fatal) {
      // Nothing runs any more (jobs, opens, commits): every temporary file can be closed and removed.
      for (const f of this.files) if (f.temp && !f.settled) await this.writer.discardFile(f.temp);
      throw this.fatal.err;
    }
    for (const f of this.files) {
      if (f.settled) continue; // not expected: every file is settled by its last range
      f.settled = true;
      if (f.temp) await this.writer.discardFile(f.temp);
      this.opts.onFileDone(
        f.item,
        f.error ?? new LifeboatError('INTERNAL', 'The file was not completely restored.'),
      );
    }
  }

  private stopped(): boolean {
    return this.fatal !== undefined || Boolean(this.opts.signal?.aborted);
  }

  /** Runs `work`; an error (always fatal here: others are recorded per file) stops the batch. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.fatal ??= { err };
    }
  }

  /** Starts `work` without waiting for it; run() waits for all of it before cleaning up. */
  private spawn(work: () => Promise<void>): void {
    const p: Promise<void> = this.guard(work).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  private healthy(f: FileState): boolean {
    return f.error === undefined && !f.settled;
  }

  /** Creates the temporary file; an error that is not fatal fails only this file. */
  private open(f: FileState): Promise<void> {
    if (f.temp || !this.healthy(f)) return Promise.resolve();
    f.opening ??= this.writer.createFile(f.item).then(
      (t) => {
        f.temp = t;
      },
      async (err: unknown) => {
        if (this.opts.isFatal(err)) throw err;
        this.fail(f, err);
        await this.settle(f);
      },
    );
    return f.opening;
  }

  private fail(f: FileState, err: unknown): void {
    f.error ??= err;
  }

  /** Commits a complete file, or discards a failed one once no job can write to it any more. */
  private async settle(f: FileState): Promise<void> {
    if (f.settled || f.busy > 0 || f.opening === undefined) return;
    if (f.error === undefined) {
      if (f.pending > 0 || !f.temp) return;
      this.opts.signal?.throwIfAborted();
      f.settled = true;
      try {
        await this.writer.commitFile(f.temp);
      } catch (err) {
        if (this.opts.isFatal(err)) throw err;
        this.opts.onFileDone(f.item, err);
        return;
      }
      this.opts.onFileDone(f.item);
      return;
    }
    f.settled = true;
    if (f.temp) await this.writer.discardFile(f.temp);
    this.opts.onFileDone(f.item, f.error);
  }

  private async runRange(range: PackRange, touched: FileState[]): Promise<void> {
    // The read does not wait for the files to be created.
    const [opened, read] = await Promise.allSettled([
      allSettled(touched.map((f) => this.open(f))),
      this.read(range),
    ]);
    if (read.status === 'rejected') throw read.reason;
    if (opened.status === 'rejected') throw opened.reason;
    const live = new Set(touched.filter((f) => this.healthy(f)));
    if (live.size === 0) return;
    for (const f of live) f.busy++;
    try {
      const failures = await this.decodeAndWrite(range, read.value);
      for (const [i, b] of range.blobs.entries()) {
        const failure = failures[i];
        if (failure !== undefined && !(await this.recover(b, failure))) continue;
        for (const t of b.targets) {
          const f = this.files[t.file]!;
          if (!live.has(f)) continue;
          f.pending--;
          if (this.healthy(f)) this.opts.onBytes(f.item, b.size);
        }
      }
    } finally {
      for (const f of live) f.busy--;
    }
    // Commit (or discard) finished files in the background: the next range need not wait.
    for (const f of live) {
      if (f.busy === 0 && (f.pending === 0 || f.error !== undefined)) this.spawn(() => this.settle(f));
    }
  }

  /** The bytes of a range, or the reason they could not be read (fatal errors throw). */
  private async read(range: PackRange): Promise<{ data: Buffer } | { error: unknown }> {
    try {
      const data = await this.repo.backend.read('data', range.packId, {
        offset: range.offset,
        length: range.length,
      });
      if (data.length !== range.length) {
        throw new LifeboatError(
          'REPO_CORRUPT',
          `Pack ${range.packId.slice(0, 8)} is shorter than the index says.`,
        );
      }
      return { data };
    } catch (err) {
      if (this.opts.isFatal(err)) throw err;
      return { error: err };
    }
  }

  /** Runs the job of a range that was read; per blob, the error if it was not written. */
  private async decodeAndWrite(
    range: PackRange,
    read: { data: Buffer } | { error: unknown },
  ): Promise<Array<unknown>> {
    if ('error' in read) return range.blobs.map(() => read.error);
    const { data } = read;
    const blobs = range.blobs.map((b): JobBlob => ({
      offset: b.entry.offset - range.offset,
      length: b.entry.length,
      id: b.entry.id,
      ...(b.entry.uncompressedLength ? { uncompressedLength: b.entry.uncompressedLength } : {}),
      writes: b.targets.flatMap((t) => {
        const f = this.files[t.file]!;
        return this.healthy(f) && f.temp ? [f.temp.handle.fd, t.position] : [];
      }),
    }));
    let result: RestoreJobResult;
    if (!this.pool) {
      result = runRestoreJob(this.repo.key, { data, blobs });
    } else {
      // Move the bytes to the worker (every backend returns a new buffer per read, ours to give
      // away; the worker frees it when done); a slice of a shared buffer is copied first.
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      const own = whole ? data : new Uint8Array(data);
      // No abort signal here: the job must finish before its files may be closed.
      result = await this.pool.run(
        { data: own, blobs },
        { transfer: [own.buffer as ArrayBuffer], cost: own.length },
      );
    }
    return result.failed.map((w) => (w === undefined ? undefined : fromWireError(w)));
  }

  /** A damaged blob: tries its other stored copies (written from here), else fails its files. */
  private async recover(b: RangeBlob, failure: unknown): Promise<boolean> {
    let err = failure;
    if (this.repo.index.lookupAll('data', b.entry.id).length > 1) {
      try {
        const plain = await this.repo.loadBlob('data', b.entry.id);
        for (const t of b.targets) {
          const f = this.files[t.file]!;
          if (this.healthy(f) && f.temp) await writeAll(f.temp, plain, t.position);
        }
        return true;
      } catch (e) {
        if (this.opts.isFatal(e)) throw e;
        err = e;
      }
    }
    for (const t of b.targets) this.fail(this.files[t.file]!, err);
    return false;
  }
}

/** Like Promise.all, but waits for every promise before throwing the first error. */
async function allSettled(promises: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

async function writeAll(f: TempFile, data: Buffer, position: number): Promise<void> {
  try {
    for (let done = 0; done < data.length;) {
      const { bytesWritten } = await f.handle.write(data, done, data.length - done, position + done);
      if (bytesWritten === 0) throw Object.assign(new Error('no progress writing'), { code: 'ENOSPC' });
      done += bytesWritten;
    }
  } catch (err) {
    throw fsError(err, f.dest);
  }
}
