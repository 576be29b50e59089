import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobId, encodeBlob } from '../../../src/engine/repo/blob-codec.ts';
import { encodeIndexFile } from '../../../src/engine/repo/index-file.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { encodeTree } from '../../../src/engine/repo/tree.ts';
import type { Backend, FileType } from '../../../src/engine/storage/backend.ts';
import { MemoryBackend } from './memory-backend.ts';

const kdf = { N: 1024, r: 8, p: 1 };

/** Records the order of writes. */
class LoggingBackend extends MemoryBackend {
  readonly log: string[] = [];
  override async write(type: FileType, name: string, data: Uint8Array): Promise<void> {
    this.log.push(type);
    await super.write(type, name, data);
  }
}

async function count(be: Backend, type: FileType): Promise<number> {
  return (await be.list(type)).length;
}

describe('Repository', () => {
  it('saves, dedups and loads blobs; packs are written, then the index', async () => {
    const be = new LoggingBackend();
    const repo = await Repository.init(be, 'pw', { kdf, packSize: 64 * 1024 });
    const blobs = Array.from({ length: 10 }, () => randomBytes(20 * 1024));
    const ids: string[] = [];
    for (const b of blobs) ids.push(await repo.saveBlob('data', b));
    expect(await repo.saveBlob('data', blobs[0] as Buffer)).toBe(ids[0]);
    expect(repo.stats.blobsAdded).toBe(10);
    // Readable before flush (from a pack still in memory or already uploaded).
    expect((await repo.loadBlob('data', ids[9] as string)).equals(blobs[9] as Buffer)).toBe(true);
    const tree = await repo.saveBlob('tree', encodeTree([]));
    await repo.flush();
    const afterInit = be.log.slice(2); // key, config
    expect(afterInit.lastIndexOf('data')).toBeLessThan(afterInit.indexOf('index'));
    expect(await count(be, 'index')).toBe(1);
    expect(await count(be, 'data')).toBeGreaterThanOrEqual(4);

    const again = await Repository.open(be, 'pw');
    await again.loadIndex();
    expect(again.hasBlob('tree', tree)).toBe(true);
    expect(again.hasBlob('data', tree)).toBe(false);
    for (let i = 0; i < ids.length; i++)
      expect((await again.loadBlob('data', ids[i] as string)).equals(blobs[i] as Buffer)).toBe(true);
    // Data and tree blobs never share a pack.
    for (const entries of again.index.byPack().values())
      expect(new Set(entries.map((e) => e.type)).size).toBe(1);
  });

  it('accepts blobs encoded elsewhere and skips ones already in flight', async () => {
    const repo = await Repository.init(new MemoryBackend(), 'pw', { kdf });
    const plain = Buffer.from('x'.repeat(5000));
    const id = blobId(plain);
    const enc = encodeBlob(repo.key, plain, { compress: true });
    expect(await repo.addEncodedBlob('data', id, plain.length, enc)).toBe(true);
    expect(await repo.addEncodedBlob('data', id, plain.length, enc)).toBe(false);
    await repo.flush();
    expect(repo.index.lookup('data', id)?.uncompressedLength).toBe(5000);
    expect((await repo.loadBlob('data', id)).equals(plain)).toBe(true);
  });

  it('detects a blob whose content does not match its id', async () => {
    const repo = await Repository.init(new MemoryBackend(), 'pw', { kdf });
    const enc = encodeBlob(repo.key, Buffer.from('real'), { compress: false });
    const fake = blobId(Buffer.from('claimed'));
    await repo.addEncodedBlob('data', fake, 4, enc);
    await repo.flush();
    await expect(repo.loadBlob('data', fake)).rejects.toMatchObject({ code: 'REPO_CORRUPT' });
    await expect(repo.loadBlob('data', 'f'.repeat(64))).rejects.toMatchObject({ code: 'REPO_CORRUPT' });
  });

  it('ignores superseded index files', async () => {
    const be = new MemoryBackend();
    const repo = await Repository.init(be, 'pw', { kdf });
    const good = await repo.saveBlob('data', Buffer.from('good'));
    await repo.flush();
    const [goodIndex] = await be.list('index');
    // An older index pointing the same blob at a pack that no longer exists, superseded by a newer one.
    const stale = await repo.saveUnpackedBytes(
      'index',
      encodeIndexFile([
        {
          id: 'e'.repeat(64),
          blobs: [{ type: 'data', id: good, offset: 0, length: 10, uncompressedLength: undefined }],
        },
      ]),
    );
    await be.remove('index', goodIndex?.name ?? '');
    const packs = [...repo.index.byPack().entries()].map(([id, blobs]) => ({ id, blobs }));
    await repo.saveUnpackedBytes('index', encodeIndexFile(packs, [stale]));
    const again = await Repository.open(be, 'pw');
    await again.loadIndex();
    expect(again.index.lookupAll('data', good)).toHaveLength(1);
    expect((await again.loadBlob('data', good)).toString()).toBe('good');
  });

  it('stores snapshots and resolves ids, prefixes and latest', async () => {
    const repo = await Repository.init(new MemoryBackend(), 'pw', { kdf });
    const tree = await repo.saveBlob('tree', encodeTree([]));
    await repo.flush();
    const a = await repo.saveSnapshot({
      time: '2024-01-01T00:00:00Z',
      tree,
      paths: ['/crm'],
      hostname: 'pc1',
      tags: ['daily'],
    });
    const b = await repo.saveSnapshot({
      time: '2024-02-01T00:00:00+03:00',
      tree,
      paths: ['/crm'],
      hostname: 'pc2',
    });
    expect((await repo.listSnapshots()).map((s) => s.id)).toEqual([a, b]);
    expect((await repo.resolveSnapshot('latest')).id).toBe(b);
    expect((await repo.resolveSnapshot('latest', { hostname: 'pc1' })).id).toBe(a);
    expect((await repo.resolveSnapshot(a.slice(0, 10))).tags).toEqual(['daily']);
    await expect(repo.resolveSnapshot('latest', { tags: ['none'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(repo.resolveSnapshot('../x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('manages keys: add, list, change password, remove', async () => {
    const be = new MemoryBackend();
    const repo = await Repository.init(be, 'one', { kdf });
    const second = await repo.addKey('two', { kdf });
    expect((await repo.listKeys()).map((k) => k.id).sort()).toEqual([repo.keyId, second].sort());
    const opened = await Repository.open(be, 'two');
    expect(opened.keyId).toBe(second);
    await expect(opened.removeKey(second)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const changed = await opened.changePassword('three', { kdf });
    await expect(Repository.open(be, 'two')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    expect((await Repository.open(be, 'three')).keyId).toBe(changed.keyId);
    expect((await Repository.open(be, 'one')).keyId).toBe(repo.keyId);
  });
});
