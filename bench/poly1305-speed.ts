/**
 * Poly1305 and seal() throughput on one thread.
 * Run: ./node_modules/.bin/node bench/poly1305-speed.ts [MiB]
 * Hashes [MiB] (default 64) MiB as 1 MiB messages with @noble/ciphers' pure-JS Poly1305 (what
 * crypto.ts used before) and with ours (WebAssembly), then times the full seal() of crypto.ts
 * against the same AES-256-CTR + Poly1305-AES composition done with noble's Poly1305.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { poly1305 } from '../src/engine/repo/poly1305.ts';
import { cryptoOverhead, ivSize, randomMasterKey, seal } from '../src/engine/repo/crypto.ts';
import type { MasterKey } from '../src/engine/repo/crypto.ts';

const totalMiB = Number(process.argv[2] ?? 64);
const messageSize = 1024 * 1024;
const messages = Array.from({ length: 8 }, () => randomBytes(messageSize));
const key32 = randomBytes(32);
const master = randomMasterKey();

/** seal() as crypto.ts did it with noble's Poly1305: the "before" of the comparison. */
function sealNoble(key: MasterKey, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(ivSize);
  const out = Buffer.allocUnsafe(plaintext.length + cryptoOverhead);
  iv.copy(out, 0);
  const c = createCipheriv('aes-256-ctr', key.encrypt, iv);
  c.update(plaintext).copy(out, ivSize);
  c.final();
  const aes = createCipheriv('aes-128-ecb', key.macK, null);
  aes.setAutoPadding(false);
  const oneTimeKey = new Uint8Array(32);
  oneTimeKey.set(key.macR, 0);
  oneTimeKey.set(aes.update(iv), 16);
  out.set(
    noblePoly1305(out.subarray(ivSize, ivSize + plaintext.length), oneTimeKey),
    ivSize + plaintext.length,
  );
  return out;
}

const cases: [string, (m: Uint8Array) => unknown][] = [
  ['poly1305 @noble/ciphers', (m) => noblePoly1305(m, key32)],
  ['poly1305 wasm', (m) => poly1305(key32, m)],
  ['seal() with noble poly1305', (m) => sealNoble(master, m)],
  ['seal() crypto.ts', (m) => seal(master, m)],
];

function time(fn: (m: Uint8Array) => unknown): number {
  const count = Math.max(1, Math.round((totalMiB * 1024 * 1024) / messageSize));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fn(messages[i % messages.length]!);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return (count * messageSize) / 1e6 / seconds;
}

for (const [name, fn] of cases) {
  time(fn); // warm-up (JIT, first instantiation)
  const runs = [time(fn), time(fn), time(fn)];
  console.log(
    `${name.padEnd(28)} ${Math.max(...runs)
      .toFixed(0)
      .padStart(6)} MB/s  (best of 3; runs ${runs.map((r) => r.toFixed(0)).join(', ')})`,
  );
}
