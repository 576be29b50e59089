/**
 * Main-thread side of the file pipeline: runs processFile() in the worker pool (or in process for
 * tiny files) and answers its dedup questions. A chunk is "new" when the index does not know it and
 * no other file is already encoding it; the first file to ask claims it. Claims end when the packer
 * accepted the blob (`saveBlob` resolved) or when the claiming file fails.
 *
 * Race it handles: file B skips chunk X because file A claimed it; if A then fails (vanished,
 * cancelled, crashed), X was never saved, so B is read again (bounded retries).
 */
import type { MasterKey } from '../crypto.ts';
import { LifeboatError } from '../../../shared/errors.ts';
import { WorkerPool } from '../worker-pool.ts';
import { processFile } from './file-processor.ts';
import type { EncodedChunk, FileMessage, FileReply, FileResult, FileTask } from './file-processor.ts';

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
  /** Files smaller than this are processed on the calling thread; default 128 KiB. */
  inProcessBelow?: number;
  /** Passed to every FileTask (compress, blockSize, batchBytes, chunker). */
  task?: Omit<FileTask, 'path'>;
  /** Override of the worker script (tests). */
  workerUrl?: URL;
}

export interface SaveFileOptions {
  /** Size from the scanner's lstat; decides worker vs. in-process. */
  size?: number;
  signal?: AbortSignal;
  /** Plaintext bytes chunked so far in this file (called once per batch, ~16 MiB), for progress/ETA. */
  onProgress?: (bytes: number) => void;
}

interface Claim {
  owner: number;
  done: Promise<boolean>;
  settle: (saved: boolean) => void;
}

const maxRetries = 3;

export class FileSaver {
  private readonly opts: FileSaverOptions;
  private readonly pool: WorkerPool<FileTask, FileResult, FileMessage, FileReply>;
  private readonly claims = new Map<string, Claim>();
  private nextAttempt = 1;

  constructor(opts: FileSaverOptions) {
    this.opts = opts;
    this.pool = new WorkerPool<FileTask, FileResult, FileMessage, FileReply>({
      url: opts.workerUrl ?? new URL('./file-worker.ts', import.meta.url),
      workerData: { key: opts.key },
      ...(opts.workers ? { size: opts.workers } : {}),
      // a file task holds at most ~batch + block + max chunk; the pool size is the real bound
      maxInFlightBytes: Number.MAX_SAFE_INTEGER,
      name: 'file reader',
    });
  }

  /** Resolves when the pool's queue has room: await it before queueing the next file. */
  waitForSpace(): Promise<void> {
    return this.pool.waitForSpace();
  }

  /** Chunks, hashes and stores one file. Errors: SOURCE_UNREADABLE, CANCELLED, or the packer's. */
  async saveFile(path: string, options: SaveFileOptions = {}): Promise<FileResult> {
    for (let attempt = 0; ; attempt++) {
      const { result, dependencies } = await this.attempt(path, options);
      const saved = await Promise.all(dependencies);
      if (saved.every(Boolean)) return result;
      if (attempt >= maxRetries) {
        throw new LifeboatError('INTERNAL', `Could not store all chunks of ${path}.`, {
          details: 'Chunks shared with other files were never stored because those files failed.',
        });
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async attempt(path: string, options: SaveFileOptions) {
    const owner = this.nextAttempt++;
    const dependencies: Promise<boolean>[] = [];
    const onMessage = (msg: FileMessage) => {
      if (msg.type === 'batch') options.onProgress?.(msg.chunks.reduce((n, c) => n + c.length, 0));
      return this.answer(owner, msg, dependencies);
    };
    const task: FileTask = { ...this.opts.task, path };
    try {
      const small = options.size !== undefined && options.size < (this.opts.inProcessBelow ?? 128 * 1024);
      const result = small
        ? await processFile(task, this.opts.key, {
            signal: options.signal ?? new AbortController().signal,
            request: onMessage,
          })
        : await this.pool.run(task, {
            onMessage,
            label: path,
            ...(options.signal ? { signal: options.signal } : {}),
          });
      return { result, dependencies };
    } finally {
      this.releaseClaims(owner);
    }
  }

  private async answer(
    owner: number,
    msg: FileMessage,
    dependencies: Promise<boolean>[],
  ): Promise<FileReply> {
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
