import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Chunker,
  DEFAULT_CHUNKER_PARAMS,
  GEAR,
  chunkLengths,
  chunkerMasks,
  type ChunkerParams,
} from '../../../src/engine/repo/chunker.ts';

/** Deterministic pseudo-random bytes (xorshift32), fast enough for 20 MB. */
function pseudoRandom(size: number, seed = 0x9e3779b9): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed | 0;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Byte-at-a-time reference of the same algorithm, written as plainly as possible. */
function referenceLengths(data: Uint8Array, p: ChunkerParams): number[] {
  const { maskS, maskL } = chunkerMasks(p.normalSize);
  const out: number[] = [];
  let start = 0;
  while (start < data.length) {
    const remaining = data.length - start;
    if (remaining <= p.minSize) {
      out.push(remaining);
      break;
    }
    let h = 0;
    let len = Math.min(remaining, p.maxSize);
    for (let i = p.minSize; i < Math.min(remaining, p.maxSize); i++) {
      h = ((h << 1) + GEAR[data[start + i]!]!) | 0;
      if ((h & (i < p.normalSize ? maskS : maskL)) === 0) {
        len = i + 1;
        break;
      }
    }
    out.push(len);
    start += len;
  }
  return out;
}

function lengthsBySplits(data: Uint8Array, p: Partial<ChunkerParams>, splits: number[]): number[] {
  const chunker = new Chunker(p);
  const lengths: number[] = [];
  let chunkStart = 0;
  let offset = 0;
  for (const end of [...splits, data.length]) {
    const piece = data.subarray(offset, end);
    for (const cut of chunker.push(piece)) {
      lengths.push(offset + cut - chunkStart);
      chunkStart = offset + cut;
    }
    offset = end;
  }
  const last = chunker.finish();
  if (last > 0) lengths.push(last);
  return lengths;
}

const small: ChunkerParams = { minSize: 64, normalSize: 256, maxSize: 1024 };

describe('chunker', () => {
  const data = pseudoRandom(20_000_000);

  it('pins the gear table and the boundaries (changing them breaks dedup with older backups)', () => {
    expect(Array.from(GEAR.subarray(0, 4), (v) => (v >>> 0).toString(16))).toMatchInlineSnapshot(`
      [
        "ba9f6629",
        "8b5e4151",
        "b7b49c45",
        "9fe73978",
      ]
    `);
    const lengths = chunkLengths(data);
    const digest = createHash('sha256').update(lengths.join(',')).digest('hex');
    expect({ count: lengths.length, digest }).toMatchInlineSnapshot(`
      {
        "count": 18,
        "digest": "e560fe9c9dea23f14191bf15ed6896e6bb4bad74ea21c87c04f0e03b5394cc86",
      }
    `);
  });

  it('matches the byte-at-a-time reference', () => {
    expect(chunkLengths(data)).toEqual(referenceLengths(data, { ...DEFAULT_CHUNKER_PARAMS }));
    const part = data.subarray(0, 300_000);
    expect(chunkLengths(part, small)).toEqual(referenceLengths(part, small));
  });

  it('gives the same chunks however the input is split', () => {
    const whole = chunkLengths(data);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 5; round++) {
      const splits = Array.from({ length: 40 }, () => rnd(data.length)).sort((a, b) => a - b);
      expect(lengthsBySplits(data, {}, splits)).toEqual(whole);
    }
    // tiny pieces, including single bytes and empty buffers, with small chunk sizes
    const part = data.subarray(0, 200_000);
    const expected = chunkLengths(part, small);
    const splits: number[] = [];
    for (let at = 0; at < part.length; at += 1 + rnd(700)) splits.push(at, at);
    expect(lengthsBySplits(part, small, splits)).toEqual(expected);
  });

  it('respects min and max, and covers every byte', () => {
    const { minSize, maxSize } = DEFAULT_CHUNKER_PARAMS;
    const lengths = chunkLengths(data);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(data.length);
    for (const l of lengths.slice(0, -1)) {
      expect(l).toBeGreaterThanOrEqual(minSize);
      expect(l).toBeLessThanOrEqual(maxSize);
    }
    const mean = data.length / lengths.length;
    expect(mean).toBeGreaterThan(900 * 1024);
    expect(mean).toBeLessThan(1600 * 1024);
    const smallLengths = chunkLengths(data.subarray(0, 500_000), small);
    for (const l of smallLengths.slice(0, -1)) expect(l >= 64 && l <= 1024).toBe(true);
  });

  it('a 1-byte insert near the start changes only 1-2 chunks', () => {
    const edited = Buffer.concat([data.subarray(0, 1000), Buffer.from([42]), data.subarray(1000)]);
    const ids = (buf: Buffer) => {
      const out = new Set<string>();
      let off = 0;
      for (const l of chunkLengths(buf)) {
        out.add(
          createHash('sha256')
            .update(buf.subarray(off, off + l))
            .digest('hex'),
        );
        off += l;
      }
      return out;
    };
    const before = ids(data);
    const after = ids(edited);
    const changed = [...after].filter((id) => !before.has(id)).length;
    expect(changed).toBeGreaterThanOrEqual(1);
    expect(changed).toBeLessThanOrEqual(2);
  });

  it('cuts all-zero input at the maximum size', () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const lengths = chunkLengths(zeros);
    expect(lengths).toEqual([8 << 20, 8 << 20, 4 << 20]);
  });

  it('handles empty input and tiny input', () => {
    expect(chunkLengths(Buffer.alloc(0))).toEqual([]);
    const c = new Chunker();
    expect(c.push(Buffer.alloc(0))).toEqual([]);
    expect(c.finish()).toBe(0);
    expect(chunkLengths(Buffer.from('hello'))).toEqual([5]);
  });

  it('rejects inconsistent sizes', () => {
    expect(() => new Chunker({ minSize: 10, normalSize: 5, maxSize: 20 })).toThrow(RangeError);
  });
});
