import { LifeboatError } from '../../../src/shared/errors.ts';
import type { Backend, ByteRange, FileInfo, FileType } from '../../../src/engine/storage/backend.ts';

/** An in-memory backend for fast unit tests; `failWrites` simulates a full disk. */
export class MemoryBackend implements Backend {
  readonly location = 'memory:';
  readonly files = new Map<string, Buffer>();
  failWrites: ((type: FileType, name: string) => Error | undefined) | undefined;

  private k(type: FileType, name: string): string {
    return `${type}/${type === 'config' ? 'config' : name}`;
  }

  async list(type: FileType): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    for (const [k, v] of this.files) {
      if (k.startsWith(`${type}/`)) out.push({ name: k.slice(type.length + 1), size: v.length });
    }
    return out;
  }

  async stat(type: FileType, name: string): Promise<FileInfo | undefined> {
    const v = this.files.get(this.k(type, name));
    return v ? { name, size: v.length } : undefined;
  }

  async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    const v = this.files.get(this.k(type, name));
    if (!v) throw new LifeboatError('NOT_FOUND', `${type}/${name} missing`);
    return Buffer.from(range ? v.subarray(range.offset, range.offset + range.length) : v);
  }

  async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    const fail = this.failWrites?.(type, name);
    if (fail) throw fail;
    const k = this.k(type, name);
    if (this.files.has(k)) throw new LifeboatError('REPO_CORRUPT', `${k} exists`);
    this.files.set(k, Buffer.from(data));
  }

  async remove(type: FileType, name: string): Promise<void> {
    this.files.delete(this.k(type, name));
  }
}
