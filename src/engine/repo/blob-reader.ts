/**
 * Reads many blobs efficiently for restore: knowing every blob it will need up front, it fetches
 * neighbouring blobs of a pack with one range read and keeps that span until all its blobs were
 * used (bounded memory). Decoded blobs are always verified against their id.
 */
import type { IndexEntry } from './master-index.ts';
import type { Repository } from './repository.ts';

interface Span {
  offset: number;
  data: Buffer;
  remaining: number;
}

export interface BlobReaderOptions {
  /** Largest single range read. */
  maxSpan?: number;
  /** Gap between needed blobs that is cheaper to download than to skip with a new request. */
  maxGap?: number;
  /** Memory cap for cached spans. */
  maxCache?: number;
}

function key(e: IndexEntry): string {
  return `${e.packId}:${e.offset}`;
}

export class BlobReader {
  private readonly repo: Repository;
  private readonly needed = new Map<string, IndexEntry[]>(); // pack → needed entries by offset
  private readonly uses = new Map<string, number>(); // pack:offset → remaining uses
  private readonly spans = new Map<string, Span[]>();
  private readonly loading = new Map<string, Promise<Span>>();
  private cached = 0;
  private readonly maxSpan: number;
  private readonly maxGap: number;
  private readonly maxCache: number;

  constructor(repo: Repository, plan: Iterable<IndexEntry>, opts: BlobReaderOptions = {}) {
    this.repo = repo;
    this.maxSpan = opts.maxSpan ?? 8 * 1024 * 1024;
    this.maxGap = opts.maxGap ?? 256 * 1024;
    this.maxCache = opts.maxCache ?? 96 * 1024 * 1024;
    for (const e of plan) {
      const k = key(e);
      const n = this.uses.get(k) ?? 0;
      this.uses.set(k, n + 1);
      if (n === 0) {
        let list = this.needed.get(e.packId);
        if (!list) this.needed.set(e.packId, (list = []));
        list.push(e);
      }
    }
    for (const list of this.needed.values()) list.sort((a, b) => a.offset - b.offset);
  }

  /** The verified plaintext of a planned blob. Falls back to other stored copies on damage. */
  async read(entry: IndexEntry): Promise<Buffer> {
    try {
      const span = await this.spanFor(entry);
      const start = entry.offset - span.offset;
      const plain = this.repo.decodeBlob(entry, span.data.subarray(start, start + entry.length));
      this.used(entry, span);
      return plain;
    } catch (err) {
      this.used(entry, undefined);
      const copies = this.repo.index.lookupAll(entry.type, entry.id);
      if (copies.length > 1) return this.repo.loadBlob(entry.type, entry.id);
      throw err;
    }
  }

  private used(entry: IndexEntry, span: Span | undefined): void {
    const k = key(entry);
    const n = (this.uses.get(k) ?? 1) - 1;
    if (n > 0) this.uses.set(k, n);
    else this.uses.delete(k);
    if (!span) return;
    span.remaining -= 1;
    if (span.remaining <= 0) this.drop(entry.packId, span);
  }

  private drop(packId: string, span: Span): void {
    const list = this.spans.get(packId);
    if (!list) return;
    const i = list.indexOf(span);
    if (i >= 0) {
      list.splice(i, 1);
      this.cached -= span.data.length;
    }
    if (list.length === 0) this.spans.delete(packId);
  }

  private async spanFor(entry: IndexEntry): Promise<Span> {
    const have = this.spans
      .get(entry.packId)
      ?.find((s) => entry.offset >= s.offset && entry.offset + entry.length <= s.offset + s.data.length);
    if (have) return have;
    const list = this.needed.get(entry.packId) ?? [entry];
    let i = list.findIndex((e) => e.offset === entry.offset);
    if (i < 0) i = 0;
    // Extend to the right over blobs still needed, while the gaps and the total stay small.
    const start = entry.offset;
    let end = entry.offset + entry.length;
    let count = this.uses.get(key(entry)) ?? 1;
    for (let j = i + 1; j < list.length; j++) {
      const e = list[j] as IndexEntry;
      const uses = this.uses.get(key(e)) ?? 0;
      if (uses === 0) continue;
      if (e.offset - end > this.maxGap || e.offset + e.length - start > this.maxSpan) break;
      end = Math.max(end, e.offset + e.length);
      count += uses;
    }
    const loadKey = `${entry.packId}:${start}:${end}`;
    let pending = this.loading.get(loadKey);
    if (!pending) {
      pending = this.repo.backend
        .read('data', entry.packId, { offset: start, length: end - start })
        .then((data) => {
          const span: Span = { offset: start, data, remaining: count };
          this.evictFor(data.length);
          let spans = this.spans.get(entry.packId);
          if (!spans) this.spans.set(entry.packId, (spans = []));
          spans.push(span);
          this.cached += data.length;
          return span;
        });
      this.loading.set(loadKey, pending);
      void pending.finally(() => this.loading.delete(loadKey)).catch(() => undefined);
    }
    return pending;
  }

  private evictFor(bytes: number): void {
    for (const [packId, list] of this.spans) {
      if (this.cached + bytes <= this.maxCache) return;
      for (const s of [...list]) this.drop(packId, s);
    }
  }
}
