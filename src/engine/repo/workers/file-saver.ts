/**
 * Main-thread side of the file pipeline: runs processFile() in the worker pool, small files in
 * batches (processSmallFiles: one task and one dedup round-trip for many files), or, for a big file,
 * reads and cuts it here and spreads its segments over the pool (processSegment), and answers their
 * dedup questions. A chunk is "new" when the index does not
 * know it and no other file is already encoding it; the first file to ask claims it. Claims end
 * when the packer accepted the blob (`saveBlob` resolved) or when the claiming file fails.
 *
 * Race it handles: file B skips chunk X because file A claimed it; if A then fails (vanished,
 * cancelled, crashed), X was never saved, so B is read again (bounded retries).
 */
import type { Readable } from 'node:stream';
import type { MasterKey } from '../crypto.ts';
import { LifeboatError } from '../../../shared/errors.ts';
import { Chunker, DEFAULT_CHUNKER_PARAMS } from '../chunker.ts';
import { releaseBuffer } from '../release-buffer.ts';
import { WorkerPool } from '../worker-pool.ts';
import { workerScript } from '../worker-url.ts';
import { openRegularFile, toFileStat, unreadable } from './file-processor.ts';
import type {
  ChunkRef,
  EncodedChunk,
  FileMessage,
  FileReply,
  FileResult,
  FileTask,
  FileWorkerResult,
  FileWorkerTask,
  SegmentResult,
  SegmentTask,
  SmallFilesResult,
  SmallFilesTask,
} from './file-processor.ts';
import { cancelledError, fromWireError } from './worker-protocol.ts';

/** What saveStream stored: the content list and how much was new. */
export interface StreamResult {
  chunks: ChunkRef[];
  bytesRead: number;
  newChunks: number;
  newBytes: number;
}

/** The stream being saved failed (the dump tool's error is `cause`), not the repository. */
export class StreamReadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'StreamReadError';
  }
}

/** Pull-style reads from a Readable into a caller's buffer (the segment buffers are shared memory). */
class StreamReader {
  private readonly iterator: AsyncIterator<unknown>;
  private pending: Buffer | undefined;
  private ended = false;

  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** Copies up to `length` bytes into `target` at `offset`; 0 at the end of the stream. */
  async read(target: Buffer, offset: number, length: number): Promise<number> {
    while (!this.pending?.length) {
      if (this.ended) return 0;
      let next: IteratorResult<unknown>;
      try {
        next = await this.iterator.next();
      } catch (err) {
        throw new StreamReadError(err);
      }
      if (next.done) {
        this.ended = true;
        return 0;
      }
      const v = next.value;
      this.pending = Buffer.isBuffer(v) ? v : Buffer.from(v as string);
    }
    const n = this.pending.copy(target, offset, 0, Math.min(length, this.pending.length));
    this.pending = n === this.pending.length ? undefined : this.pending.subarray(n);
    return n;
  }

  /** Stops the stream (and its producer) unless it already ended. */
  close(): void {
    if (!this.ended) void this.iterator.return?.().catch(() => undefined);
  }
}

export interface SavedBlob extends EncodedChunk {
  data: Buffer;
}

export interface FileSaverOptions {
  key: MasterKey;
  /** Index lookup: true when a data blob with this id is stored or already handed to the packer. */
  isKnown(id: string): boolean;
  /**
   * Hands a new encoded blob to the packer. Resolve once accepted: from then on isKnown(id) must be
   * true. Delaying the promise slows the workers down (backpressure).
   */
  saveBlob(blob: SavedBlob): Promise<void> | void;
  /** Worker count; default os.availableParallelism(). */
  workers?: number;
  /** Files smaller than this go to the workers in batches (see SmallFilesTask); default 128 KiB. */
  batchBelow?: number;
  /**
   * Files of at least this size are cut into chunks here and their segments spread over all the
   * workers, so one big file (a database) uses every core; default 16 MiB.
   */
  splitFrom?: number;
  /** Passed to every FileTask (compress, blockSize, batchBytes, chunker). */
  task?: Omit<FileTask, 'path'>;
  /** Override of the worker script (tests). */
  workerUrl?: URL;
}

export interface SaveFileOptions {
  /** Size from the scanner's lstat; decides batched, whole or split. */
  size?: number;
  signal?: AbortSignal;
  /** Plaintext bytes chunked so far in this file (per batch or segment, 8-16 MiB), for progress/ETA. */
  onProgress?: (bytes: number) => void;
}

interface SmallFileRequest {
  path: string;
  options: SaveFileOptions;
  resolve(outcome: { result: FileResult; dependencies: Promise<boolean>[] }): void;
  reject(err: unknown): void;
}

/** A batch of small files goes to a worker when it holds this many files or bytes, or after smallBatchWaitMs. */
const smallBatchFiles = 64;
const smallBatchBytes = 2 * 1024 * 1024;
const smallBatchWaitMs = 2;

interface Claim {
  owner: number;
  done: Promise<boolean>;
  settle: (saved: boolean) => void;
}

const maxRetries = 3;
/** Segment size: at least the largest chunk, so every full segment holds a cut. */
const minSegmentBytes = 8 * 1024 * 1024;

/**
 * Segment buffers, shared memory that the workers read in place: allocated once, reused for every
 * segment. `max` bounds the bytes in flight.
 */
class SegmentBuffers {
  private readonly free: Buffer[] = [];
  private readonly waiters: (() => void)[] = [];
  private out = 0;
  private readonly size: number;
  private readonly max: number;

  constructor(size: number, max: number) {
    this.size = size;
    this.max = max;
  }

  async take(): Promise<Buffer> {
    while (this.free.length === 0 && this.out >= this.max)
      await new Promise<void>((r) => this.waiters.push(r));
    this.out++;
    return this.free.pop() ?? Buffer.from(new SharedArrayBuffer(this.size));
  }

  give(buf: Buffer): void {
    this.out--;
    this.free.push(buf);
    this.waiters.shift()?.();
  }

  /** Frees a slot without its buffer. */
  drop(): void {
    this.out--;
    this.waiters.shift()?.();
  }
}

export class FileSaver {
  private readonly opts: FileSaverOptions;
  private readonly pool: WorkerPool<FileWorkerTask, FileWorkerResult, FileMessage, FileReply>;
  private readonly claims = new Map<string, Claim>();
  private readonly segmentBytes: number;
  private readonly buffers: SegmentBuffers;
  private nextAttempt = 1;
  /** Attempts still running: a cancelled task's late message must not claim chunks nobody releases. */
  private readonly running = new Set<number>();
  /** Small files waiting (a few ms at most) to go to a worker together. */
  private small: SmallFileRequest[] = [];
  private smallBytes = 0;
  private smallTimer: NodeJS.Timeout | undefined;

  constructor(opts: FileSaverOptions) {
    this.opts = opts;
    this.segmentBytes = Math.max(
      minSegmentBytes,
      opts.task?.chunker?.maxSize ?? DEFAULT_CHUNKER_PARAMS.maxSize,
    );
    this.pool = new WorkerPool<FileWorkerTask, FileWorkerResult, FileMessage, FileReply>({
      url: opts.workerUrl ?? workerScript(new URL('./file-worker.ts', import.meta.url)),
      workerData: { key: opts.key },
      ...(opts.workers ? { size: opts.workers } : {}),
      // a file task holds at most ~batch + block + max chunk; the pool size is the real bound
      maxInFlightBytes: Number.MAX_SAFE_INTEGER,
      name: 'file reader',
    });
    // one segment running per worker and one being read (and then queued): reading and cutting a
    // segment takes a few ms, encoding it tens, so a worker that finishes finds the next one ready
    this.buffers = new SegmentBuffers(this.segmentBytes, this.pool.size + 1);
  }

  /** Resolves when the pool's queue has room: await it before queueing the next file. */
  waitForSpace(): Promise<void> {
    return this.pool.waitForSpace();
  }

  /** Whether a file of this size travels in a batch of small files (FileStage lets more of them wait). */
  batches(size: number): boolean {
    return size < (this.opts.batchBelow ?? 128 * 1024);
  }

  /** Chunks, hashes and stores one file. Errors: SOURCE_UNREADABLE, CANCELLED, or the packer's. */
  async saveFile(path: string, options: SaveFileOptions = {}): Promise<FileResult> {
    for (let attempt = 0; ; attempt++) {
      // a retry (a chunk it shares was lost with another file) goes alone, not held up by a batch
      const batched = attempt === 0 && options.size !== undefined && this.batches(options.size);
      const { result, dependencies } = batched
        ? await this.inBatch(path, options)
        : await this.attempt(path, options);
      const saved = await Promise.all(dependencies);
      if (saved.every(Boolean)) return result;
      if (attempt >= maxRetries) {
        throw new LifeboatError('INTERNAL', `Could not store all chunks of ${path}.`, {
          details: 'Chunks shared with other files were never stored because those files failed.',
        });
      }
    }
  }

  private inBatch(
    path: string,
    options: SaveFileOptions,
  ): Promise<{ result: FileResult; dependencies: Promise<boolean>[] }> {
    return new Promise((resolve, reject) => {
      this.small.push({ path, options, resolve, reject });
      this.smallBytes += options.size ?? 0;
      if (this.small.length >= smallBatchFiles || this.smallBytes >= smallBatchBytes) this.sendBatch();
      else this.smallTimer ??= setTimeout(() => this.sendBatch(), smallBatchWaitMs);
    });
  }

  /** Sends the waiting small files to a worker as one task; each caller gets its own file's outcome. */
  private sendBatch(): void {
    clearTimeout(this.smallTimer);
    this.smallTimer = undefined;
    const requests = this.small;
    this.small = [];
    this.smallBytes = 0;
    if (requests.length === 0) return;
    const owner = this.nextAttempt++;
    this.running.add(owner);
    const dependencies: Promise<boolean>[] = [];
    const signals = requests.flatMap((r) => (r.options.signal ? [r.options.signal] : []));
    const task: SmallFilesTask = {
      kind: 'small-files',
      paths: requests.map((r) => r.path),
      ...(this.opts.task?.compress !== undefined ? { compress: this.opts.task.compress } : {}),
      ...(this.opts.task?.chunker ? { chunker: this.opts.task.chunker } : {}),
    };
    this.pool
      .run(task, {
        onMessage: (msg) => this.answer(owner, msg, dependencies),
        label: `${requests.length} small files in ${requests[0]!.path}`,
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      })
      .then(
        (value) => {
          const { files } = value as SmallFilesResult;
          requests.forEach((request, i) => {
            const outcome = files[i];
            if (!outcome) request.reject(new LifeboatError('INTERNAL', `No result for ${request.path}.`));
            else if ('grown' in outcome) {
              const { size: _scanned, ...rest } = request.options;
              this.attempt(request.path, rest).then(request.resolve, request.reject);
            } else if (!outcome.ok) request.reject(fromWireError(outcome.error));
            else {
              request.options.onProgress?.(outcome.result.bytesRead);
              request.resolve({ result: outcome.result, dependencies });
            }
          });
        },
        (err: unknown) => {
          for (const request of requests) request.reject(err);
        },
      )
      .finally(() => {
        this.running.delete(owner);
        this.releaseClaims(owner);
      });
  }

  async close(): Promise<void> {
    this.sendBatch(); // nothing may wait for a timer once closed: the pool rejects what is left
    await this.pool.close();
  }

  /**
   * Chunks, hashes and stores a stream (a database dump) the way a big file is: cut here into
   * shared segments that the workers encode. A stream cannot be read twice, so a chunk it shares
   * with a file that failed is an error (callers let other files settle first). Errors of the
   * stream itself come out wrapped in StreamReadError, so callers can tell the source's failure
   * from the repository's.
   */
  async saveStream(label: string, stream: Readable, options: SaveFileOptions = {}): Promise<StreamResult> {
    const reader = new StreamReader(stream);
    try {
      const { result, dependencies } = await this.attempt(label, options, (ctx) =>
        this.cutAndEncode(label, (buf, offset, length) => reader.read(buf, offset, length), ctx),
      );
      if (!(await Promise.all(dependencies)).every(Boolean)) {
        throw new LifeboatError('INTERNAL', `Could not store all chunks of ${label}.`, {
          details: 'Chunks shared with other files were never stored because those files failed.',
        });
      }
      return result;
    } finally {
      reader.close();
    }
  }

  private async attempt<R = FileResult>(
    path: string,
    options: SaveFileOptions,
    custom?: (ctx: { signal: AbortSignal; request: (msg: FileMessage) => Promise<FileReply> }) => Promise<R>,
  ): Promise<{ result: R; dependencies: Promise<boolean>[] }> {
    const owner = this.nextAttempt++;
    this.running.add(owner);
    const dependencies: Promise<boolean>[] = [];
    const onMessage = (msg: FileMessage) => {
      if (msg.type === 'batch') options.onProgress?.(msg.chunks.reduce((n, c) => n + c.length, 0));
      return this.answer(owner, msg, dependencies);
    };
    const task: FileTask = { ...this.opts.task, path };
    const ctx = { signal: options.signal ?? new AbortController().signal, request: onMessage };
    try {
      if (custom) return { result: await custom(ctx), dependencies };
      const size = options.size;
      let result: FileResult;
      if (size !== undefined && size >= (this.opts.splitFrom ?? 16 * 1024 * 1024)) {
        result = await this.saveSegmented(path, ctx);
      } else {
        result = (await this.pool.run(task, {
          onMessage,
          label: path,
          ...(options.signal ? { signal: options.signal } : {}),
        })) as FileResult;
      }
      return { result: result as R, dependencies };
    } finally {
      this.running.delete(owner);
      this.releaseClaims(owner);
    }
  }

  /**
   * A big file: read and cut into chunks here (the chunker is sequential and fast), while workers
   * hash, dedup and encode its segments in parallel. Same result as processFile.
   */
  private async saveSegmented(
    path: string,
    ctx: { signal: AbortSignal; request: (msg: FileMessage) => Promise<FileReply> },
  ): Promise<FileResult> {
    const { fh, before } = await openRegularFile(path);
    try {
      const read = (buf: Buffer, offset: number, length: number, position: number) =>
        fh
          .read(buf, offset, length, position)
          .then((r) => r.bytesRead)
          .catch((err: unknown) => Promise.reject(unreadable(path, err)));
      const { chunks, bytesRead, newChunks, newBytes } = await this.cutAndEncode(path, read, ctx);
      const after = toFileStat(await fh.stat({ bigint: true }));
      const changed =
        before.size !== after.size || before.mtimeNs !== after.mtimeNs || bytesRead !== before.size;
      return { path, chunks, bytesRead, newChunks, newBytes, before, after, changed };
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * The read-and-cut loop shared by big files and streams: `read` fills the buffer (0 = end), the
   * chunker cuts here, whole chunks go to the workers as segments.
   */
  private async cutAndEncode(
    path: string,
    read: (buf: Buffer, offset: number, length: number, position: number) => Promise<number>,
    ctx: { signal: AbortSignal; request: (msg: FileMessage) => Promise<FileReply> },
  ): Promise<StreamResult> {
    const chunker = new Chunker(this.opts.task?.chunker);
    // the first segment to fail stops the others and the reading; its error is the file's
    const failed = new AbortController();
    let failure: unknown;
    const signal = AbortSignal.any([ctx.signal, failed.signal]);
    const segments: Promise<SegmentResult>[] = [];
    let position = 0;
    let buf: Buffer | undefined;
    try {
      let filled = 0;
      let cuts: number[] = [];
      for (let eof = false; !eof;) {
        buf ??= await this.buffers.take();
        if (signal.aborted) throw failure ?? cancelledError('Reading the file');
        const n = await read(buf, filled, buf.length - filled, position);
        eof = n === 0;
        for (const cut of chunker.push(buf.subarray(filled, filled + n))) cuts.push(filled + cut);
        filled += n;
        position += n;
        if (!eof && filled < buf.length) continue;
        if (eof && chunker.finish() > 0) cuts.push(filled);
        const end = cuts.at(-1) ?? 0;
        // the unfinished chunk at the end moves to the next segment
        let carry: Buffer | undefined;
        if (end < filled) {
          carry = Buffer.allocUnsafeSlow(filled - end);
          buf.copy(carry, 0, end, filled);
        }
        if (cuts.length > 0) {
          const segment = this.runSegment(buf, cuts, ctx.request, signal, path);
          segment.catch((err: unknown) => {
            failure ??= err;
            failed.abort();
          });
          segments.push(segment);
        } else {
          this.buffers.give(buf);
        }
        buf = undefined;
        cuts = [];
        filled = 0;
        if (carry) {
          buf = await this.buffers.take();
          filled = carry.copy(buf);
          releaseBuffer(carry);
        }
      }
      const results = await Promise.all(segments);
      const chunks: ChunkRef[] = results.flatMap((r) => r.chunks);
      const newChunks = results.reduce((n, r) => n + r.newChunks, 0);
      const newBytes = results.reduce((n, r) => n + r.newBytes, 0);
      return { chunks, bytesRead: position, newChunks, newBytes };
    } catch (err) {
      const cause = failure ?? err; // before the abort below fails the other segments too
      failed.abort();
      await Promise.allSettled(segments); // no segment may still be saving once the claims are released
      throw cause;
    } finally {
      if (buf) this.buffers.give(buf);
    }
  }

  /** Hands one segment (whole chunks ending at the last cut) to the pool; frees its buffer after. */
  private async runSegment(
    buf: Buffer,
    cuts: number[],
    request: (msg: FileMessage) => Promise<FileReply>,
    signal: AbortSignal,
    path: string,
  ): Promise<SegmentResult> {
    const lengths = cuts.map((c, i) => c - (i > 0 ? cuts[i - 1]! : 0));
    const task: SegmentTask = {
      kind: 'segment',
      data: buf.subarray(0, cuts.at(-1)),
      lengths,
      ...(this.opts.task?.compress !== undefined ? { compress: this.opts.task.compress } : {}),
    };
    try {
      return (await this.pool.run(task, { onMessage: request, signal, label: path })) as SegmentResult;
    } finally {
      // a cancelled task may still be reading the buffer in its worker: the pool waits for it to stop
      // (or replaces the worker) before it runs another task there, but this buffer could be reused
      // by another worker at once, so a cancelled segment's buffer is dropped, not reused.
      if (signal.aborted) this.buffers.drop();
      else this.buffers.give(buf);
    }
  }

  private async answer(
    owner: number,
    msg: FileMessage,
    dependencies: Promise<boolean>[],
  ): Promise<FileReply> {
    if (!this.running.has(owner)) throw cancelledError('Reading the file');
    if (msg.type === 'batch') {
      const need: number[] = [];
      msg.chunks.forEach(({ id }, i) => {
        if (this.opts.isKnown(id)) return;
        const claim = this.claims.get(id);
        if (claim) {
          if (claim.owner !== owner) dependencies.push(claim.done);
          return;
        }
        let settle!: (saved: boolean) => void;
        const done = new Promise<boolean>((resolve) => (settle = resolve));
        this.claims.set(id, { owner, done, settle });
        need.push(i);
      });
      return { need };
    }
    for (const blob of msg.blobs) {
      const data = Buffer.isBuffer(blob.data)
        ? blob.data
        : Buffer.from(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength);
      await this.opts.saveBlob({ ...blob, data });
      const claim = this.claims.get(blob.id);
      if (claim?.owner === owner) {
        this.claims.delete(blob.id);
        claim.settle(true);
      }
    }
    return {};
  }

  /** Claims of a finished or failed attempt that were never saved: free them for other files. */
  private releaseClaims(owner: number): void {
    for (const [id, claim] of this.claims) {
      if (claim.owner !== owner) continue;
      this.claims.delete(id);
      claim.settle(false);
    }
  }
}
