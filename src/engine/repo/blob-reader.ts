/**
 * Plans how restore reads blobs, the way restic does: pack by pack rather than file by file.
 * Knowing every blob each file needs, it groups the needed blobs of a pack into a few range reads
 * (neighbours joined when the gap between them is small, each range bounded in size), and lists
 * for every blob all the places it goes to, so each blob is read and decoded once however many
 * files, or places in one file, contain it. Packs come in the order the files first need them.
 */
import { cryptoOverhead } from './crypto.ts';
import type { IndexEntry } from './master-index.ts';

export interface BlobTarget {
  /** Index of the file in the list given to planRanges. */
  file: number;
  /** Byte position in that file. */
  position: number;
}

export interface RangeBlob {
  entry: IndexEntry;
  /** Plaintext length. */
  size: number;
  targets: BlobTarget[];
}

export interface PackRange {
  packId: string;
  offset: number;
  length: number;
  /** By offset in the pack. */
  blobs: RangeBlob[];
}

export interface RangePlanOptions {
  /** Largest single range read. */
  maxSpan?: number;
  /** Gap between needed blobs that is cheaper to read through than to skip with a new request. */
  maxGap?: number;
}

/** Plaintext length of a blob. */
export function plainSize(e: IndexEntry): number {
  return e.uncompressedLength ?? e.length - cryptoOverhead;
}

/** `files[i]` is the content of file i, in order. */
export function planRanges(
  files: ReadonlyArray<readonly IndexEntry[]>,
  opts: RangePlanOptions = {},
): PackRange[] {
  const maxSpan = opts.maxSpan ?? 8 * 1024 * 1024;
  const maxGap = opts.maxGap ?? 256 * 1024;
  // pack → offset → blob; Map iteration keeps the order of first use.
  const packs = new Map<string, Map<number, RangeBlob>>();
  files.forEach((entries, file) => {
    let position = 0;
    for (const entry of entries) {
      let blobs = packs.get(entry.packId);
      if (!blobs) packs.set(entry.packId, (blobs = new Map()));
      let b = blobs.get(entry.offset);
      if (!b) blobs.set(entry.offset, (b = { entry, size: plainSize(entry), targets: [] }));
      b.targets.push({ file, position });
      position += b.size;
    }
  });
  const ranges: PackRange[] = [];
  for (const [packId, byOffset] of packs) {
    const blobs = [...byOffset.values()].sort((a, b) => a.entry.offset - b.entry.offset);
    let cur: PackRange | undefined;
    for (const b of blobs) {
      const { offset, length } = b.entry;
      const end = cur ? cur.offset + cur.length : 0;
      if (cur && offset >= end && offset - end <= maxGap && offset + length - cur.offset <= maxSpan) {
        cur.length = offset + length - cur.offset;
        cur.blobs.push(b);
      } else {
        cur = { packId, offset, length, blobs: [b] };
        ranges.push(cur);
      }
    }
  }
  return ranges;
}
