/**
 * DropboxBackend on the real SDK against the strict emulator: the Backend contract (list with
 * pagination, stat, ranged reads, write-once, remove), the restic layout in Dropbox, content_hash.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { DropboxContentHasher, dropboxContentHash } from '../../../src/engine/storage/dropbox/content-hash.ts';
import { parseDropboxLocation } from '../../../src/engine/storage/dropbox/location.ts';
import { DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { emulatorBackend } from '../../emulators/dropbox/test-support.ts';
import { contentHash as emulatorHash } from '../../emulators/dropbox/wire.ts';
import { pseudoRandom } from '../../helpers/backup-fixtures.ts';
import type { DropboxBackend } from '../../../src/engine/storage/dropbox/dropbox-backend.ts';

let emu: DropboxEmulator;
let backend: DropboxBackend;
const hex = (i: number): string => i.toString(16).padStart(64, '0');

beforeAll(async () => {
  emu = await DropboxEmulator.start({ listPageSize: 7, faults: { retryAfterSec: 0 } });
  backend = emulatorBackend(emu, 'dropbox:/Apps/Lifeboat/Contract');
  await backend.create();
});
afterAll(async () => emu.close());

describe('content_hash', () => {
  it('matches the SDK’s own hash and Dropbox’s empty-file vector, across 4 MiB blocks', async () => {
    // The SDK's DropboxContentHasher is broken in its CommonJS build (crypto.default is undefined);
    // its upload hash (Web Crypto) works and is the reference here.
    const require = createRequire(import.meta.url);
    const sdk = require('dropbox/cjs/src/upload-content-hash.js') as { contentHash(d: Uint8Array): Promise<string | null> };
    expect(dropboxContentHash(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const size of [1, 4 * 1024 * 1024, 4 * 1024 * 1024 + 1, 9 * 1024 * 1024 + 17]) {
      const data = pseudoRandom(size, size);
      const ours = dropboxContentHash(data);
      expect(ours).toBe(await sdk.contentHash(data));
      expect(ours).toBe(emulatorHash(data));
      const streamed = new DropboxContentHasher();
      for (let i = 0; i < size; i += 1_000_003) streamed.update(data.subarray(i, i + 1_000_003));
      expect(streamed.digest()).toBe(ours);
    }
  });
});

describe('locations', () => {
  it('parses dropbox:/ paths', () => {
    expect(parseDropboxLocation('dropbox:/Apps/Lifeboat/shop/')).toBe('/Apps/Lifeboat/shop');
    expect(parseDropboxLocation('dropbox:')).toBe('');
    expect(() => parseDropboxLocation('dropbox:/a/../b')).toThrow(LifeboatError);
    expect(() => parseDropboxLocation('/local/path')).toThrow(LifeboatError);
  });
});

describe('DropboxBackend contract', () => {
  it('creates restic’s folders and refuses a second init', async () => {
    const names = emu.store.children('/Apps/Lifeboat/Contract', false).map((n) => n.pathDisplay);
    expect(names).toEqual(['data', 'index', 'keys', 'locks', 'snapshots'].map((n) => `/Apps/Lifeboat/Contract/${n}`));
    await backend.write('config', 'config', Buffer.from('cfg'));
    await expect(backend.create()).rejects.toMatchObject({ code: 'REPO_EXISTS' });
  });

  it('writes, stats, reads whole and ranged, lists through several pages', async () => {
    const files = Array.from({ length: 30 }, (_, i) => ({ name: hex(i * 7919 + 1), data: pseudoRandom(100 + i, i + 1) }));
    await Promise.all(files.map((f) => backend.write('data', f.name, f.data)));
    const listed = await backend.list('data');
    expect(listed.map((f) => f.name).sort()).toEqual(files.map((f) => f.name).sort());
    expect(emu.requestCount('files/list_folder/continue')).toBeGreaterThan(2); // pages of 7
    const f = files[5]!;
    expect(await backend.stat('data', f.name)).toEqual({ name: f.name, size: f.data.length });
    expect(await backend.read('data', f.name)).toEqual(f.data);
    expect(await backend.read('data', f.name, { offset: 10, length: 20 })).toEqual(f.data.subarray(10, 30));
    expect(emu.stats.statuses.get(206)).toBeGreaterThan(0);
    // stored where restic keeps packs
    expect(emu.store.get(`/Apps/Lifeboat/Contract/data/${f.name.slice(0, 2)}/${f.name}`)).toBeDefined();
  });

  it('is write-once: other content under an existing name is refused, the same content is idempotent', async () => {
    const name = hex(424242);
    await backend.write('snapshots', name, Buffer.from('one'));
    await backend.write('snapshots', name, Buffer.from('one')); // Dropbox: identical content → no write
    await expect(backend.write('snapshots', name, Buffer.from('two'))).rejects.toMatchObject({ code: 'REPO_CORRUPT' });
    expect(await backend.read('snapshots', name)).toEqual(Buffer.from('one'));
  });

  it('missing files: stat undefined, read NOT_FOUND, remove is quiet; list of an absent folder is empty', async () => {
    expect(await backend.stat('index', hex(1))).toBeUndefined();
    await expect(backend.read('index', hex(1))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await backend.remove('index', hex(1));
    const other = emulatorBackend(emu, 'dropbox:/nothing/here');
    expect(await other.list('snapshots')).toEqual([]);
    expect(await other.stat('config', 'config')).toBeUndefined();
  });

  it('removes files', async () => {
    const name = hex(777);
    await backend.write('locks', name, Buffer.from('lock'));
    expect((await backend.list('locks')).map((f) => f.name)).toContain(name);
    await backend.remove('locks', name);
    expect((await backend.list('locks')).map((f) => f.name)).not.toContain(name);
  });

  it('refuses invalid names before any request', async () => {
    const before = emu.requestCount();
    await expect(backend.write('data', '../../etc/passwd', Buffer.from('x'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(emu.requestCount()).toBe(before);
  });

  it('counts operations and HTTP requests', () => {
    const s = backend.stats();
    expect(s.write.calls).toBeGreaterThan(30);
    expect(s.read.bytes).toBeGreaterThan(0);
    const r = backend.requestStats();
    expect(r.total).toBeGreaterThan(0);
    expect(r.requests['files/download']).toBeGreaterThan(0);
  });
});
