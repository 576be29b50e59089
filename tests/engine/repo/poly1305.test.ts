import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { createPoly1305, poly1305 } from '../../../src/engine/repo/poly1305.ts';
import { poly1305WatSha256 } from '../../../src/engine/repo/poly1305/poly1305-wasm.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const reference = (key: Uint8Array, msg: Uint8Array): string => toHex(noblePoly1305(msg, key));

/** Straight from the RFC's definition, with BigInt: independent of both implementations. */
function bigintPoly1305(key: Uint8Array, msg: Uint8Array): string {
  const le = (b: Uint8Array): bigint => BigInt('0x' + (toHex(Uint8Array.from(b).reverse()) || '0'));
  const p = (1n << 130n) - 5n;
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const block = msg.subarray(i, i + 16);
    acc = ((acc + le(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return toHex(Buffer.from(tag.toString(16).padStart(32, '0'), 'hex').reverse());
}

const ietfText =
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF ' +
  'Internet-Draft or RFC and any statement made within the context of an IETF activity is considered ' +
  'an "IETF Contribution". Such statements include oral statements in IETF sessions, as well as ' +
  'written and electronic communications made at any time or place, which are addressed to';
const jabberwocky =
  "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\n" +
  'And the mome raths outgrabe.';
const zero16 = '00'.repeat(16);

// RFC 8439 section 2.5.2, then appendix A.3 test vectors #1 to #11 (key = r ‖ s, hex).
const vectors: { name: string; key: string; msg: Buffer; tag: string }[] = [
  {
    name: '2.5.2',
    key: '85d6be7857556d337f4452fe42d506a8 0103808afb0db2fd4abff6af4149f51b',
    msg: Buffer.from('Cryptographic Forum Research Group'),
    tag: 'a8061dc1305136c6c22b8baf0c0127a9',
  },
  { name: 'A.3 #1', key: '00'.repeat(32), msg: Buffer.alloc(64), tag: zero16 },
  {
    name: 'A.3 #2',
    key: zero16 + '36e5f6b5c5e06070f0efca96227a863e',
    msg: Buffer.from(ietfText),
    tag: '36e5f6b5c5e06070f0efca96227a863e',
  },
  {
    name: 'A.3 #3',
    key: '36e5f6b5c5e06070f0efca96227a863e' + zero16,
    msg: Buffer.from(ietfText),
    tag: 'f3477e7cd95417af89a6b8794c310cf0',
  },
  {
    name: 'A.3 #4',
    key: '1c9240a5eb55d38af333888604f6b5f0 473917c1402b80099dca5cbc207075c0',
    msg: Buffer.from(jabberwocky),
    tag: '4541669a7eaaee61e708dc7cbcc5eb62',
  },
  { name: 'A.3 #5', key: '02' + '00'.repeat(31), msg: hex('ff'.repeat(16)), tag: '03' + '00'.repeat(15) },
  {
    name: 'A.3 #6',
    key: '02' + '00'.repeat(15) + 'ff'.repeat(16),
    msg: hex('02' + '00'.repeat(15)),
    tag: '03' + '00'.repeat(15),
  },
  {
    name: 'A.3 #7',
    key: '01' + '00'.repeat(31),
    msg: hex('ff'.repeat(16) + 'f0' + 'ff'.repeat(15) + '11' + '00'.repeat(15)),
    tag: '05' + '00'.repeat(15),
  },
  {
    name: 'A.3 #8',
    key: '01' + '00'.repeat(31),
    msg: hex('ff'.repeat(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16)),
    tag: zero16,
  },
  {
    name: 'A.3 #9',
    key: '02' + '00'.repeat(31),
    msg: hex('fd' + 'ff'.repeat(15)),
    tag: 'fa' + 'ff'.repeat(15),
  },
  {
    name: 'A.3 #10',
    key: '0100000000000000 0400000000000000' + zero16,
    msg: hex(
      'e33594d7505e43b9 0000000000000000 3394d7505e4379cd 0100000000000000' + zero16 + '01' + '00'.repeat(15),
    ),
    tag: '1400000000000000 5500000000000000'.replace(' ', ''),
  },
  {
    name: 'A.3 #11',
    key: '0100000000000000 0400000000000000' + zero16,
    msg: hex('e33594d7505e43b9 0000000000000000 3394d7505e4379cd 0100000000000000' + zero16),
    tag: '13' + '00'.repeat(15),
  },
];

describe('poly1305', () => {
  it('the texts of the A.3 vectors are the RFC bytes', () => {
    expect(ietfText).toHaveLength(375);
    expect(jabberwocky).toHaveLength(127);
  });

  for (const v of vectors) {
    it(`RFC 8439 ${v.name}`, () => {
      const key = hex(v.key);
      expect(toHex(poly1305(key, v.msg))).toBe(v.tag);
      expect(bigintPoly1305(key, v.msg)).toBe(v.tag);
      const mac = createPoly1305(key);
      for (const byte of v.msg) mac.update(Uint8Array.of(byte)); // one byte at a time
      expect(toHex(mac.digest())).toBe(v.tag);
    });
  }

  it('matches @noble/ciphers for every length 0..2000', () => {
    for (let n = 0; n <= 2000; n++) {
      const key = randomBytes(32);
      const msg = randomBytes(n);
      expect(toHex(poly1305(key, msg)), `length ${n}`).toBe(reference(key, msg));
    }
  });

  it('matches @noble/ciphers on a few MB, one-shot and at random split points', () => {
    for (const n of [1 << 20, 3 * 1024 * 1024 + 7, 65536 * 5 - 3]) {
      const key = randomBytes(32);
      const msg = randomBytes(n);
      const want = reference(key, msg);
      expect(toHex(poly1305(key, msg))).toBe(want);
      const mac = createPoly1305(key);
      for (let off = 0; off < n;) {
        // mostly small and odd-sized slices, sometimes far larger than the 64 KiB wasm buffer
        const len =
          Math.random() < 0.1 ? Math.floor(Math.random() * 300_000) : Math.floor(Math.random() * 40);
        mac.update(msg.subarray(off, off + len));
        off += len;
      }
      expect(toHex(mac.digest())).toBe(want);
    }
  });

  it('incremental API: random splits of short messages, interleaved instances', () => {
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(Math.random() * 200);
      const keys = [randomBytes(32), randomBytes(32)];
      const msgs = [randomBytes(n), randomBytes(n)];
      const macs = keys.map((k) => createPoly1305(k));
      const cuts = [
        0,
        ...Array.from({ length: 4 }, () => Math.floor(Math.random() * (n + 1))).sort((a, b) => a - b),
        n,
      ];
      for (let c = 1; c < cuts.length; c++) {
        for (let j = 0; j < 2; j++) macs[j]!.update(msgs[j]!.subarray(cuts[c - 1], cuts[c]));
      }
      for (let j = 0; j < 2; j++) expect(toHex(macs[j]!.digest())).toBe(reference(keys[j]!, msgs[j]!));
    }
  });

  it('edge values: all-ones keys and messages (accumulator near 2^130 - 5)', () => {
    const patterns = [0xff, 0xfe, 0xfb, 0x00, 0x01];
    for (const kb of patterns) {
      for (const mb of patterns) {
        for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 48, 64, 100, 256, 1000]) {
          const key = Buffer.alloc(32, kb);
          const msg = Buffer.alloc(n, mb);
          const want = bigintPoly1305(key, msg);
          expect(toHex(poly1305(key, msg)), `key ${kb} msg ${mb} len ${n}`).toBe(want);
          expect(reference(key, msg)).toBe(want);
        }
      }
    }
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(32);
      const msg = randomBytes(Math.floor(Math.random() * 100));
      expect(toHex(poly1305(key, msg))).toBe(bigintPoly1305(key, msg));
    }
  });

  it('does not change its inputs; rejects bad keys and misuse', () => {
    const key = randomBytes(32);
    const msg = randomBytes(100);
    const [keyCopy, msgCopy] = [Buffer.from(key), Buffer.from(msg)];
    poly1305(key, msg);
    expect(key.equals(keyCopy) && msg.equals(msgCopy)).toBe(true);
    expect(() => poly1305(randomBytes(16), msg)).toThrow(RangeError);
    const mac = createPoly1305(key);
    mac.digest();
    expect(() => mac.digest()).toThrow();
    expect(() => mac.update(msg)).toThrow();
  });

  it('works in a worker thread', async () => {
    const url = new URL('../../../src/engine/repo/poly1305.ts', import.meta.url).href;
    const key = randomBytes(32);
    const msg = randomBytes(100_000);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(url)}).then((m) => {
        parentPort.postMessage(Buffer.from(m.poly1305(workerData.key, workerData.msg)).toString('hex'));
      });`;
    const worker = new Worker(code, { eval: true, workerData: { key, msg } });
    const tag = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(tag).toBe(reference(key, msg));
  });

  it('the embedded wasm was assembled from the current poly1305.wat', () => {
    const wat = readFileSync(new URL('../../../src/engine/repo/poly1305/poly1305.wat', import.meta.url));
    expect(createHash('sha256').update(wat).digest('hex'), 'run scripts/build-poly1305-wasm.mjs').toBe(
      poly1305WatSha256,
    );
  });
});
