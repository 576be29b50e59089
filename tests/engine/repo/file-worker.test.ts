import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { decodeBlob } from '../../../src/engine/repo/blob-codec.ts';
import { chunkLengths } from '../../../src/engine/repo/chunker.ts';
import { randomMasterKey } from '../../../src/engine/repo/crypto.ts';
import { processFile } from '../../../src/engine/repo/workers/file-processor.ts';
import type { FileMessage, FileReply } from '../../../src/engine/repo/workers/file-processor.ts';
import { FileSaver } from '../../../src/engine/repo/workers/file-saver.ts';
import type { SavedBlob } from '../../../src/engine/repo/workers/file-saver.ts';

const key = randomMasterKey();
let dir: string;

function pseudoRandom(size: number, seed: number): Buffer {
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

/** Half random, half repetitive text: some chunks compress, some do not. */
function sampleData(size: number, seed: number): Buffer {
  const text = Buffer.from('id,name,email\n' + 'x'.repeat(50) + '\n')
    .toString()
    .repeat(Math.ceil(size / 2 / 64));
  return Buffer.concat([pseudoRandom(size / 2, seed), Buffer.from(text).subarray(0, size / 2)]);
}

function expectedChunks(data: Buffer) {
  let off = 0;
  return chunkLengths(data).map((length) => {
    const id = createHash('sha256')
      .update(data.subarray(off, off + length))
      .digest('hex');
    off += length;
    return { id, length };
  });
}

function makeStore() {
  const blobs = new Map<string, SavedBlob>();
  let saves = 0;
  return {
    blobs,
    get saves() {
      return saves;
    },
    isKnown: (id: string) => blobs.has(id),
    saveBlob: (b: SavedBlob) => {
      saves++;
      blobs.set(b.id, b);
    },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lifeboat-fw-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file worker', () => {
  it('produces the same chunks as in-process chunking, stores each new blob once, then dedups', async () => {
    const data = sampleData(24 * 1024 * 1024, 7);
    const path = join(dir, 'big.bin');
    writeFileSync(path, data);
    const store = makeStore();
    const saver = new FileSaver({
      key,
      isKnown: store.isKnown,
      saveBlob: store.saveBlob,
      workers: 2,
      task: { batchBytes: 4 << 20 },
    });
    try {
      let progress = 0;
      const first = await saver.saveFile(path, { size: data.length, onProgress: (n) => (progress += n) });
      expect(progress).toBe(data.length);
      const expected = expectedChunks(data);
      expect(first.chunks).toEqual(expected);
      expect(first.changed).toBe(false);
      expect(first.bytesRead).toBe(data.length);
      expect(store.blobs.size).toBe(new Set(expected.map((c) => c.id)).size);
      expect(store.saves).toBe(store.blobs.size);
      let compressed = 0;
      for (const b of store.blobs.values()) {
        const plain = decodeBlob(key, b.data, b.uncompressedLength);
        expect(createHash('sha256').update(plain).digest('hex')).toBe(b.id);
        expect(plain.length).toBe(b.length);
        if (b.uncompressedLength !== undefined) compressed++;
      }
      expect(compressed).toBeGreaterThan(0);
      // the same content again, twice in parallel: nothing new
      const [a, b] = await Promise.all([saver.saveFile(path), saver.saveFile(path)]);
      expect(a.chunks).toEqual(expected);
      expect(b.newChunks + a.newChunks).toBe(0);
      expect(store.saves).toBe(store.blobs.size);
    } finally {
      await saver.close();
    }
  });

  it('two files with shared content, in parallel, store each shared chunk once', async () => {
    const shared = pseudoRandom(12 << 20, 99);
    const p1 = join(dir, 'a.bin');
    const p2 = join(dir, 'b.bin');
    writeFileSync(p1, shared);
    writeFileSync(p2, Buffer.concat([shared, pseudoRandom(3 << 20, 5)]));
    const store = makeStore();
    const saver = new FileSaver({
      key,
      isKnown: store.isKnown,
      saveBlob: store.saveBlob,
      workers: 2,
      task: { batchBytes: 2 << 20 },
    });
    try {
      const [r1, r2] = await Promise.all([saver.saveFile(p1), saver.saveFile(p2)]);
      const ids = new Set([...r1.chunks, ...r2.chunks].map((c) => c.id));
      expect(store.saves).toBe(ids.size);
      for (const id of ids) expect(store.blobs.has(id)).toBe(true);
    } finally {
      await saver.close();
    }
  });

  it('sends small files to the workers in batches: same chunks, one blob per content, errors per file', async () => {
    const tiny = join(dir, 'tiny.txt');
    writeFileSync(tiny, 'hello lifeboat');
    const twin = join(dir, 'twin.txt');
    writeFileSync(twin, 'hello lifeboat');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const texts = Array.from({ length: 150 }, (_, i) => {
      const path = join(dir, `note-${i}.txt`);
      writeFileSync(path, `note ${i}\n`.repeat(50 + i));
      return path;
    });
    const store = makeStore();
    const saver = new FileSaver({ key, isKnown: store.isKnown, saveBlob: store.saveBlob, workers: 2 });
    try {
      const viaWholeFileTask = await saver.saveFile(tiny);
      const sizeOf = (path: string) => statSync(path).size;
      // all at once, as the backup's file stage hands them out: a missing file fails alone
      const results = await Promise.allSettled(
        [tiny, twin, empty, join(dir, 'missing-small'), ...texts].map((path) =>
          saver.saveFile(path, { size: existsSync(path) ? sizeOf(path) : 10 }),
        ),
      );
      const [batchedTiny, batchedTwin, batchedEmpty, missing, ...notes] = results;
      expect(batchedTiny).toMatchObject({ status: 'fulfilled', value: { chunks: viaWholeFileTask.chunks } });
      expect(batchedTwin).toMatchObject({ status: 'fulfilled', value: { chunks: viaWholeFileTask.chunks } });
      expect(viaWholeFileTask.chunks).toEqual([
        { id: createHash('sha256').update('hello lifeboat').digest('hex'), length: 14 },
      ]);
      expect(batchedEmpty).toMatchObject({ status: 'fulfilled', value: { chunks: [], bytesRead: 0 } });
      expect(missing).toMatchObject({ status: 'rejected', reason: { code: 'SOURCE_UNREADABLE' } });
      notes.forEach((outcome, i) => {
        const data = readFileSync(texts[i]!);
        expect(outcome).toMatchObject({
          status: 'fulfilled',
          value: {
            chunks: [{ id: createHash('sha256').update(data).digest('hex'), length: data.length }],
            bytesRead: data.length,
            changed: false,
          },
        });
      });
      // one blob per distinct content: the twins and the earlier whole-file task share one
      expect(store.saves).toBe(1 + texts.length);
      expect(store.blobs.size).toBe(store.saves);
      for (const b of store.blobs.values()) {
        const plain = decodeBlob(key, b.data, b.uncompressedLength);
        expect(createHash('sha256').update(plain).digest('hex')).toBe(b.id);
      }
    } finally {
      await saver.close();
    }
  });

  it('a "small" file that grew past the in-memory limit since the scan is read the regular way', async () => {
    const path = join(dir, 'grew.log');
    const data = sampleData(10 * 1024 * 1024, 11); // over smallFileReadLimit (8 MiB)
    writeFileSync(path, data);
    const store = makeStore();
    const saver = new FileSaver({ key, isKnown: store.isKnown, saveBlob: store.saveBlob, workers: 1 });
    // the one-file path, which streams (a batch would hold the whole file in memory)
    const alone = vi.spyOn(FileSaver.prototype as unknown as { attempt: () => unknown }, 'attempt');
    try {
      const result = await saver.saveFile(path, { size: 1200 }); // what the scanner saw a moment ago
      expect(alone).toHaveBeenCalledTimes(1);
      expect(result).toMatchObject({ chunks: expectedChunks(data), bytesRead: data.length, changed: false });
      expect(store.blobs.size).toBe(new Set(expectedChunks(data).map((c) => c.id)).size);
    } finally {
      alone.mockRestore();
      await saver.close();
    }
  });

  it('flags a file that changes while it is read', async () => {
    const path = join(dir, 'growing.log');
    writeFileSync(path, pseudoRandom(6 << 20, 3));
    let touched = false;
    const request = async (msg: FileMessage): Promise<FileReply> => {
      if (msg.type === 'batch' && !touched) {
        touched = true;
        appendFileSync(path, 'new line\n');
      }
      return { need: [] };
    };
    const r = await processFile({ path, batchBytes: 1 << 20, blockSize: 1 << 20 }, key, {
      signal: new AbortController().signal,
      request,
    });
    expect(touched).toBe(true);
    expect(r.changed).toBe(true);
    expect(r.after.size).toBe(r.before.size + 9);
    const unchanged = await processFile({ path }, key, { signal: new AbortController().signal, request });
    expect(unchanged.changed).toBe(false);
  });

  it('reports unreadable sources as SOURCE_UNREADABLE, also across the worker boundary', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const link = join(dir, 'link');
    symlinkSync(join(dir, 'tiny.txt'), link);
    const store = makeStore();
    const saver = new FileSaver({ key, isKnown: store.isKnown, saveBlob: store.saveBlob, workers: 1 });
    try {
      for (const [path, size] of [
        [dir, undefined],
        [fifo, undefined],
        [join(dir, 'missing'), undefined],
        [link, undefined],
        [join(dir, 'missing'), 0],
        [dir, 10], // batched with other small files: the same errors, per file
        [fifo, 10],
        [link, 10],
      ] as const) {
        const err = await saver.saveFile(path, size === undefined ? {} : { size }).catch((e: unknown) => e);
        expect(err, path).toBeInstanceOf(LifeboatError);
        expect((err as LifeboatError).code).toBe('SOURCE_UNREADABLE');
        expect((err as LifeboatError).message).toContain(path);
      }
    } finally {
      await saver.close();
    }
  });

  it('cancels a file in progress and frees its claims', async () => {
    const path = join(dir, 'cancel.bin');
    writeFileSync(path, pseudoRandom(16 << 20, 11));
    const store = makeStore();
    const ac = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const saver = new FileSaver({
      key,
      isKnown: store.isKnown,
      saveBlob: async (b) => {
        ac.abort(); // cancel while the first blobs are being stored
        await gate;
        store.saveBlob(b);
      },
      workers: 1,
      task: { batchBytes: 2 << 20 },
    });
    try {
      const p = saver.saveFile(path, { signal: ac.signal });
      await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
      release();
      // the worker is usable and the same chunks can be claimed again
      const again = await saver.saveFile(path);
      expect(again.chunks.length).toBeGreaterThan(0);
      for (const c of again.chunks) expect(store.blobs.has(c.id)).toBe(true);
    } finally {
      await saver.close();
    }
  });

  it('re-reads a file whose shared chunk was claimed by a file that then failed', async () => {
    const content = pseudoRandom(4 << 20, 21);
    const pa = join(dir, 'shared-a.bin');
    const pb = join(dir, 'shared-b.bin');
    writeFileSync(pa, content);
    writeFileSync(pb, content);
    const store = makeStore();
    let firstSave!: () => void;
    const firstSaveCalled = new Promise<void>((r) => (firstSave = r));
    let fail!: () => void;
    const gate = new Promise<void>((r) => (fail = r));
    let calls = 0;
    const saver = new FileSaver({
      key,
      isKnown: store.isKnown,
      saveBlob: async (b) => {
        if (calls++ === 0) {
          firstSave();
          await gate;
          throw new Error('disk full'); // the packer fails for file A's first blob
        }
        store.saveBlob(b);
      },
      workers: 2,
      task: { batchBytes: 1 << 20 },
    });
    try {
      const a = saver.saveFile(pa).catch((e: unknown) => e);
      await firstSaveCalled;
      const b = saver.saveFile(pb); // its first chunk is claimed by A: B depends on A
      await new Promise((r) => setTimeout(r, 300));
      fail();
      expect(((await a) as Error).message).toMatch(/disk full/);
      const rb = await b;
      for (const c of rb.chunks) expect(store.blobs.has(c.id), c.id).toBe(true);
    } finally {
      await saver.close();
    }
  });
});
