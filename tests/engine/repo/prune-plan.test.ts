import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectedPackSize } from '../../../src/engine/repo/pack.ts';
import type { BlobType, PackedBlob } from '../../../src/engine/repo/pack.ts';
import { parseMaxUnused } from '../../../src/engine/repo/prune.ts';
import { blobKey, planPrune } from '../../../src/engine/repo/prune-plan.ts';
import type { PlanOptions } from '../../../src/engine/repo/prune-plan.ts';

const id = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A pack of blobs named by strings, each `len` bytes. */
function pack(names: string[], len = 1000, type: BlobType = 'data'): PackedBlob[] {
  return names.map((n, i) => ({
    type,
    id: id(n),
    offset: i * len,
    length: len,
    uncompressedLength: undefined,
  }));
}

function input(
  packs: Record<string, PackedBlob[]>,
  used: string[],
  extraFiles: Record<string, number> = {},
  type: BlobType = 'data',
) {
  const map = new Map(Object.entries(packs).map(([k, v]) => [id(k), v] as const));
  const files = new Map([...map].map(([k, v]) => [k, expectedPackSize(v)] as const));
  for (const [k, size] of Object.entries(extraFiles)) files.set(id(k), size);
  return { packs: map, files, used: new Set(used.map((u) => blobKey(type, id(u)))) };
}

const opts: PlanOptions = { maxUnused: parseMaxUnused(0), packSize: 2000 };

describe('parseMaxUnused (restic --max-unused)', () => {
  it('accepts percentages of the remaining size, sizes and unlimited', () => {
    expect(parseMaxUnused('5%')(95_000)).toBe(5000);
    expect(parseMaxUnused(' 50 % ')(1000)).toBe(1000);
    expect(parseMaxUnused('0%')(1000)).toBe(0);
    expect(parseMaxUnused('10M')(0)).toBe(10 * 1024 * 1024);
    expect(parseMaxUnused('2g')(0)).toBe(2 * 1024 ** 3);
    expect(parseMaxUnused('1500')(0)).toBe(1500);
    expect(parseMaxUnused(1234)(9)).toBe(1234);
    expect(parseMaxUnused('unlimited')(1)).toBe(Infinity);
    for (const bad of ['100%', '-1%', 'lots', '', -5])
      expect(() => parseMaxUnused(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('planPrune', () => {
  it('deletes unindexed and unused packs, keeps full ones, repacks partly used ones', () => {
    const plan = planPrune(
      input({ full: pack(['a', 'b']), dead: pack(['c', 'd']), part: pack(['e', 'f']) }, ['a', 'b', 'e'], {
        orphan: 777,
      }),
      opts,
    );
    expect(plan.removeFirst).toEqual([id('orphan')]);
    expect(plan.remove).toEqual([id('dead')]);
    expect(plan.repack).toEqual([id('part')]);
    expect([...plan.keepBlobs]).toEqual([blobKey('data', id('e'))]);
    expect(plan.stats).toMatchObject({
      packsTotal: 4,
      packsKept: 1,
      packsRepack: 1,
      packsRemove: 1,
      packsUnreferenced: 1,
      blobsUsed: 3,
      blobsUnused: 3,
      bytesUnused: 3000,
      bytesUnreferenced: 777,
    });
  });

  it('stops repacking data packs once the unused share is within the limit, worst packs first', () => {
    const packs = {
      p10: pack(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'x1']), // 10 % unused
      p50: pack(['b1', 'b2', 'b3', 'b4', 'b5', 'y1', 'y2', 'y3', 'y4', 'y5']), // 50 %
      p30: pack(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'z1', 'z2', 'z3']), // 30 %
    };
    const used = [...'123456789']
      .map((n) => `a${n}`)
      .concat(
        [...'12345'].map((n) => `b${n}`),
        [...'1234567'].map((n) => `c${n}`),
      );
    const at = (max: number | string) =>
      planPrune(input(packs, used), { ...opts, maxUnused: parseMaxUnused(max) }).repack;
    expect(at('unlimited')).toEqual([]);
    expect(at(0)).toEqual([id('p50'), id('p30'), id('p10')]);
    expect(at(3500)).toEqual([id('p50'), id('p30')]); // 9000 - 5000 = 4000 left ≥ 3500: one more
    expect(at(4500)).toEqual([id('p50')]);
    expect(at(9001)).toEqual([]);
  });

  it('always repacks partly used tree packs', () => {
    const plan = planPrune(input({ t: pack(['t1', 't2'], 1000, 'tree') }, ['t1'], {}, 'tree'), {
      ...opts,
      maxUnused: parseMaxUnused('unlimited'),
    });
    expect(plan.repack).toEqual([id('t')]);
  });

  it('keeps one copy of a duplicate, preferring a pack of duplicates (an interrupted prune’s output)', () => {
    const plan = planPrune(input({ old: pack(['x', 'junk']), copy: pack(['x']) }, ['x']), opts);
    expect(plan.remove).toEqual([id('old')]);
    expect(plan.repack).toEqual([]);
    expect(plan.stats).toMatchObject({ packsKept: 1, blobsUsed: 1, blobsDuplicate: 1, blobsUnused: 2 });
  });

  it('refuses when used data is missing, and forgets missing packs nobody needs', () => {
    expect(() => planPrune(input({ p: pack(['a']) }, ['a', 'gone']), opts)).toThrow(
      expect.objectContaining({ code: 'REPO_CORRUPT', message: expect.stringMatching(/not in the index/) }),
    );
    const i = input({ p: pack(['a']), lost: pack(['b']), dead: pack(['c']) }, ['a', 'b']);
    i.files.delete(id('lost'));
    expect(() => planPrune(i, opts)).toThrow(
      expect.objectContaining({
        code: 'REPO_CORRUPT',
        message: expect.stringMatching(/storage does not have/),
      }),
    );
    const j = input({ p: pack(['a']), dead: pack(['c']) }, ['a']);
    j.files.delete(id('dead'));
    expect(planPrune(j, opts)).toMatchObject({ missing: [id('dead')], remove: [], removeFirst: [] });
  });

  it('refuses a needed pack whose size does not match the index', () => {
    const i = input({ p: pack(['a']) }, ['a']);
    i.files.set(id('p'), 5);
    expect(() => planPrune(i, opts)).toThrow(expect.objectContaining({ code: 'REPO_CORRUPT' }));
  });

  it('consolidates small packs only when there are enough of them', () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, pack([`v${i}`], 100)]));
    const used = Array.from({ length: 10 }, (_, i) => `v${i}`);
    expect(planPrune(input(ten, used), opts).repack).toHaveLength(10);
    const three = Object.fromEntries(Object.entries(ten).slice(0, 3));
    expect(planPrune(input(three, used.slice(0, 3)), opts).repack).toHaveLength(0);
    expect(planPrune(input(three, used.slice(0, 3)), { ...opts, repackSmall: true }).repack).toHaveLength(3);
  });
});
