/**
 * The drill's own read-back check, apart from restore's: bytes on disk are compared blob by blob
 * with the SHA-256 ids the snapshot recorded, so damage after writing (or a wrong write) shows up
 * with the byte range; sizes and links are checked too. Also the seeded random source.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../src/engine/jobs/drill/index.ts';
import { sampleOf } from '../../../src/engine/jobs/drill/pick-snapshot.ts';
import type { ExpectedFile } from '../../../src/engine/jobs/drill/snapshot-contents.ts';
import { verifyFile, verifySymlink } from '../../../src/engine/jobs/drill/verify-files.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let sandbox: string;
const data = randomBytes(3 * 1024 * 1024 + 123);
const cuts = [0, 1024 * 1024, 2 * 1024 * 1024 + 17, data.length];
const expected: ExpectedFile = {
  path: '/srv/crm/big.bin',
  size: data.length,
  blobs: cuts
    .slice(1)
    .map((end, i) => ({ id: sha(data.subarray(cuts[i], end)), size: end - (cuts[i] as number) })),
};
const file = () => path.join(sandbox, 'srv', 'crm', 'big.bin');

beforeAll(async () => {
  sandbox = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-drill-verify-'));
  await fs.mkdir(path.join(sandbox, 'srv', 'crm'), { recursive: true });
});

afterAll(async () => {
  await fs.rm(sandbox, { recursive: true, force: true });
});

describe('verifyFile', () => {
  it('accepts the exact bytes and returns the whole-file SHA-256 and header', async () => {
    await fs.writeFile(file(), data);
    const r = await verifyFile(sandbox, expected);
    expect(r).toEqual({
      path: expected.path,
      size: data.length,
      sha256: sha(data),
      head: data.subarray(0, 16),
    });
  });

  it('names the byte range of a changed blob', async () => {
    const changed = Buffer.from(data);
    changed[1024 * 1024 + 5] = (changed[1024 * 1024 + 5] ?? 0) ^ 1;
    await fs.writeFile(file(), changed);
    const r = await verifyFile(sandbox, expected);
    expect(r).toMatchObject({ kind: 'checksum', path: expected.path });
    expect((r as { detail: string }).detail).toContain(`Bytes 1048576–${2 * 1024 * 1024 + 16} differ`);
  });

  it('reports a wrong size, a missing file and a folder in place of a file', async () => {
    await fs.writeFile(file(), data.subarray(0, 1000));
    expect(await verifyFile(sandbox, expected)).toMatchObject({ kind: 'size' });
    await fs.rm(file());
    expect(await verifyFile(sandbox, expected)).toMatchObject({ kind: 'missing' });
    await fs.mkdir(file());
    expect(await verifyFile(sandbox, expected)).toMatchObject({ kind: 'missing' });
    await fs.rmdir(file());
  });

  it('checks the size alone when blob sizes are unknown', async () => {
    await fs.writeFile(file(), data);
    const unknown = { ...expected, blobs: expected.blobs.map((b) => ({ id: b.id, size: undefined })) };
    expect(await verifyFile(sandbox, unknown)).toMatchObject({ sha256: sha(data) });
  });

  it('handles empty files', async () => {
    await fs.writeFile(path.join(sandbox, 'empty'), '');
    expect(await verifyFile(sandbox, { path: '/empty', size: 0, blobs: [] })).toMatchObject({
      size: 0,
      sha256: sha(Buffer.alloc(0)),
    });
  });
});

describe('verifySymlink', () => {
  it('compares the target', async () => {
    await fs.symlink('crm/big.bin', path.join(sandbox, 'srv', 'link'));
    expect(await verifySymlink(sandbox, { path: '/srv/link', target: 'crm/big.bin' })).toBeUndefined();
    expect(await verifySymlink(sandbox, { path: '/srv/link', target: 'elsewhere' })).toMatchObject({
      kind: 'symlink',
    });
    expect(await verifySymlink(sandbox, { path: '/srv/nolink', target: 'x' })).toMatchObject({
      kind: 'symlink',
    });
  });
});

describe('seeded randomness', () => {
  it('repeats for a seed and spreads over [0, 1)', () => {
    const a = createSeededRandom(99);
    const b = createSeededRandom(99);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.filter((x) => x < 0.5).length).toBeGreaterThan(400);
  });

  it('samples distinct items in their original order', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s = sampleOf(items, 10, createSeededRandom(3));
    expect(s).toHaveLength(10);
    expect(new Set(s).size).toBe(10);
    expect([...s].sort((x, y) => x - y)).toEqual(s);
    expect(sampleOf(items, 80, Math.random)).toEqual(items);
  });
});
