import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from '../../../src/engine/secrets/encrypted-file-store.ts';
import { secretAccounts } from '../../../src/engine/secrets/secret-store.ts';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});
async function tempFile(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-secrets-file-'));
  temps.push(dir);
  return path.join(dir, 'data', 'secrets.enc.json');
}

const passphrase = 'correct horse battery staple';
const token = '1//0gLifeboatRefreshTokenThatMustNeverAppearInPlaintext-9f8e7d';
const account = secretAccounts.refreshToken('gdrive', 'owner@example.com');

describe('EncryptedFileSecretStore', () => {
  it('round trip: set, get, overwrite, delete; a new instance (another process) reads the same file', async () => {
    const file = await tempFile();
    const store = new EncryptedFileSecretStore(file, passphrase);
    expect(await store.exists()).toBe(false);
    expect(await store.get(account)).toBeUndefined();
    expect(await store.delete(account)).toBe(false);
    expect(await store.exists()).toBe(false); // nothing written for a no-op

    await store.set(account, token);
    await store.set('unicode', 'пароль 🔑 漢字');
    await store.set('long', 'x'.repeat(4096));
    expect(await store.get(account)).toBe(token);

    const other = new EncryptedFileSecretStore(file, passphrase);
    expect(await other.get(account)).toBe(token);
    expect(await other.get('unicode')).toBe('пароль 🔑 漢字');
    expect(await other.get('long')).toBe('x'.repeat(4096));

    await other.set(account, 'rotated token');
    expect(await store.get(account)).toBe('rotated token'); // sees the other instance's write
    expect(await store.delete(account)).toBe(true);
    expect(await other.get(account)).toBeUndefined();
    expect(await other.get('toString')).toBeUndefined(); // no prototype leaks
  });

  it('keeps every update when many are made at once', async () => {
    const store = new EncryptedFileSecretStore(await tempFile(), passphrase);
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    for (let i = 0; i < 25; i++) expect(await store.get(`k${i}`)).toBe(`v${i}`);
  });

  it('a wrong passphrase is WRONG_PASSWORD, and the file is left alone', async () => {
    const file = await tempFile();
    await new EncryptedFileSecretStore(file, passphrase).set(account, token);
    const before = await readFile(file);
    const wrong = new EncryptedFileSecretStore(file, 'Correct horse battery staple');
    await expect(wrong.get(account)).rejects.toMatchObject({ code: 'WRONG_PASSWORD', name: 'LifeboatError' });
    await expect(wrong.verify()).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await expect(wrong.set('x', 'y')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    expect(await readFile(file)).toEqual(before);
  });

  it('a tampered or damaged file is SECRETS_FILE_DAMAGED, never garbage or a crash', async () => {
    const file = await tempFile();
    await new EncryptedFileSecretStore(file, passphrase).set(account, token);
    const original = await readFile(file, 'utf8');
    const envelope = JSON.parse(original) as Record<string, unknown> & { kdf: Record<string, unknown> };
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, 'base64');
      buf[Math.floor(buf.length / 2)]! ^= 0x01;
      return buf.toString('base64');
    };
    const variants: Array<[string, string]> = [
      [
        'one bit of the ciphertext',
        JSON.stringify({ ...envelope, ciphertext: flip(envelope.ciphertext as string) }),
      ],
      ['the tag', JSON.stringify({ ...envelope, tag: flip(envelope.tag as string) })],
      ['the nonce', JSON.stringify({ ...envelope, nonce: flip(envelope.nonce as string) })],
      [
        'a truncated ciphertext',
        JSON.stringify({ ...envelope, ciphertext: (envelope.ciphertext as string).slice(0, 8) }),
      ],
      ['absurd scrypt cost', JSON.stringify({ ...envelope, kdf: { ...envelope.kdf, N: 2 ** 30 } })],
      ['not base64', JSON.stringify({ ...envelope, nonce: '!!!' })],
      ['a missing field', JSON.stringify({ ...envelope, tag: undefined })],
      ['truncated JSON', original.slice(0, original.length / 2)],
      ['another format', JSON.stringify({ hello: 'world' })],
      ['empty file', ''],
    ];
    for (const [what, text] of variants) {
      await writeFile(file, text);
      const error = await new EncryptedFileSecretStore(file, passphrase).get(account).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, what).toMatchObject({ code: 'SECRETS_FILE_DAMAGED' });
      expect((error as Error).message, what).toMatch(/damaged or was changed/);
    }
  });

  it.skipIf(process.platform === 'win32')(
    'writes the file with mode 0600 and leaves no temporary files',
    async () => {
      const file = await tempFile();
      const store = new EncryptedFileSecretStore(file, passphrase);
      await store.set(account, token);
      await store.set('second', 'value');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(path.dirname(file))).mode & 0o077).toBe(0); // created private
      expect(await readdir(path.dirname(file))).toEqual([path.basename(file)]);
    },
  );

  it('never writes a secret (or an account name) in plaintext', async () => {
    const file = await tempFile();
    const store = new EncryptedFileSecretStore(file, passphrase);
    await store.set(account, token);
    await store.set('smtp', 'пароль-почты');
    const bytes = await readFile(file);
    for (const needle of [token, 'пароль-почты', account, 'owner@example.com', passphrase]) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        expect(bytes.includes(Buffer.from(needle, encoding)), `${needle} (${encoding})`).toBe(false);
      }
      expect(bytes.includes(Buffer.from(Buffer.from(needle).toString('base64'))), `${needle} (base64)`).toBe(
        false,
      );
    }
    // Re-encrypting uses a fresh nonce: the same content never produces the same bytes twice.
    await store.set(account, token);
    expect(await readFile(file)).not.toEqual(bytes);
  });

  it('refuses an empty passphrase', () => {
    expect(() => new EncryptedFileSecretStore('/tmp/x', '')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
