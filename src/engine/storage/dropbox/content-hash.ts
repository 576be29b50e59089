/**
 * Dropbox's content_hash: SHA-256 of every 4 MiB block, the binary digests concatenated, SHA-256 of
 * that, in hex (https://www.dropbox.com/developers/reference/content-hash). An empty file hashes to
 * SHA-256 of nothing. Computed locally and compared with what Dropbox reports after an upload.
 */
import { createHash } from 'node:crypto';

export const contentHashBlockSize = 4 * 1024 * 1024;

/** Streaming form, for data that arrives in pieces of any size. */
export class DropboxContentHasher {
  readonly #overall = createHash('sha256');
  #block = createHash('sha256');
  #blockFill = 0;

  update(data: Uint8Array): this {
    let pos = 0;
    while (pos < data.byteLength) {
      if (this.#blockFill === contentHashBlockSize) this.#finishBlock();
      const take = Math.min(contentHashBlockSize - this.#blockFill, data.byteLength - pos);
      this.#block.update(data.subarray(pos, pos + take));
      this.#blockFill += take;
      pos += take;
    }
    return this;
  }

  digest(): string {
    if (this.#blockFill > 0) this.#finishBlock();
    return this.#overall.digest('hex');
  }

  #finishBlock(): void {
    this.#overall.update(this.#block.digest());
    this.#block = createHash('sha256');
    this.#blockFill = 0;
  }
}

export function dropboxContentHash(data: Uint8Array): string {
  return new DropboxContentHasher().update(data).digest();
}
