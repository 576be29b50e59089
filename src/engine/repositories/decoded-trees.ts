/**
 * Decoded trees by id, least recently used dropped first, bounded by an estimate of their memory.
 * Trees are immutable (the id is the hash of the content), so an entry never goes stale. Browsing a
 * folder of 50,000 files, searching many snapshots and comparing versions revisit the same trees.
 */
import type { BrowseTree } from './browse-tree.ts';

/** Rough bytes of memory per byte of tree JSON once decoded (browse nodes keep a fraction of the JSON). */
const memoryPerJsonByte = 1;

export class DecodedTrees {
  readonly #maxBytes: number;
  readonly #items = new Map<string, { tree: BrowseTree; bytes: number }>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(id: string): BrowseTree | undefined {
    const hit = this.#items.get(id);
    if (!hit) return undefined;
    this.#items.delete(id);
    this.#items.set(id, hit);
    return hit.tree;
  }

  set(id: string, tree: BrowseTree, jsonBytes: number): void {
    const bytes = jsonBytes * memoryPerJsonByte + 200;
    if (bytes > this.#maxBytes / 2 || this.#items.has(id)) return;
    this.#items.set(id, { tree, bytes });
    this.#bytes += bytes;
    for (const [key, item] of this.#items) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#items.delete(key);
      this.#bytes -= item.bytes;
    }
  }

  get size(): number {
    return this.#items.size;
  }
}
