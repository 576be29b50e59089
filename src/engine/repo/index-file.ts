/**
 * Index files (index/<id>): JSON listing packs and the blobs in them, in restic's format.
 * Very old restic wrote a bare array of packs; we read that too.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { goJsonBytes, parseJson } from './go-json.ts';
import type { PackedBlob } from './pack.ts';

export interface IndexPack {
  id: string;
  blobs: PackedBlob[];
}

export interface IndexFileContent {
  supersedes: string[];
  packs: IndexPack[];
}

interface BlobJson {
  id: string;
  type: string;
  offset: number;
  length: number;
  uncompressed_length?: number;
}

interface PackJson {
  id: string;
  blobs: BlobJson[] | null;
}

/** restic starts a new index file after 50 000 blobs. */
export const maxBlobsPerIndexFile = 50_000;

export function encodeIndexFile(packs: readonly IndexPack[], supersedes: readonly string[] = []): Buffer {
  return goJsonBytes({
    supersedes: supersedes.length > 0 ? supersedes : undefined,
    packs: packs.map((p) => ({
      id: p.id,
      blobs: p.blobs.map((b) => ({
        id: b.id,
        type: b.type,
        offset: b.offset,
        length: b.length,
        uncompressed_length: b.uncompressedLength || undefined,
      })),
    })),
  });
}

const hex64 = /^[0-9a-f]{64}$/;

function bad(message: string): LifeboatError {
  return new LifeboatError('REPO_CORRUPT', `Index file is invalid: ${message}.`);
}

function isUint32(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

export function decodeIndexFile(json: Uint8Array): IndexFileContent {
  const raw = parseJson<unknown>(json);
  let packs: unknown;
  let supersedes: unknown = [];
  if (Array.isArray(raw)) {
    packs = raw;
  } else if (typeof raw === 'object' && raw !== null) {
    packs = (raw as { packs?: unknown }).packs ?? [];
    supersedes = (raw as { supersedes?: unknown }).supersedes ?? [];
  } else {
    throw bad('not an object');
  }
  if (!Array.isArray(packs)) throw bad('packs is not a list');
  if (!Array.isArray(supersedes) || !supersedes.every((s) => typeof s === 'string' && hex64.test(s)))
    throw bad('bad supersedes');
  const out: IndexPack[] = [];
  for (const p of packs as PackJson[]) {
    if (typeof p !== 'object' || p === null || typeof p.id !== 'string' || !hex64.test(p.id))
      throw bad('bad pack id');
    const blobs: PackedBlob[] = [];
    for (const b of p.blobs ?? []) {
      if (typeof b.id !== 'string' || !hex64.test(b.id)) throw bad('bad blob id');
      if (b.type !== 'data' && b.type !== 'tree') throw bad(`bad blob type ${String(b.type)}`);
      if (!isUint32(b.offset) || !isUint32(b.length)) throw bad('bad blob offset or length');
      const u = b.uncompressed_length;
      if (u !== undefined && u !== null && !isUint32(u)) throw bad('bad uncompressed length');
      blobs.push({
        type: b.type,
        id: b.id,
        offset: b.offset,
        length: b.length,
        uncompressedLength: u || undefined,
      });
    }
    out.push({ id: p.id, blobs });
  }
  return { supersedes: supersedes as string[], packs: out };
}
