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

export function entrySize(compressed: boolean): number {
  return compressed ? compressedEntrySize : plainEntrySize;
}

/** Collects encoded blobs in memory and produces the finished pack file. */
export class PackWriter {
  readonly type: BlobType;
  private readonly parts: Buffer[] = [];
  private readonly blobs: PackedBlob[] = [];
  private bytes = 0;
  private headerBytes = 0;

  constructor(type: BlobType) {
    this.type = type;
  }

  get count(): number {
    return this.blobs.length;
  }

  /** Size of the finished pack if it were finalized now. */
  get size(): number {
    return this.bytes + this.headerBytes + cryptoOverhead + headerLengthSize;
  }

  add(id: string, encoded: { data: Buffer; uncompressedLength: number | undefined }): PackedBlob {
    const blob: PackedBlob = {
      type: this.type,
      id,
      offset: this.bytes,
      length: encoded.data.length,
      uncompressedLength: encoded.uncompressedLength || undefined,
    };
    this.parts.push(encoded.data);
    this.blobs.push(blob);
    this.bytes += encoded.data.length;
    this.headerBytes += entrySize(blob.uncompressedLength !== undefined);
    return blob;
  }

  /** Encoded bytes of a blob still in this writer (lets a not-yet-uploaded blob be read back). */
  blobData(index: number): Buffer | undefined {
    return this.parts[index];
  }

  finalize(key: MasterKey): { id: string; data: Buffer; blobs: PackedBlob[] } {
    if (this.blobs.length === 0) throw new LifeboatError('INTERNAL', 'Cannot write an empty pack.');
    const header = encodeHeader(this.blobs);
    const sealed = seal(key, header);
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32LE(sealed.length, 0);
    const data = Buffer.concat([...this.parts, sealed, tail]);
    // Read our own header back before it leaves the process, as restic does.
    const check = parseHeader(key, data.subarray(data.length - sealed.length - 4), data.length);
    if (check.length !== this.blobs.length)
      throw new LifeboatError('INTERNAL', 'Pack header verification failed.');
    const id = createHash('sha256').update(data).digest('hex');
    return { id, data, blobs: this.blobs.slice() };
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
