/** A small LRU of decoded tree blobs, bounded by bytes; ls, diff and restore revisit trees. */
export class TreeCache {
  private readonly maxBytes: number;
  private readonly items = new Map<string, Buffer>();
  private bytes = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get(id: string): Buffer | undefined {
    const v = this.items.get(id);
    if (v) {
      this.items.delete(id);
      this.items.set(id, v);
    }
    return v;
  }

  set(id: string, data: Buffer): void {
    if (data.length > this.maxBytes / 4 || this.items.has(id)) return;
    this.items.set(id, data);
    this.bytes += data.length;
    for (const [k, v] of this.items) {
      if (this.bytes <= this.maxBytes) break;
      this.items.delete(k);
      this.bytes -= v.length;
    }
  }
}
