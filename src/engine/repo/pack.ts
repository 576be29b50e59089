/**
 * Pack files: EncryptedBlob1 ‖ … ‖ EncryptedBlobN ‖ seal(header) ‖ uint32le(len(sealed header)).
 * Header entry: type(1) ‖ len(4) [‖ uncompressed len(4) for types 2/3] ‖ plaintext sha256(32).
 */
import { createHash } from 'node:crypto';
import { LifeboatError } from '../../shared/errors.ts';
import type { Backend } from '../storage/backend.ts';
import { cryptoOverhead, open, seal } from './crypto.ts';
import type { MasterKey } from './crypto.ts';

export type BlobType = 'data' | 'tree';

export interface PackedBlob {
  type: BlobType;
  id: string;
  offset: number;
  /** Encrypted length in the pack. */
  length: number;
  /** Set only for compressed blobs. */
  uncompressedLength: number | undefined;
}

const plainEntrySize = 1 + 4 + 32;
const compressedEntrySize = 1 + 4 + 4 + 32;
const headerLengthSize = 4;
/** Entries fetched with the first tail read, like restic, so small packs need one request. */
const eagerEntries = 15;
export const maxHeaderSize = 16 * 1024 * 1024 + headerLengthSize;
/** A pack without given storage starts this small (tree packs) and doubles as it fills. */
const initialStorage = 64 * 1024;

export function entrySize(compressed: boolean): number {
  return compressed ? compressedEntrySize : plainEntrySize;
}

/**
 * Builds a pack in one buffer: each blob is copied in as it is added and hashed on the way, so
 * finishing a pack costs only the header (no concatenation of parts, no second pass for the id).
 */
export class PackWriter {
  readonly type: BlobType;
  private buf: Buffer;
  private readonly hash = createHash('sha256');
  private readonly blobs: PackedBlob[] = [];
  private bytes = 0;
  private headerBytes = 0;

  /** `storage`: a buffer to build the pack in, sized by the caller; grown if too small. */
  constructor(type: BlobType, storage?: Buffer) {
    this.type = type;
    this.buf = storage ?? Buffer.allocUnsafeSlow(initialStorage);
  }

  get count(): number {
    return this.blobs.length;
  }

  /** Size of the finished pack if it were finalized now. */
  get size(): number {
    return this.bytes + this.headerBytes + cryptoOverhead + headerLengthSize;
  }

  /** The buffer the pack is built in; dead once the finished pack is written. */
  get storage(): Buffer {
    return this.buf;
  }

  /** Copies the encoded blob into the pack: the caller may reuse `encoded.data` afterwards. */
  add(id: string, encoded: { data: Uint8Array; uncompressedLength: number | undefined }): PackedBlob {
    const blob: PackedBlob = {
      type: this.type,
      id,
      offset: this.bytes,
      length: encoded.data.length,
      uncompressedLength: encoded.uncompressedLength || undefined,
    };
    this.append(encoded.data);
    this.blobs.push(blob);
    this.headerBytes += entrySize(blob.uncompressedLength !== undefined);
    return blob;
  }

  /** Encoded bytes of a blob still in this writer (lets a not-yet-uploaded blob be read back). */
  blobData(index: number): Buffer | undefined {
    const b = this.blobs[index];
    return b && this.buf.subarray(b.offset, b.offset + b.length);
  }

  /** The finished pack; `data` is a view of this writer's storage. */
  finalize(key: MasterKey): { id: string; data: Buffer; blobs: PackedBlob[] } {
    if (this.blobs.length === 0) throw new LifeboatError('INTERNAL', 'Cannot write an empty pack.');
    const header = encodeHeader(this.blobs);
    const sealed = seal(key, header);
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32LE(sealed.length, 0);
    this.append(sealed);
    this.append(tail);
    const data = this.buf.subarray(0, this.bytes);
    // Read our own header back before it leaves the process, as restic does.
    const check = parseHeader(key, data.subarray(data.length - sealed.length - 4), data.length);
    if (check.length !== this.blobs.length)
      throw new LifeboatError('INTERNAL', 'Pack header verification failed.');
    return { id: this.hash.digest('hex'), data, blobs: this.blobs.slice() };
  }

  private append(bytes: Uint8Array): void {
    const end = this.bytes + bytes.length;
    if (end > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(end, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.bytes);
      this.buf = grown;
    }
    this.buf.set(bytes, this.bytes);
    this.hash.update(this.buf.subarray(this.bytes, end));
    this.bytes = end;
  }
}

export function encodeHeader(blobs: readonly PackedBlob[]): Buffer {
  let size = 0;
  for (const b of blobs) size += entrySize(b.uncompressedLength !== undefined);
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const b of blobs) {
    const compressed = b.uncompressedLength !== undefined;
    buf[pos] = (b.type === 'tree' ? 1 : 0) | (compressed ? 2 : 0);
    buf.writeUInt32LE(b.length, pos + 1);
    pos += 5;
    if (compressed) {
      buf.writeUInt32LE(b.uncompressedLength ?? 0, pos);
      pos += 4;
    }
    if (buf.write(b.id, pos, 32, 'hex') !== 32)
      throw new LifeboatError('INTERNAL', `Invalid blob id ${b.id}.`);
    pos += 32;
  }
  return buf;
}

function corrupt(message: string): LifeboatError {
  return new LifeboatError('REPO_CORRUPT', message);
}

/**
 * Parses a pack header from the tail of a pack. `tail` must end at the end of the file and contain
 * at least the sealed header and its length field; `fileSize` is the whole pack's size.
 */
export function parseHeader(key: MasterKey, tail: Buffer, fileSize: number): PackedBlob[] {
  if (tail.length < headerLengthSize) throw corrupt('Pack file is too short.');
  const hlen = tail.readUInt32LE(tail.length - headerLengthSize);
  if (hlen < cryptoOverhead) throw corrupt('Pack header length is too short.');
  if (hlen > fileSize - headerLengthSize) throw corrupt('Pack header is larger than the pack.');
  if (hlen + headerLengthSize > tail.length) throw corrupt('Pack header is incomplete.');
  const sealed = tail.subarray(tail.length - headerLengthSize - hlen, tail.length - headerLengthSize);
  const header = open(key, sealed);
  const blobs: PackedBlob[] = [];
  let pos = 0;
  let offset = 0;
  while (pos < header.length) {
    const t = header[pos] ?? 255;
    if (t > 3) throw corrupt(`Pack header has an invalid blob type ${t}.`);
    const compressed = t >= 2;
    if (pos + entrySize(compressed) > header.length) throw corrupt('Pack header entry is truncated.');
    const length = header.readUInt32LE(pos + 1);
    let p = pos + 5;
    let uncompressedLength: number | undefined;
    if (compressed) {
      uncompressedLength = header.readUInt32LE(p);
      p += 4;
    }
    const id = header.toString('hex', p, p + 32);
    blobs.push({ type: t & 1 ? 'tree' : 'data', id, offset, length, uncompressedLength });
    offset += length;
    pos = p + 32;
  }
  if (offset + hlen + headerLengthSize !== fileSize) {
    throw corrupt('Pack header does not describe the whole pack.');
  }
  return blobs;
}

/** Reads and parses a pack's header with (usually) a single range read from the end. */
export async function readPackHeader(
  backend: Backend,
  key: MasterKey,
  packId: string,
  size?: number,
): Promise<PackedBlob[]> {
  let fileSize = size;
  if (fileSize === undefined) {
    const info = await backend.stat('data', packId);
    if (!info) throw new LifeboatError('NOT_FOUND', `Pack ${packId} is missing.`);
    fileSize = info.size;
  }
  if (fileSize < plainEntrySize + cryptoOverhead + headerLengthSize)
    throw corrupt(`Pack ${packId.slice(0, 8)} is too short.`);
  const eager = Math.min(fileSize, eagerEntries * compressedEntrySize + cryptoOverhead + headerLengthSize);
  let tail = await backend.read('data', packId, { offset: fileSize - eager, length: eager });
  const hlen = tail.readUInt32LE(tail.length - headerLengthSize);
  if (hlen + headerLengthSize > eager && hlen + headerLengthSize <= Math.min(fileSize, maxHeaderSize)) {
    const total = hlen + headerLengthSize;
    tail = await backend.read('data', packId, { offset: fileSize - total, length: total });
  }
  return parseHeader(key, tail, fileSize);
}

/** Size a pack must have according to its blob list (used by check to compare with the file). */
export function expectedPackSize(blobs: readonly PackedBlob[]): number {
  let size = cryptoOverhead + headerLengthSize;
  for (const b of blobs) size += b.length + entrySize(b.uncompressedLength !== undefined);
  return size;
}
