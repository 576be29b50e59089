/**
 * restic's authenticated encryption: AES-256-CTR, then Poly1305-AES over the ciphertext.
 * Layout: IV(16) ‖ ciphertext ‖ MAC(16). The IV doubles as the Poly1305-AES nonce, and the
 * Poly1305 one-time key is r ‖ AES-128_k(nonce) (Bernstein's Poly1305-AES); poly1305 clamps r itself.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { poly1305 } from './poly1305.ts';
import { releaseBuffer } from './release-buffer.ts';
import { LifeboatError } from '../../shared/errors.ts';
import type { ErrorCode } from '../../shared/errors.ts';

export interface MasterKey {
  /** AES-256 key. */
  encrypt: Buffer;
  /** AES-128 key `k` of Poly1305-AES. */
  macK: Buffer;
  /** Poly1305 key `r` (stored unclamped, as restic does). */
  macR: Buffer;
}

export const ivSize = 16;
export const macSize = 16;
/** Bytes added to a plaintext by `seal`. */
export const cryptoOverhead = ivSize + macSize;

export function randomMasterKey(): MasterKey {
  return { encrypt: randomBytes(32), macK: randomBytes(16), macR: randomBytes(16) };
}

/** Builds a key from scrypt output: 32 bytes encryption key, then 16 bytes k, then 16 bytes r. */
export function keyFromBytes(bytes: Uint8Array): MasterKey {
  if (bytes.length !== 64) throw new LifeboatError('INTERNAL', 'A repository key must be 64 bytes.');
  const b = Buffer.from(bytes);
  return { encrypt: b.subarray(0, 32), macK: b.subarray(32, 48), macR: b.subarray(48, 64) };
}

function checkKey(key: MasterKey): void {
  if (key.encrypt.length !== 32 || key.macK.length !== 16 || key.macR.length !== 16) {
    throw new LifeboatError('INTERNAL', 'Invalid repository key size.');
  }
}

/**
 * An AES key as a KeyObject, made once per key buffer: a cipher from a KeyObject starts about 3x
 * faster than one from raw bytes (which Node turns into a new key object every time), and a backup
 * of many small files starts two ciphers per blob.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
export function keyObject(bytes: Buffer): KeyObject {
  let made = keyObjects.get(bytes);
  if (!made) keyObjects.set(bytes, (made = createSecretKey(bytes)));
  return made;
}

/** Poly1305-AES over `ciphertext`: one-time key r ‖ AES-128_k(nonce). */
export function poly1305Aes(
  key: Pick<MasterKey, 'macK' | 'macR'>,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  const aes = createCipheriv('aes-128-ecb', keyObject(key.macK), null);
  aes.setAutoPadding(false);
  const s = aes.update(nonce);
  const oneTimeKey = new Uint8Array(32);
  oneTimeKey.set(key.macR, 0);
  oneTimeKey.set(s, 16);
  return poly1305(oneTimeKey, ciphertext);
}

function ctr(key: MasterKey, iv: Uint8Array, input: Uint8Array, out: Buffer, outOffset: number): void {
  const c = createCipheriv('aes-256-ctr', keyObject(key.encrypt), iv);
  const a = c.update(input);
  const n = a.copy(out, outOffset);
  releaseBuffer(a); // a copy: dead now (see release-buffer.ts)
  const b = c.final();
  if (b.length > 0) b.copy(out, outOffset + n);
}

/** Encrypts and authenticates `plaintext` with a fresh random IV. */
export function seal(key: MasterKey, plaintext: Uint8Array): Buffer {
  checkKey(key);
  let iv = randomBytes(ivSize);
  while (iv.every((b) => b === 0)) iv = randomBytes(ivSize); // restic rejects an all-zero nonce
  const out = Buffer.allocUnsafe(plaintext.length + cryptoOverhead);
  iv.copy(out, 0);
  ctr(key, iv, plaintext, out, ivSize);
  const ciphertext = out.subarray(ivSize, ivSize + plaintext.length);
  const mac = poly1305Aes(key, iv, ciphertext);
  out.set(mac, ivSize + plaintext.length);
  return out;
}

/**
 * Verifies the MAC, then decrypts. A bad MAC is REPO_CORRUPT by default; key files pass
 * `WRONG_PASSWORD` because there a bad MAC means the password is wrong.
 */
export function open(key: MasterKey, data: Uint8Array, failure: ErrorCode = 'REPO_CORRUPT'): Buffer {
  checkKey(key);
  if (data.length < cryptoOverhead) {
    throw new LifeboatError(
      failure === 'WRONG_PASSWORD' ? 'REPO_CORRUPT' : failure,
      'Encrypted data is too short.',
    );
  }
  const iv = data.subarray(0, ivSize);
  const ciphertext = data.subarray(ivSize, data.length - macSize);
  const mac = data.subarray(data.length - macSize);
  const expected = poly1305Aes(key, iv, ciphertext);
  if (!timingSafeEqual(expected, mac)) {
    throw failure === 'WRONG_PASSWORD'
      ? new LifeboatError('WRONG_PASSWORD', 'The password is wrong.', {
          hint: 'Check the repository password.',
        })
      : new LifeboatError(failure, 'Encrypted data failed verification (damaged or tampered with).');
  }
  const out = Buffer.allocUnsafe(ciphertext.length);
  const d = createDecipheriv('aes-256-ctr', keyObject(key.encrypt), iv);
  const a = d.update(ciphertext);
  a.copy(out, 0);
  d.final().copy(out, a.length);
  return out;
}
