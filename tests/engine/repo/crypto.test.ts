import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { cryptoOverhead, open, poly1305Aes, randomMasterKey, seal } from '../../../src/engine/repo/crypto.ts';
import type { MasterKey } from '../../../src/engine/repo/crypto.ts';
import { decodeUnpacked } from '../../../src/engine/repo/blob-codec.ts';
import { openKeyFile } from '../../../src/engine/repo/key-file.ts';
import { MemoryBackend } from './memory-backend.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// Poly1305-AES test vectors from Bernstein's paper (cr.yp.to/mac/poly1305-20050329.pdf).
const polyVectors = [
  {
    msg: 'f3f6',
    r: '851fc40c3467ac0be05cc20404f3f700',
    k: 'ec074c835580741701425b623235add6',
    nonce: 'fb447350c4e868c52ac3275cf9d4327e',
    mac: 'f4c633c3044fc145f84f335cb81953de',
  },
  {
    msg: '',
    r: 'a0f3080000f46400d0c7e9076c834403',
    k: '75deaa25c09f208e1dc4ce6b5cad3fbf',
    nonce: '61ee09218d29b0aaed7e154a2c5509cc',
    mac: 'dd3fab2251f11ac759f0887129cc2ee7',
  },
  {
    msg: '663cea190ffb83d89593f3f476b6bc24d7e679107ea26adb8caf6652d0656136',
    r: '48443d0bb0d21109c89a100b5ce2c208',
    k: '6acb5f61a7176dd320c5c1eb2edcdc74',
    nonce: 'ae212a5539972959' + '5dea458bc621ff0e',
    mac: '0ee1c16bb73f0f4fd19881753c01cdbe',
  },
];

function err(fn: () => unknown): LifeboatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LifeboatError) return e;
    throw e;
  }
  throw new Error('expected a LifeboatError');
}

describe('crypto', () => {
  it('computes Poly1305-AES like the reference vectors', () => {
    for (const v of polyVectors) {
      const mac = poly1305Aes({ macK: hex(v.k), macR: hex(v.r) }, hex(v.nonce), hex(v.msg));
      expect(Buffer.from(mac).toString('hex')).toBe(v.mac);
    }
  });

  it('decrypts restic ciphertext (known answer)', () => {
    const key: MasterKey = {
      encrypt: hex('303e8687b1d7db18421bdc6bb8588ccadac4d59ee87b8ff70c44e635790cafef'),
      macK: hex('ef4d8824cb80b2bcc5fbff8a9b12a42c'),
      macR: hex('cc8d4b948ee0ebfe1d415de921d10353'),
    };
    const ct = hex(
      '69fb41c62d12def4593bd71757138606338f621aeaeb39da0fe4f99233f8037a54ea63338a813bcf3f75d8c3cc75dddf8750',
    );
    expect(open(key, ct).toString()).toBe('Dies ist ein Test!');
  });

  it('round-trips and adds exactly IV + MAC', () => {
    const key = randomMasterKey();
    for (const size of [0, 1, 15, 16, 17, 1000, 1 << 20]) {
      const plain = randomBytes(size);
      const sealed = seal(key, plain);
      expect(sealed.length).toBe(size + cryptoOverhead);
      expect(open(key, sealed).equals(plain)).toBe(true);
    }
  });

  it('uses a fresh IV each time', () => {
    const key = randomMasterKey();
    const a = seal(key, Buffer.from('same'));
    const b = seal(key, Buffer.from('same'));
    expect(a.equals(b)).toBe(false);
  });

  it('rejects any flipped byte and the wrong key', () => {
    const key = randomMasterKey();
    const sealed = seal(key, randomBytes(100));
    for (const pos of [0, 15, 16, 60, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[pos] = (bad[pos] ?? 0) ^ 1;
      expect(err(() => open(key, bad)).code).toBe('REPO_CORRUPT');
    }
    expect(err(() => open(randomMasterKey(), sealed)).code).toBe('REPO_CORRUPT');
    expect(err(() => open(randomMasterKey(), sealed, 'WRONG_PASSWORD')).code).toBe('WRONG_PASSWORD');
    expect(err(() => open(key, Buffer.alloc(10))).code).toBe('REPO_CORRUPT');
  });
});

// A key file and config written by restic 0.14 (`restic init --repository-version 2`).
const resticKeyFile =
  '{"created":"2026-11-29T00:38:08.823457694Z","username":"root","hostname":"vm","kdf":"scrypt","N":32768,"r":8,"p":9,"salt":"vEwYHoWL4goO581XkiPvwMn8l1Hu5NehS2VyT0k4/Amzmd6GMHzh80uZAF0xGUGH4W1VITnPdzm2bIJM2f7fkg==","data":"tLUaTTx/bohx81Yo9AyfzUBnlfB0BbGbn5lP6t0baYMp5gM8hf/pOxDIeswr6DONmLdEK77Lopuwuzs0DGcaeCQHbN4+QcV/KDDzu1eeEs7fpjrA4QGol06fc+1u+wvDNDl/h7WzHLAC7PsR/COAr/GAiyNGwUe1uFPpYM1BELBLmjkmfwPPuVKMPnNaSauM9L1VHErbzMKKdekxR7Qu7Q=="}';
const resticConfig =
  'AJda/qurSSK+A7MAAiSI3H8GD/XeFdyR5UNjZr0GkIW1q8p5VOGfCZ8hWkbyHPTlDr9G/+gvpH7bMXPmrruFinXPDzlZw5kSXbS2ZudBp78MUVqVVnmLDtaoILGrrxd+x8pdsSTpOPxbXlGQTKCQKJvMudZpOFB0M7ZpW/hNgNoXKbmU8BzLvEN1kWDogVZlr6ag8ecyAF5RLow=';
const keyId = 'a'.repeat(64);

describe('key file made by restic', () => {
  it('opens with the right password and decrypts the config', async () => {
    const be = new MemoryBackend();
    await be.write('keys', keyId, Buffer.from(resticKeyFile));
    const key = await openKeyFile(be, keyId, 'known-password');
    expect(key.encrypt.toString('base64')).toBe('anSkbFY+B02+gZj9GjuUL2QWDas1YxJuwQT5uA+gebI=');
    expect(key.macK.toString('base64')).toBe('kp3UVq1Rbd5werutE06icg==');
    expect(key.macR.toString('base64')).toBe('vtDQDESKYQWIVWwC0IL/Cw==');
    const config = JSON.parse(decodeUnpacked(key, Buffer.from(resticConfig, 'base64')).toString()) as Record<
      string,
      unknown
    >;
    expect(config).toEqual({
      version: 2,
      id: '956edb082b236e647bacec80f8c836f9d03f1654118a6a7dab15ca5df1381f1a',
      chunker_polynomial: '3ab6d8e4d424c3',
    });
  });

  it('says WRONG_PASSWORD for a wrong password', async () => {
    const be = new MemoryBackend();
    await be.write('keys', keyId, Buffer.from(resticKeyFile));
    await expect(openKeyFile(be, keyId, 'nope')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
  });
});
