/**
 * In-memory index of every blob: (type, id) → pack, offset, length, uncompressed length.
 * Stored column-wise in typed arrays with an open-addressing hash table (≈70 bytes per blob, so a
 * million blobs take ~70 MB instead of several hundred with a Map of objects).
 */
import { LifeboatError } from '../../shared/errors.ts';
import type { BlobType, PackedBlob } from './pack.ts';

export interface IndexEntry {
  type: BlobType;
  id: string;
  packId: string;
  offset: number;
  length: number;
  uncompressedLength: number | undefined;
}

const initialCapacity = 1024;

export class MasterIndex {
  private ids = new Uint8Array(initialCapacity * 32);
  private packOf = new Uint32Array(initialCapacity);
  private offsets = new Uint32Array(initialCapacity);
  private lengths = new Uint32Array(initialCapacity);
  private ulengths = new Uint32Array(initialCapacity);
  private types = new Uint8Array(initialCapacity); // 0 data, 1 tree, 255 removed
  /** Next entry with the same (type, id), -1 if none: blobs may sit in several packs. */
  private nextDup = new Int32Array(initialCapacity);
  private table = new Int32Array(initialCapacity * 2).fill(-1);
  private count = 0;
  private distinct = 0;
  private readonly packIds: string[] = [];
  private readonly packNumbers = new Map<string, number>();
  private readonly scratch = Buffer.alloc(32);

  /** Number of distinct (type, id) pairs. */
  get size(): number {
    return this.distinct;
  }

  get packCount(): number {
    return this.packNumbers.size;
  }

  has(type: BlobType, id: string): boolean {
    return this.find(type, id) >= 0;
  }

  lookup(type: BlobType, id: string): IndexEntry | undefined {
    const e = this.find(type, id);
    return e < 0 ? undefined : this.entryAt(e);
  }

  /** Every copy of a blob (a blob can be stored in more than one pack). */
  lookupAll(type: BlobType, id: string): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (let e = this.find(type, id); e >= 0; e = this.nextDup[e] ?? -1) out.push(this.entryAt(e));
    return out;
  }

  addPack(packId: string, blobs: readonly PackedBlob[]): void {
    let pack = this.packNumbers.get(packId);
    if (pack === undefined) {
      pack = this.packIds.length;
      this.packIds.push(packId);
      this.packNumbers.set(packId, pack);
    }
    for (const b of blobs) this.insert(pack, b);
  }

  hasPack(packId: string): boolean {
    return this.packNumbers.has(packId);
  }

  packs(): string[] {
    return [...this.packNumbers.keys()];
  }

  /** All entries grouped by pack. */
  byPack(): Map<string, IndexEntry[]> {
    const out = new Map<string, IndexEntry[]>();
    for (let e = 0; e < this.count; e++) {
      if (this.types[e] === 255) continue;
      const entry = this.entryAt(e);
      let list = out.get(entry.packId);
      if (!list) out.set(entry.packId, (list = []));
      list.push(entry);
    }
    for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
    return out;
  }

  *entries(): Generator<IndexEntry> {
    for (let e = 0; e < this.count; e++) if (this.types[e] !== 255) yield this.entryAt(e);
  }

  /** Forgets every blob stored in the given packs (used before packs are deleted). */
  removePacks(packIds: Iterable<string>): void {
    const drop = new Set<number>();
    for (const id of packIds) {
      const n = this.packNumbers.get(id);
      if (n !== undefined) {
        drop.add(n);
        this.packNumbers.delete(id);
      }
    }
    if (drop.size === 0) return;
    const keep: Array<{ pack: string; blob: PackedBlob }> = [];
    for (let e = 0; e < this.count; e++) {
      if (this.types[e] === 255 || drop.has(this.packOf[e] ?? 0)) continue;
      const entry = this.entryAt(e);
      keep.push({ pack: entry.packId, blob: entry });
    }
    this.clear();
    for (const { pack, blob } of keep) this.addPack(pack, [blob]);
  }

  clear(): void {
    this.ids = new Uint8Array(initialCapacity * 32);
    this.packOf = new Uint32Array(initialCapacity);
    this.offsets = new Uint32Array(initialCapacity);
    this.lengths = new Uint32Array(initialCapacity);
    this.ulengths = new Uint32Array(initialCapacity);
    this.types = new Uint8Array(initialCapacity);
    this.nextDup = new Int32Array(initialCapacity);
    this.table = new Int32Array(initialCapacity * 2).fill(-1);
    this.count = 0;
    this.distinct = 0;
    this.packIds.length = 0;
    this.packNumbers.clear();
  }

  private entryAt(e: number): IndexEntry {
    const u = this.ulengths[e] ?? 0;
    return {
      type: this.types[e] === 1 ? 'tree' : 'data',
      id: Buffer.from(this.ids.buffer, this.ids.byteOffset + e * 32, 32).toString('hex'),
      packId: this.packIds[this.packOf[e] ?? 0] ?? '',
      offset: this.offsets[e] ?? 0,
      length: this.lengths[e] ?? 0,
      uncompressedLength: u === 0 ? undefined : u,
    };
  }

  private setScratch(id: string): Buffer {
    if (id.length !== 64 || this.scratch.write(id, 0, 32, 'hex') !== 32 || !/^[0-9a-f]{64}$/.test(id)) {
      throw new LifeboatError('REPO_CORRUPT', `Invalid blob id ${JSON.stringify(id.slice(0, 80))}.`);
    }
    return this.scratch;
  }

  private slotFor(idBytes: Uint8Array, type: number): number {
    // sha256 ids are uniformly distributed, so their first bytes are a perfect hash.
    const mask = this.table.length - 1;
    let slot =
      (((idBytes[0] ?? 0) << 24) | ((idBytes[1] ?? 0) << 16) | ((idBytes[2] ?? 0) << 8) | (idBytes[3] ?? 0)) &
      mask;
    for (;;) {
      const e = this.table[slot] ?? -1;
      if (e < 0 || (this.types[e] === type && this.sameId(e, idBytes))) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private sameId(e: number, idBytes: Uint8Array): boolean {
    const base = e * 32;
    for (let i = 0; i < 32; i++) if (this.ids[base + i] !== idBytes[i]) return false;
    return true;
  }

  private find(type: BlobType, id: string): number {
    const bytes = this.setScratch(id);
    return this.table[this.slotFor(bytes, type === 'tree' ? 1 : 0)] ?? -1;
  }

  private insert(pack: number, b: PackedBlob): void {
    if (this.count + 1 > this.packOf.length) this.grow();
    const bytes = this.setScratch(b.id);
    const type = b.type === 'tree' ? 1 : 0;
    const e = this.count++;
    this.ids.set(bytes, e * 32);
    this.packOf[e] = pack;
    this.offsets[e] = b.offset;
    this.lengths[e] = b.length;
    this.ulengths[e] = b.uncompressedLength ?? 0;
    this.types[e] = type;
    this.nextDup[e] = -1;
    const slot = this.slotFor(bytes, type);
    const head = this.table[slot] ?? -1;
    if (head < 0) {
      this.table[slot] = e;
      this.distinct++;
    } else {
      // Append to the duplicate chain so lookup keeps returning the first copy we saw. The same
      // copy listed by two index files (an interrupted prune leaves that) is stored once.
      let last = head;
      for (let d = head; d >= 0; d = this.nextDup[d] ?? -1) {
        if (this.packOf[d] === pack && this.offsets[d] === b.offset) {
          this.count--;
          return;
        }
        last = d;
      }
      this.nextDup[last] = e;
    }
    if (this.distinct * 2 > this.table.length) this.rehash(this.table.length * 2);
  }

  private grow(): void {
    const cap = this.packOf.length * 2;
    const growU32 = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const n = new Uint32Array(cap);
      n.set(a);
      return n;
    };
    const ids = new Uint8Array(cap * 32);
    ids.set(this.ids);
    this.ids = ids;
    this.packOf = growU32(this.packOf);
    this.offsets = growU32(this.offsets);
    this.lengths = growU32(this.lengths);
    this.ulengths = growU32(this.ulengths);
    const types = new Uint8Array(cap);
    types.set(this.types);
    this.types = types;
    const dup = new Int32Array(cap);
    dup.set(this.nextDup);
    this.nextDup = dup;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(-1);
    for (let e = 0; e < this.count; e++) {
      const type = this.types[e] ?? 255;
      if (type === 255) continue;
      const idBytes = this.ids.subarray(e * 32, e * 32 + 32);
      const slot = this.slotFor(idBytes, type);
      if ((this.table[slot] ?? -1) < 0) this.table[slot] = e;
    }
  }
}
