/**
 * The hot path of a backup: read one file, cut it into chunks, hash them, and encode (compress +
 * encrypt) only the chunks the repository does not have yet. Runs inside a file worker, or in
 * process for tiny files; both use this same code with a different `request` channel. A big file
 * is read and cut by the main thread instead and its segments come here (processSegment), so that
 * all workers share it; hashing and encoding are the same.
 *
 * Dedup protocol, one round-trip per batch (not per chunk):
 *   worker → main  { type: 'batch', chunks: [{ id, length }…] }   ≤ batchBytes of plaintext
 *   main → worker  { need: [indexes into chunks] }                 new, not in flight elsewhere
 *   worker → main  { type: 'blobs', blobs: [{ id, length, data, uncompressedLength }…] }  (transferred)
 *   main → worker  {}                                              after the packer accepted them
 * The worker waits for each answer, so it holds at most one batch plus one read-ahead block: memory
 * is bounded by batchBytes + blockSize + maxChunk, whatever the file size. The second answer is the
 * backpressure point: the main thread delays it while its packs/uploads are full.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants as fsc, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import type { Transferable } from 'node:worker_threads';
import { LifeboatError } from '../../../shared/errors.ts';
import { encodeBlob } from '../blob-codec.ts';
import { Chunker, chunkLengths } from '../chunker.ts';
import { releaseBuffer } from '../release-buffer.ts';
import type { ChunkerParams } from '../chunker.ts';
import type { MasterKey } from '../crypto.ts';
import { cancelledError, toWireError } from './worker-protocol.ts';
import type { WireError } from './worker-protocol.ts';

export interface FileTask {
  path: string;
  /** zstd when it helps (repository v2); default true. */
  compress?: boolean;
  /** Read size; default 8 MiB. */
  blockSize?: number;
  /** Plaintext bytes per dedup round-trip; default 16 MiB. */
  batchBytes?: number;
  /** Only for tests; production always uses the defaults (they decide dedup). */
  chunker?: Partial<ChunkerParams>;
}

export interface FileStat {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

export interface ChunkRef {
  /** sha256 of the plaintext, hex: the data blob id. */
  id: string;
  length: number;
}

export interface EncodedChunk extends ChunkRef {
  /** IV ‖ ciphertext ‖ MAC, ready for a pack. */
  data: Uint8Array;
  uncompressedLength: number | undefined;
}

/** A run of whole chunks of a big file, cut by the caller (see FileSaver). */
export interface SegmentTask {
  kind: 'segment';
  /**
   * The segment's bytes, a view of a SharedArrayBuffer: posting it shares the memory (no copy, and
   * no new buffer on either thread per segment, which would only feed the garbage collector).
   */
  data: Uint8Array;
  /** Chunk lengths, in order, from the start of `data`. */
  lengths: number[];
  compress?: boolean;
}

export interface SegmentResult {
  chunks: ChunkRef[];
  newChunks: number;
  newBytes: number;
}

/**
 * Many small files in one task: a task per file costs more in messages than the file's own work, and
 * in process they would all run on one thread. Each file is read whole, and their chunks share one
 * dedup round-trip.
 */
export interface SmallFilesTask {
  kind: 'small-files';
  paths: string[];
  compress?: boolean;
  chunker?: Partial<ChunkerParams>;
}

/** Per file: its result, or why it could not be read (the others are stored all the same). */
export type SmallFileOutcome =
  | { ok: true; result: FileResult }
  | { ok: false; error: WireError }
  /** It grew past smallFileReadLimit since the scan: read it as a big file instead (not whole, in memory). */
  | { ok: false; grown: true };

/** A "small" file is read whole into memory only up to this size. */
export const smallFileReadLimit = 8 * 1024 * 1024;

export interface SmallFilesResult {
  files: SmallFileOutcome[];
}

/** What a file worker is given, and what it gives back. */
export type FileWorkerTask = FileTask | SegmentTask | SmallFilesTask;
export type FileWorkerResult = FileResult | SegmentResult | SmallFilesResult;

export type FileMessage = { type: 'batch'; chunks: ChunkRef[] } | { type: 'blobs'; blobs: EncodedChunk[] };

/** Answer to 'batch': `need` lists the indexes to encode and send. Answer to 'blobs': {}. */
export interface FileReply {
  need?: number[];
}

export interface FileResult {
  path: string;
  /** The file's content list, in order ([] for an empty file). */
  chunks: ChunkRef[];
  /** Bytes actually read (may differ from before.size when the file changed). */
  bytesRead: number;
  /** Chunks this file sent as new blobs, and their plaintext bytes. */
  newChunks: number;
  newBytes: number;
  before: FileStat;
  after: FileStat;
  /** Size or mtime changed while reading, or the bytes read differ from the size: content may be torn. */
  changed: boolean;
}

export interface ProcessContext {
  signal: AbortSignal;
  request(msg: FileMessage, transfer?: readonly Transferable[]): Promise<FileReply>;
}

interface PendingChunk extends ChunkRef {
  pieces: Buffer[];
}

const defaultBlockSize = 8 * 1024 * 1024;
const defaultBatchBytes = 16 * 1024 * 1024;

// O_NOFOLLOW: the scanner saw a regular file; if it became a symlink since, do not follow it.
// O_NONBLOCK: opening a FIFO must not hang waiting for a writer (fstat rejects it just after).
const openFlags = fsc.O_RDONLY | (fsc.O_NOFOLLOW ?? 0) | (fsc.O_NONBLOCK ?? 0);

export async function processFile(task: FileTask, key: MasterKey, ctx: ProcessContext): Promise<FileResult> {
  const { path } = task;
  const blockSize = task.blockSize ?? defaultBlockSize;
  const batchBytes = task.batchBytes ?? defaultBatchBytes;
  const compress = task.compress ?? true;
  const chunker = new Chunker(task.chunker);
  const chunks: ChunkRef[] = [];
  let pieces: Buffer[] = [];
  let pieceBytes = 0;
  let batch: PendingChunk[] = [];
  let pendingBytes = 0;
  const counts = { newChunks: 0, newBytes: 0 };

  const completeChunk = () => {
    const h = createHash('sha256');
    for (const p of pieces) h.update(p);
    const length = pieceBytes;
    const chunk: PendingChunk = { id: h.digest('hex'), length, pieces };
    pieces = [];
    pieceBytes = 0;
    chunks.push({ id: chunk.id, length });
    batch.push(chunk);
    pendingBytes += length;
  };

  const flush = async () => {
    const current = batch;
    batch = [];
    pendingBytes = 0;
    await storeChunks(current, key, compress, ctx, counts);
  };

  const { fh, before } = await openRegularFile(path);
  let readAhead: Promise<Buffer> | undefined;
  let blocks: Buffer[] = [];
  // Once a batch is stored, only the unfinished chunk's blocks and the one being read are needed:
  // free the others now rather than at some later GC (release-buffer.ts).
  const releaseStored = () => {
    const live = new Set<ArrayBufferLike>(pieces.map((p) => p.buffer));
    if (readAhead) live.add(blocks[blocks.length - 1]!.buffer);
    for (const b of blocks) if (!live.has(b.buffer)) releaseBuffer(b);
    blocks = blocks.filter((b) => live.has(b.buffer));
  };
  try {
    let position = 0;
    // Reads are sized by what is left of the file (+1 byte, so a short read tells the end without
    // another read): a small file costs a small buffer. Past the expected end (the file grew), full blocks.
    let requested = 0;
    const readAt = (pos: number) => {
      const remaining = before.size - pos;
      requested = remaining >= 0 ? Math.min(blockSize, remaining + 1) : blockSize;
      const storage = Buffer.allocUnsafeSlow(requested);
      blocks.push(storage);
      const p = readBlock(fh, pos, storage).catch((err: unknown) => Promise.reject(unreadable(path, err)));
      p.catch(() => undefined); // a read-ahead may fail while we wait for the main thread: not "unhandled"
      return p;
    };
    readAhead = readAt(0);
    while (readAhead) {
      const block = await readAhead;
      readAhead = undefined;
      position += block.length;
      // overlap the next read with chunking and hashing this block; a short block was the last one
      if (block.length === requested) readAhead = readAt(position);
      if (ctx.signal.aborted) throw cancelledError('Reading the file');
      let prev = 0;
      for (const cut of chunker.push(block)) {
        pieces.push(block.subarray(prev, cut));
        pieceBytes += cut - prev;
        completeChunk();
        prev = cut;
      }
      if (prev < block.length) {
        pieces.push(block.subarray(prev));
        pieceBytes += block.length - prev;
      }
      if (pendingBytes >= batchBytes) {
        await flush();
        releaseStored();
      }
    }
    if (chunker.finish() > 0) completeChunk();
    await flush();
    const after = toFileStat(await fh.stat({ bigint: true }));
    const changed =
      before.size !== after.size || before.mtimeNs !== after.mtimeNs || position !== before.size;
    return { path, chunks, bytesRead: position, ...counts, before, after, changed };
  } finally {
    await readAhead?.catch(() => undefined); // never close the handle under an in-flight read
    await fh.close().catch(() => undefined);
    for (const b of blocks) releaseBuffer(b); // every chunk is stored, or the file failed
  }
}

/** A segment of a big file, read and cut into chunks by the main thread (FileSaver): hash, dedup, encode. */
export async function processSegment(
  task: SegmentTask,
  key: MasterKey,
  ctx: ProcessContext,
): Promise<SegmentResult> {
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  const batch: PendingChunk[] = [];
  let offset = 0;
  for (const length of task.lengths) {
    const piece = data.subarray(offset, offset + length);
    offset += length;
    batch.push({ id: createHash('sha256').update(piece).digest('hex'), length, pieces: [piece] });
  }
  if (offset > data.length) throw new LifeboatError('INTERNAL', 'Segment chunks exceed its data.');
  const counts = { newChunks: 0, newBytes: 0 };
  await storeChunks(batch, key, task.compress ?? true, ctx, counts);
  return { chunks: batch.map(({ id, length }) => ({ id, length })), ...counts };
}

/** Reads, cuts and hashes each small file, then stores all their new chunks in one round-trip. */
export async function processSmallFiles(
  task: SmallFilesTask,
  key: MasterKey,
  ctx: ProcessContext,
): Promise<SmallFilesResult> {
  const batch: PendingChunk[] = [];
  const files: (SmallFileOutcome & { first?: number })[] = [];
  for (const path of task.paths) {
    if (ctx.signal.aborted) throw cancelledError('Reading the files');
    try {
      const read = readWhole(path);
      if (!read) {
        files.push({ ok: false, grown: true });
        continue;
      }
      const { data, before, after } = read;
      const first = batch.length;
      const chunks: ChunkRef[] = [];
      let offset = 0;
      for (const length of chunkLengths(data, task.chunker)) {
        const piece = data.subarray(offset, offset + length);
        offset += length;
        const chunk = { id: createHash('sha256').update(piece).digest('hex'), length };
        chunks.push(chunk);
        batch.push({ ...chunk, pieces: [piece] });
      }
      const changed =
        before.size !== after.size || before.mtimeNs !== after.mtimeNs || data.length !== before.size;
      const result = {
        path,
        chunks,
        bytesRead: data.length,
        newChunks: 0,
        newBytes: 0,
        before,
        after,
        changed,
      };
      files.push({ ok: true, result, first });
    } catch (err) {
      if (!(err instanceof LifeboatError) || err.code !== 'SOURCE_UNREADABLE') throw err;
      files.push({ ok: false, error: toWireError(err) });
    }
  }
  const counts = { newChunks: 0, newBytes: 0 };
  const stored = new Set(await storeChunks(batch, key, task.compress ?? true, ctx, counts));
  return {
    files: files.map(({ first, ...outcome }) => {
      if (!outcome.ok) return outcome;
      const { result } = outcome;
      result.chunks.forEach((chunk, i) => {
        if (!stored.has(first! + i)) return;
        result.newChunks++;
        result.newBytes += chunk.length;
      });
      return outcome;
    }),
  };
}

/**
 * A small file read whole, with its state before and after the read. Synchronous on purpose: this
 * runs in a worker thread, where blocking costs nothing, while each async call would be a round
 * trip through libuv's few threads shared by the whole process (five per file).
 */
function readWhole(path: string): { data: Buffer; before: FileStat; after: FileStat } | undefined {
  let fd: number;
  try {
    fd = openSync(path, openFlags);
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const stats = fstatSync(fd, { bigint: true });
    if (!stats.isFile()) throw notRegular(path);
    const before = toFileStat(stats);
    if (before.size > smallFileReadLimit) return undefined;
    // one byte more than the size: a file that grew since the scan shows it without another read
    const buf = Buffer.allocUnsafe(before.size + 1);
    let filled = 0;
    for (let n = -1; n !== 0 && filled < buf.length; filled += n) {
      n = readSync(fd, buf, filled, buf.length - filled, filled);
    }
    const after = toFileStat(fstatSync(fd, { bigint: true }));
    return { data: buf.subarray(0, filled), before, after };
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // the content is read; a failing close loses nothing
    }
  }
}

/**
 * Asks the main thread which chunks are new, encodes those and sends them; one round-trip each.
 * Returns the indexes it sent.
 */
async function storeChunks(
  batch: PendingChunk[],
  key: MasterKey,
  compress: boolean,
  ctx: ProcessContext,
  counts: { newChunks: number; newBytes: number },
): Promise<readonly number[]> {
  if (batch.length === 0) return [];
  const { need = [] } = await ctx.request({
    type: 'batch',
    chunks: batch.map(({ id, length }) => ({ id, length })),
  });
  if (need.length === 0) return need;
  const blobs: EncodedChunk[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const i of need) {
    const c = batch[i];
    if (!c) throw new LifeboatError('INTERNAL', `Dedup answer names chunk ${i} of ${batch.length}.`);
    if (ctx.signal.aborted) throw cancelledError('Reading the file');
    const joined = c.pieces.length > 1 ? Buffer.concat(c.pieces, c.length) : undefined;
    const enc = encodeBlob(key, joined ?? c.pieces[0]!, { compress });
    if (joined) releaseBuffer(joined);
    const data = ownBuffer(enc.data);
    transfer.push(data.buffer as ArrayBuffer);
    blobs.push({ id: c.id, length: c.length, data, uncompressedLength: enc.uncompressedLength });
    counts.newChunks++;
    counts.newBytes += c.length;
  }
  await ctx.request({ type: 'blobs', blobs }, transfer);
  return need;
}

/** Opens a file the scanner saw as regular, refusing anything else; the stat is the "before" state. */
export async function openRegularFile(path: string): Promise<{ fh: FileHandle; before: FileStat }> {
  let fh: FileHandle;
  try {
    fh = await open(path, openFlags);
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const stats = await fh.stat({ bigint: true }).catch((err: unknown) => {
      throw unreadable(path, err);
    });
    if (!stats.isFile()) throw notRegular(path);
    return { fh, before: toFileStat(stats) };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

function notRegular(path: string): LifeboatError {
  return new LifeboatError('SOURCE_UNREADABLE', `${path} is not a regular file.`, {
    hint: 'It changed type since the folder was scanned; it will be saved as it is next time.',
  });
}

/** Fills `buf` from `position`; returns the part filled (shorter at the end of the file). */
async function readBlock(fh: FileHandle, position: number, buf: Buffer): Promise<Buffer> {
  const size = buf.length;
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await fh.read(buf, filled, size - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === size ? buf : buf.subarray(0, filled);
}

/** A Buffer that owns its whole ArrayBuffer, so it can be transferred (pooled slices cannot). */
function ownBuffer(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer))
    return b;
  const copy = Buffer.allocUnsafeSlow(b.length);
  b.copy(copy);
  return copy;
}

export function toFileStat(s: BigIntStats): FileStat {
  return { size: Number(s.size), mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, ino: s.ino, dev: s.dev };
}

const hints: Record<string, string> = {
  EACCES: 'Lifeboat has no permission to read it. Run Lifeboat as a user who can, or exclude the file.',
  EPERM: 'Lifeboat has no permission to read it. Run Lifeboat as a user who can, or exclude the file.',
  EBUSY: 'Another program has locked it. Close that program or back up a copy or an export instead.',
  ENOENT: 'It was deleted or moved while the backup ran.',
  ELOOP: 'It became a symbolic link while the backup ran.',
  EIO: 'The disk reported a read error. Check the disk.',
};

/** Maps a file-system error to a typed, user-facing error; anything else passes through. */
export function unreadable(path: string, err: unknown): Error {
  if (err instanceof LifeboatError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !/^E[A-Z]+$/.test(code)) return err instanceof Error ? err : new Error(String(err));
  return new LifeboatError('SOURCE_UNREADABLE', `Cannot read ${path}.`, {
    ...(hints[code] ? { hint: hints[code] } : {}),
    details: (err as Error).message,
    cause: err,
  });
}
