/**
 * One unit of restore work, pure and synchronous so it runs the same in a worker thread
 * (restore-worker.ts) or in process: the bytes of one range of a pack, the blobs in it, and for
 * each blob the places (file descriptor, position) it goes to. Every blob is authenticated,
 * decrypted, decompressed and checked against its id (sha256) before a single byte of it is
 * written; a blob that fails is reported and written nowhere.
 *
 * The descriptors belong to temporary files the main thread opened with O_EXCL|O_NOFOLLOW
 * (safe-writer.ts); it keeps them open until every job writing to them has returned.
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { writeSync } from 'node:fs';
import { zstdDecompressSync } from 'node:zlib';
import { LifeboatError } from '../../shared/errors.ts';
import { fsError } from '../storage/fs-errors.ts';
import { cryptoOverhead, ivSize, keyObject, macSize, poly1305Aes } from './crypto.ts';
import type { MasterKey } from './crypto.ts';
import { toWireError } from './workers/worker-protocol.ts';
import type { WireError } from './workers/worker-protocol.ts';

export interface JobBlob {
  /** Offset of the blob in the job's data. */
  offset: number;
  /** Stored (encrypted) length. */
  length: number;
  id: string;
  /** Plaintext length of a compressed blob; absent when stored uncompressed. */
  uncompressedLength?: number;
  /** Flat pairs: fd, position, fd, position, … */
  writes: number[];
}

export interface RestoreJob {
  data: Uint8Array;
  blobs: JobBlob[];
}

/** Per blob: undefined when decoded, verified and written everywhere, else why it was not. */
export interface RestoreJobResult {
  failed: Array<WireError | undefined>;
}

/** Decrypts and verifies one stored blob. Throws REPO_CORRUPT on any mismatch. */
export function openBlob(key: MasterKey, data: Uint8Array, id: string, uncompressedLength?: number): Buffer {
  if (data.length < cryptoOverhead) throw corrupt(id, 'is too short');
  const iv = data.subarray(0, ivSize);
  const ciphertext = data.subarray(ivSize, data.length - macSize);
  const mac = data.subarray(data.length - macSize);
  if (!timingSafeEqual(poly1305Aes(key, iv, ciphertext), mac)) {
    throw new LifeboatError('REPO_CORRUPT', 'Encrypted data failed verification (damaged or tampered with).');
  }
  const d = createDecipheriv('aes-256-ctr', keyObject(key.encrypt), iv);
  let plain = d.update(ciphertext); // CTR is a stream cipher: update() returns every byte
  const rest = d.final();
  if (rest.length > 0) plain = Buffer.concat([plain, rest]);
  if (uncompressedLength) {
    const packed = plain;
    try {
      // One output buffer of the exact size (+ slack so zstd's end is seen without a second one).
      plain = zstdDecompressSync(packed, {
        maxOutputLength: uncompressedLength,
        chunkSize: uncompressedLength + zstdSlack,
      });
    } catch (err) {
      throw new LifeboatError('REPO_CORRUPT', 'Compressed repository data could not be decompressed.', {
        details: err instanceof Error ? err.message : String(err),
      });
    } finally {
      release(packed);
    }
    if (plain.length !== uncompressedLength) throw corrupt(id, 'decompressed to the wrong length');
  }
  if (createHash('sha256').update(plain).digest('hex') !== id) {
    release(plain);
    throw corrupt(id, 'does not match its id');
  }
  return plain;
}

const zstdSlack = 64;

/**
 * Frees a large buffer now instead of at some later garbage collection, so the allocator hands
 * the same memory out again: fresh pages cost far more than the copying itself (page faults), and
 * garbage buffers waiting for a collection are most of the memory a restore would otherwise use.
 * Only a buffer that is (nearly) all of its ArrayBuffer is freed, so a view into a shared pool
 * never is; the caller must hold the only reference.
 */
export function release(buf: Uint8Array): void {
  // ES2024 members, not in this project's TypeScript lib yet (Node has them since 21).
  const ab = buf.buffer as ArrayBuffer & {
    readonly detached: boolean;
    transfer(length: number): ArrayBuffer;
  };
  if (
    buf.byteLength >= 64 * 1024 &&
    buf.byteOffset === 0 &&
    ab.byteLength - buf.byteLength <= zstdSlack &&
    ab instanceof ArrayBuffer &&
    !ab.detached
  ) {
    ab.transfer(0);
  }
}

function corrupt(id: string, what: string): LifeboatError {
  return new LifeboatError('REPO_CORRUPT', `Blob ${id.slice(0, 8)} ${what}.`);
}

/** Writes all of `data` at `position`; a nearly full disk gives short writes before ENOSPC. */
export function writeFully(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.length;) {
    const n = writeSync(fd, data, done, data.length - done, position + done);
    if (n === 0) throw Object.assign(new Error('no progress writing'), { code: 'ENOSPC' });
    done += n;
  }
}

/**
 * Runs a job. A damaged blob is reported in the result; a failed write (full disk, I/O error)
 * throws, as it concerns the whole restore rather than one blob.
 */
export function runRestoreJob(key: MasterKey, job: RestoreJob): RestoreJobResult {
  const failed: Array<WireError | undefined> = [];
  for (const b of job.blobs) {
    let plain: Buffer;
    try {
      plain = openBlob(key, job.data.subarray(b.offset, b.offset + b.length), b.id, b.uncompressedLength);
    } catch (err) {
      failed.push(toWireError(err));
      continue;
    }
    try {
      for (let i = 0; i < b.writes.length; i += 2) writeFully(b.writes[i]!, plain, b.writes[i + 1]!);
    } catch (err) {
      throw fsError(err, 'the restored files');
    } finally {
      release(plain);
    }
    failed.push(undefined);
  }
  return { failed };
}
