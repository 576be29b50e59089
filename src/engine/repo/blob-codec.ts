/**
 * Pure encode/decode of blobs and unpacked files (no I/O), safe to run inside worker threads.
 * Blob: [zstd(plaintext) if it pays] → seal. Unpacked file (index, snapshot, lock) in repository
 * version 2: seal(0x02 ‖ zstd(json)); version 1 and restic's own raw JSON start with '{' or '['.
 */
import { createHash } from 'node:crypto';
import { constants as zc, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { LifeboatError } from '../../shared/errors.ts';
import { open, seal } from './crypto.ts';
import { releaseBuffer } from './release-buffer.ts';
import type { MasterKey } from './crypto.ts';

export interface EncodedBlob {
  /** IV ‖ ciphertext ‖ MAC, ready to append to a pack. */
  data: Buffer;
  /** Plaintext length when the blob is compressed; undefined when stored as is. */
  uncompressedLength: number | undefined;
}

/**
 * zstd level 1. Measured on the CRM-like benchmark data (bench/compare-restic.ts, 446 MiB: SQLite,
 * NDJSON, documents, scans): against level 3 it takes ~12% less worker CPU for ~2% more stored
 * bytes, which leaves the repository within ~1% of restic's own (level-3-like "auto").
 */
const zstdLevel = 1;
/** Keep the compressed form only when it saves at least this fraction. */
const minSaving = 1 / 32;
/** Decompression cap for unpacked files, against zstd bombs in a hostile repository. */
const maxUnpackedSize = 1 << 30;

export function blobId(plaintext: Uint8Array): string {
  return createHash('sha256').update(plaintext).digest('hex');
}

/**
 * The output goes to one buffer big enough for any result (zstd's bound), allocated whole by zlib:
 * the default joins 16 KiB pieces, many small buffers that only the GC frees (memory piles up in
 * worker threads). The result is a view of that buffer: see releaseCompressed.
 */
export function compress(data: Uint8Array): Buffer {
  // at least Buffer.poolSize: smaller ones may be slices of Node's shared pool, not ours to free
  const chunkSize = Math.max(Buffer.poolSize, data.length + (data.length >> 8) + 512);
  return zstdCompressSync(data, { params: { [zc.ZSTD_c_compressionLevel]: zstdLevel }, chunkSize });
}

/** Frees compress()'s output buffer once its bytes were copied (its size is never a pooled one). */
function releaseCompressed(packed: Buffer): void {
  releaseBuffer(new Uint8Array(packed.buffer));
}

function decompress(data: Uint8Array, maxOutputLength: number): Buffer {
  try {
    return zstdDecompressSync(data, { maxOutputLength });
  } catch (err) {
    throw new LifeboatError('REPO_CORRUPT', 'Compressed repository data could not be decompressed.', {
      details: err instanceof Error ? err.message : String(err),
    });
  }
}

export function encodeBlob(key: MasterKey, plaintext: Uint8Array, opts: { compress: boolean }): EncodedBlob {
  // A zero-length blob cannot be marked compressed (uncompressed_length 0 means "not compressed").
  if (opts.compress && plaintext.length > 0) {
    const packed = compress(plaintext);
    const useful = packed.length <= plaintext.length * (1 - minSaving);
    const sealed = useful ? seal(key, packed) : undefined;
    releaseCompressed(packed); // sealed is a copy: dead now (see release-buffer.ts)
    if (sealed) return { data: sealed, uncompressedLength: plaintext.length };
  }
  return { data: seal(key, plaintext), uncompressedLength: undefined };
}

export function decodeBlob(key: MasterKey, data: Uint8Array, uncompressedLength?: number): Buffer {
  const plain = open(key, data);
  if (!uncompressedLength) return plain;
  const out = decompress(plain, uncompressedLength);
  if (out.length !== uncompressedLength) {
    throw new LifeboatError('REPO_CORRUPT', 'A blob decompressed to the wrong length.', {
      details: `expected ${uncompressedLength}, got ${out.length}`,
    });
  }
  return out;
}

/** Decodes a blob and checks that its sha256 is `id`. */
export function decodeAndVerifyBlob(
  key: MasterKey,
  data: Uint8Array,
  id: string,
  uncompressedLength?: number,
): Buffer {
  const plain = decodeBlob(key, data, uncompressedLength);
  if (blobId(plain) !== id) {
    throw new LifeboatError('REPO_CORRUPT', `Blob ${id.slice(0, 8)} does not match its id.`);
  }
  return plain;
}

/** The plaintext of an unpacked file (before encryption) for the given repository version. */
export function packUnpacked(json: Uint8Array, repoVersion = 2): Buffer {
  if (repoVersion < 2) return Buffer.from(json);
  const z = compress(json);
  const out = Buffer.allocUnsafe(z.length + 1);
  out[0] = 2;
  z.copy(out, 1);
  releaseCompressed(z);
  return out;
}

export function unpackUnpacked(plain: Buffer): Buffer {
  if (plain.length === 0) return plain;
  const first = plain[0];
  if (first === 0x7b || first === 0x5b) return plain; // '{' or '[': raw JSON
  if (first !== 2) throw new LifeboatError('UNSUPPORTED', `Unknown file encoding version ${String(first)}.`);
  return decompress(plain.subarray(1), maxUnpackedSize);
}

export function encodeUnpacked(key: MasterKey, json: Uint8Array, repoVersion = 2): Buffer {
  return seal(key, packUnpacked(json, repoVersion));
}

export function decodeUnpacked(key: MasterKey, data: Uint8Array): Buffer {
  return unpackUnpacked(open(key, data));
}
