import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  blobId,
  decodeBlob,
  decodeUnpacked,
  encodeBlob,
  encodeUnpacked,
} from '../../../src/engine/repo/blob-codec.ts';
import { createConfig, isIrreducible, validateConfig } from '../../../src/engine/repo/config.ts';
import { randomMasterKey, seal } from '../../../src/engine/repo/crypto.ts';
import { goJson, parseJson } from '../../../src/engine/repo/go-json.ts';
import { goQuoteInner, goUnquoteInner } from '../../../src/engine/repo/go-quote.ts';
import { formatGoTime, parseGoTime } from '../../../src/engine/repo/go-time.ts';
import { decodeIndexFile, encodeIndexFile } from '../../../src/engine/repo/index-file.ts';
import { IndexWriter } from '../../../src/engine/repo/index-io.ts';
import { MasterIndex } from '../../../src/engine/repo/master-index.ts';
import { PackWriter, expectedPackSize, parseHeader, readPackHeader } from '../../../src/engine/repo/pack.ts';
import {
  decodeTree,
  encodeTree,
  goModeFromPosix,
  modeDir,
  modeSymlink,
} from '../../../src/engine/repo/tree.ts';
import type { TreeNode } from '../../../src/engine/repo/tree.ts';
import { MemoryBackend } from './memory-backend.ts';

const key = randomMasterKey();

describe('blob codec', () => {
  it('compresses compressible data and round-trips', () => {
    const text = Buffer.from('customer;email;phone\n'.repeat(5000));
    const enc = encodeBlob(key, text, { compress: true });
    expect(enc.uncompressedLength).toBe(text.length);
    expect(enc.data.length).toBeLessThan(text.length / 10);
    expect(decodeBlob(key, enc.data, enc.uncompressedLength).equals(text)).toBe(true);
  });

  it('stores incompressible and empty data as is', () => {
    const rnd = randomBytes(100_000);
    const enc = encodeBlob(key, rnd, { compress: true });
    expect(enc.uncompressedLength).toBeUndefined();
    expect(enc.data.length).toBe(rnd.length + 32);
    expect(decodeBlob(key, enc.data).equals(rnd)).toBe(true);
    expect(encodeBlob(key, Buffer.alloc(0), { compress: true }).uncompressedLength).toBeUndefined();
  });

  it('encodes unpacked files with the version-2 header and reads raw JSON too', () => {
    const json = Buffer.from('{"a":1}');
    const enc = encodeUnpacked(key, json);
    expect(decodeUnpacked(key, enc).toString()).toBe('{"a":1}');
    expect(decodeUnpacked(key, seal(key, json)).toString()).toBe('{"a":1}');
    expect(() => decodeUnpacked(key, seal(key, Buffer.from([7, 1, 2])))).toThrow(/encoding version/);
  });

  it('hashes with sha256', () => {
    expect(blobId(Buffer.from('hello\n'))).toBe(
      '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
    );
  });
});

describe('packs', () => {
  it('writes and parses a header with compressed and plain entries', async () => {
    const w = new PackWriter('data');
    const a = Buffer.from('x'.repeat(10_000));
    const b = randomBytes(3000);
    w.add(blobId(a), encodeBlob(key, a, { compress: true }));
    w.add(blobId(b), encodeBlob(key, b, { compress: true }));
    const sizeBefore = w.size;
    const { id, data, blobs } = w.finalize(key);
    expect(data.length).toBe(sizeBefore);
    expect(expectedPackSize(blobs)).toBe(data.length);
    expect(blobId(data)).toBe(id);
    expect(parseHeader(key, data, data.length)).toEqual(blobs);
    const be = new MemoryBackend();
    await be.write('data', id, data);
    expect(await readPackHeader(be, key, id)).toEqual(blobs);
    expect(blobs[0]?.uncompressedLength).toBe(10_000);
    expect(blobs[1]?.uncompressedLength).toBeUndefined();
  });

  it('reads a header with many entries (second range read)', async () => {
    const w = new PackWriter('tree');
    for (let i = 0; i < 40; i++) {
      const t = Buffer.from(`{"nodes":[]} ${i}`);
      w.add(blobId(t), encodeBlob(key, t, { compress: false }));
    }
    const { id, data, blobs } = w.finalize(key);
    const be = new MemoryBackend();
    await be.write('data', id, data);
    expect(await readPackHeader(be, key, id)).toEqual(blobs);
  });
});

describe('master index', () => {
  it('stores, finds, groups and survives growth', () => {
    const idx = new MasterIndex();
    const ids: string[] = [];
    for (let p = 0; p < 50; p++) {
      const blobs = Array.from({ length: 100 }, (_, i) => {
        const id = blobId(Buffer.from(`${p}-${i}`));
        ids.push(id);
        return {
          type: 'data' as const,
          id,
          offset: i * 10,
          length: 10,
          uncompressedLength: i % 2 ? 20 : undefined,
        };
      });
      idx.addPack(`${p}`.padStart(64, '0'), blobs);
    }
    expect(idx.size).toBe(5000);
    expect(idx.lookup('data', ids[4321] as string)).toMatchObject({
      packId: '43'.padStart(64, '0'),
      offset: 210,
      uncompressedLength: 20,
    });
    expect(idx.has('tree', ids[1] as string)).toBe(false);
    idx.addPack('f'.repeat(64), [
      { type: 'data', id: ids[0] as string, offset: 0, length: 10, uncompressedLength: undefined },
    ]);
    expect(idx.size).toBe(5000);
    expect(idx.lookupAll('data', ids[0] as string)).toHaveLength(2);
    expect(idx.byPack().get('f'.repeat(64))).toHaveLength(1);
    idx.removePacks(['f'.repeat(64)]);
    expect(idx.lookupAll('data', ids[0] as string)).toHaveLength(1);
  });

  it('writes an index file early once 50 000 blobs are pending, and splits large batches', async () => {
    const saved: number[] = [];
    const w = new IndexWriter(async (json) => {
      saved.push(decodeIndexFile(json).packs.reduce((n, p) => n + p.blobs.length, 0));
      return 'x';
    });
    const pack = (n: number, tag: number) => ({
      id: tag.toString(16).padStart(64, '0'),
      blobs: Array.from({ length: n }, (_, i) => ({
        type: 'data' as const,
        id: (tag * 1e6 + i).toString(16).padStart(64, '0'),
        offset: i,
        length: 1,
        uncompressedLength: undefined,
      })),
    });
    await w.add(pack(30_000, 1));
    expect(saved).toEqual([]);
    await w.add(pack(30_000, 2));
    expect(saved).toEqual([30_000, 30_000]);
    await w.add(pack(10, 3));
    await w.flush();
    expect(saved).toEqual([30_000, 30_000, 10]);
    expect(w.unsaved).toEqual([]);
  });

  it('round-trips index files in restic JSON', () => {
    const packs = [
      {
        id: 'a'.repeat(64),
        blobs: [{ type: 'tree' as const, id: 'b'.repeat(64), offset: 0, length: 40, uncompressedLength: 90 }],
      },
    ];
    const json = encodeIndexFile(packs).toString();
    expect(json).toBe(
      `{"packs":[{"id":"${'a'.repeat(64)}","blobs":[{"id":"${'b'.repeat(64)}","type":"tree","offset":0,"length":40,"uncompressed_length":90}]}]}`,
    );
    expect(decodeIndexFile(Buffer.from(json)).packs).toEqual(packs);
    expect(
      decodeIndexFile(Buffer.from(JSON.stringify([{ id: 'a'.repeat(64), blobs: [] }]))).packs,
    ).toHaveLength(1);
  });
});

describe('Go-compatible encodings', () => {
  it('formats and parses RFC3339Nano exactly', () => {
    const ns = 1_700_000_000_123_456_789n;
    expect(formatGoTime(ns, 0)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(formatGoTime(ns, 60)).toBe('2023-11-14T23:13:20.123456789+01:00');
    expect(formatGoTime(1_700_000_000_100_000_000n, -330)).toBe('2023-11-14T16:43:20.1-05:30');
    expect(parseGoTime('2023-11-14T23:13:20.123456789+01:00')).toBe(ns);
    expect(parseGoTime('0001-01-01T00:00:00Z')).toBe(-62135596800000000000n);
    expect(parseGoTime('2024-02-29T00:00:00Z')).toBe(1709164800000000000n);
  });

  it('escapes strings like encoding/json and keeps big integers', () => {
    expect(goJson({ a: '<&>', b: undefined, c: 1n << 60n, d: [1, 'é'] })).toBe(
      '{"a":"\\u003c\\u0026\\u003e","c":1152921504606846976,"d":[1,"é"]}',
    );
    expect(goJson('\\ud800')).toBe('"\\\\ud800"');
    expect(goJson('\ud800x')).toBe('"\ufffdx"');
    expect(parseJson<{ n: bigint }>('{"n":18446744073709551615}').n).toBe(18446744073709551615n);
  });

  it('quotes names like strconv.Quote', () => {
    expect(goQuoteInner('plain name.txt')).toBe('plain name.txt');
    expect(goQuoteInner('Отчёт "Q1"\\tab\t\x01')).toBe('Отчёт \\"Q1\\"\\\\tab\\t\\x01');
    expect(goQuoteInner('nb\u00a0sp')).toBe('nb\\u00a0sp');
    expect(goUnquoteInner('Отчёт \\"Q1\\"\\\\tab\\t\\x01')).toBe('Отчёт "Q1"\\tab\t\x01');
    expect(() => goUnquoteInner('bad"quote')).toThrow();
  });
});

describe('trees', () => {
  const node = (name: string, extra: Partial<TreeNode> = {}): TreeNode => ({
    name,
    type: 'file',
    mode: 0o644,
    mtime: '2024-01-01T00:00:00Z',
    atime: '2024-01-01T00:00:00Z',
    ctime: '2024-01-01T00:00:00Z',
    uid: 0,
    gid: 0,
    content: [],
    ...extra,
  });

  it('sorts by UTF-8 bytes, omits empty fields and round-trips', () => {
    const tree = encodeTree([
      node('b'),
      node('\u{1F600}'),
      node('\uFFFD'),
      node('a', { size: 5, content: ['c'.repeat(64)] }),
    ]);
    const text = tree.toString();
    expect(text.endsWith(']}\n')).toBe(true);
    expect(decodeTree(tree).nodes.map((n) => n.name)).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
    expect(text).toContain(
      '{"name":"b","type":"file","mode":420,"mtime":"2024-01-01T00:00:00Z","atime":"2024-01-01T00:00:00Z","ctime":"2024-01-01T00:00:00Z","uid":0,"gid":0,"content":[]}',
    );
    expect(encodeTree(decodeTree(tree).nodes).equals(tree)).toBe(true);
    expect(() => encodeTree([node('x'), node('x')])).toThrow(/Duplicate/);
  });

  it('maps POSIX modes to Go file modes', () => {
    expect(goModeFromPosix(0o40755)).toBe((modeDir | 0o755) >>> 0);
    expect(goModeFromPosix(0o120777)).toBe(modeSymlink | 0o777);
    expect(goModeFromPosix(0o100644)).toBe(0o644);
  });
});

describe('config', () => {
  it('creates a valid config with an irreducible degree-53 polynomial', () => {
    const c = createConfig();
    expect(c.version).toBe(2);
    expect(c.id).toMatch(/^[0-9a-f]{64}$/);
    expect(BigInt('0x' + c.chunker_polynomial).toString(2)).toHaveLength(54);
    expect(validateConfig(c)).toEqual(c);
    expect(isIrreducible(0x3ab6d8e4d424c3n)).toBe(true); // from a restic-made config
    expect(isIrreducible(0x3ab6d8e4d424c2n)).toBe(false); // divisible by x
    expect(() => validateConfig({ ...c, version: 3 })).toThrow(/version/);
  });
});

describe('MasterIndex duplicates', () => {
  it('stores a copy listed by two index files once, but keeps real second copies', async () => {
    const { MasterIndex } = await import('../../../src/engine/repo/master-index.ts');
    const index = new MasterIndex();
    const blob = { type: 'data' as const, id: 'ab'.repeat(32), offset: 0, length: 10, uncompressedLength: undefined };
    index.addPack('11'.repeat(32), [blob]);
    index.addPack('11'.repeat(32), [blob]);
    expect(index.lookupAll('data', blob.id)).toHaveLength(1);
    expect(index.byPack().get('11'.repeat(32))).toHaveLength(1);
    index.addPack('22'.repeat(32), [blob]);
    expect(index.lookupAll('data', blob.id)).toHaveLength(2);
  });
});
