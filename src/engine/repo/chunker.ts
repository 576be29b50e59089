/**
 * Content-defined chunking: FastCDC (Xia et al., USENIX ATC 2016) with a gear hash and normalized
 * chunking (two masks). Streaming: feed buffers of any size; the boundaries depend only on the bytes,
 * never on how they were split into buffers.
 *
 * Parameters (defaults): min 512 KiB, normal ("average" target) 1 MiB, max 8 MiB — restic's own order
 * of magnitude. Why: our data is mostly database dumps and NDJSON exports of a few MB to a few GB.
 * Smaller chunks would dedup a one-record edit a little better, but every chunk costs an index entry
 * (kept in memory, uploaded in index files) and per-blob overhead in packs; at ~1 MiB a 10 GB source is
 * ~10,000 blobs, cheap to index on an office PC, and an edit costs one ~1 MiB chunk (≈200 KB after zstd).
 * Normalized chunking keeps sizes tight around 1-1.5 MiB, so few tiny or huge chunks.
 * Measured on random data: mean ≈ 1.2 MiB (see tests/engine/repo/chunker.test.ts).
 *
 * COMPATIBILITY: the gear table seed, the masks and the sizes below decide every chunk boundary.
 * Changing any of them does not break old backups (restic reads any chunking), but new backups
 * would no longer dedup against old ones: every file would be uploaded again once.
 */
import { createHash } from 'node:crypto';

export interface ChunkerParams {
  /** No cut before this many bytes; these bytes are skipped without hashing (FastCDC). */
  minSize: number;
  /** Below this size the stricter mask applies, above it the looser one. */
  normalSize: number;
  /** A chunk is always cut here. */
  maxSize: number;
}

export const DEFAULT_CHUNKER_PARAMS: Readonly<ChunkerParams> = Object.freeze({
  minSize: 512 * 1024,
  normalSize: 1024 * 1024,
  maxSize: 8 * 1024 * 1024,
});

/** Changing this seed changes every boundary (see COMPATIBILITY above). */
export const GEAR_SEED = 'lifeboat-fastcdc-gear-v1';

/** 256 pseudo-random 32-bit values: SHA-256 in counter mode over GEAR_SEED, big-endian words. */
function makeGearTable(seed: string): Int32Array {
  const table = new Int32Array(256);
  for (let block = 0; block < 32; block++) {
    const digest = createHash('sha256').update(`${seed}:${block}`).digest();
    for (let w = 0; w < 8; w++) table[block * 8 + w] = digest.readInt32BE(w * 4);
  }
  return table;
}

export const GEAR: Int32Array = makeGearTable(GEAR_SEED);

/**
 * A mask of `bits` one-bits taken from the top of the 32-bit hash: with `h = (h << 1) + gear[b]`,
 * bit k depends on the last k+1 bytes, so the high bits see the widest window (up to 32 bytes).
 */
function topBitsMask(bits: number): number {
  const b = Math.max(1, Math.min(31, bits));
  return ~((1 << (32 - b)) - 1);
}

/** Normalization level 2 (FastCDC paper): ±2 bits around log2(normalSize). */
export function chunkerMasks(normalSize: number): { maskS: number; maskL: number } {
  const bits = Math.round(Math.log2(normalSize));
  return { maskS: topBitsMask(bits + 2), maskL: topBitsMask(bits - 2) };
}

export class Chunker {
  readonly params: Readonly<ChunkerParams>;
  private readonly maskS: number;
  private readonly maskL: number;
  /** Bytes of the current (unfinished) chunk already seen. */
  private pos = 0;
  /** [gear hash] — see scanForCut for why it is an Int32Array. */
  private readonly state = new Int32Array(1);

  constructor(params: Partial<ChunkerParams> = {}) {
    const p = { ...DEFAULT_CHUNKER_PARAMS, ...params };
    if (!(p.minSize >= 1 && p.minSize <= p.normalSize && p.normalSize <= p.maxSize)) {
      throw new RangeError(`invalid chunker sizes ${p.minSize}/${p.normalSize}/${p.maxSize}`);
    }
    this.params = Object.freeze(p);
    const { maskS, maskL } = chunkerMasks(p.normalSize);
    this.maskS = maskS;
    this.maskL = maskL;
  }

  /** Bytes pushed since the last boundary. */
  get pending(): number {
    return this.pos;
  }

  /**
   * Feeds the next bytes of the stream. Returns the offsets in `data` (exclusive ends) where chunks
   * end; the first chunk may have started in earlier buffers. Bytes after the last offset stay pending.
   */
  push(data: Uint8Array): number[] {
    const cuts: number[] = [];
    const { minSize, normalSize, maxSize } = this.params;
    const maskS = this.maskS;
    const maskL = this.maskL;
    const gear = GEAR;
    const len = data.length;
    let i = 0;
    let pos = this.pos;
    let h = this.state[0]!;
    // Performance notes (V8): the byte loops live here, not in a helper, because Maglev inlines a
    // helper into this rarely-called method and the loop then never tiers up to TurboFan (3x slower).
    // `| 0` keeps the hash an int32; it is stored in an Int32Array because a full 32-bit value in a
    // field is boxed as a heap number and the shape change deoptimizes.
    while (i < len) {
      // FastCDC: the first minSize bytes of a chunk cannot hold a cut, so they are not even hashed.
      if (pos < minSize) {
        const skip = Math.min(minSize - pos, len - i);
        i += skip;
        pos += skip;
        if (pos < minSize) break;
      }
      const start = i - pos; // where the current chunk began, relative to data (may be negative)
      let cut = -1;
      const endS = Math.min(len, start + normalSize);
      for (; i < endS; i++) {
        h = ((h << 1) + gear[data[i]!]!) | 0;
        if ((h & maskS) === 0) {
          cut = i + 1;
          break;
        }
      }
      if (cut < 0) {
        const endL = Math.min(len, start + maxSize);
        for (; i < endL; i++) {
          h = ((h << 1) + gear[data[i]!]!) | 0;
          if ((h & maskL) === 0) {
            cut = i + 1;
            break;
          }
        }
        if (cut < 0) {
          pos = i - start;
          if (pos < maxSize) break; // data exhausted; continue on the next push
          cut = i; // forced cut at maxSize
        }
      }
      cuts.push(cut);
      i = cut;
      pos = 0;
      h = 0;
    }
    this.pos = pos;
    this.state[0] = h;
    return cuts;
  }

  /** Ends the stream: returns the length of the last chunk, or 0 if nothing is pending. Resets. */
  finish(): number {
    const last = this.pos;
    this.pos = 0;
    this.state[0] = 0;
    return last;
  }
}

/** Chunk lengths of a whole buffer (tests, small files). */
export function chunkLengths(data: Uint8Array, params: Partial<ChunkerParams> = {}): number[] {
  const chunker = new Chunker(params);
  const cuts = chunker.push(data);
  const lengths: number[] = [];
  let prev = 0;
  for (const c of cuts) {
    lengths.push(c - prev);
    prev = c;
  }
  const last = chunker.finish();
  if (last > 0) lengths.push(last);
  return lengths;
}
