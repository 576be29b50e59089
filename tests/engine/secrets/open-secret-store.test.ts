import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from '../../../src/engine/secrets/encrypted-file-store.ts';
import { KeychainSecretStore } from '../../../src/engine/secrets/keychain-store.ts';
import {
  openSecretStore,
  probeSecretStore,
  secretsFileName,
  secretsFilePath,
} from '../../../src/engine/secrets/open-secret-store.ts';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import type { SecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-open-secrets-'));
  temps.push(dir);
  return dir;
}

describe('openSecretStore', () => {
  it('uses the OS keychain by default, without touching it yet', async () => {
    const dir = await dataDir();
    const store = await openSecretStore({ dataDir: dir });
    expect(store).toBeInstanceOf(KeychainSecretStore);
    expect((store as KeychainSecretStore).service).toBe('Lifeboat');
    expect(await stat(secretsFilePath(dir)).catch(() => 'absent')).toBe('absent');
    const custom = await openSecretStore({ dataDir: dir, mode: 'keychain', service: 'lifeboat-test-x' });
    expect((custom as KeychainSecretStore).service).toBe('lifeboat-test-x');
  });

  it('uses the encrypted file only when asked, and only with a passphrase', async () => {
    const dir = await dataDir();
    await expect(openSecretStore({ dataDir: dir, mode: 'file' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      hint: expect.stringContaining('LIFEBOAT_SECRETS_PASSPHRASE'),
    });
    const store = await openSecretStore({ dataDir: dir, mode: 'file', passphrase: 'pass phrase' });
    expect(store).toBeInstanceOf(EncryptedFileSecretStore);
    expect(store.kind).toBe('encrypted file');
    await store.set('a', 'b');
    expect((store as EncryptedFileSecretStore).file).toBe(path.join(dir, secretsFileName));
    expect(
      await (await openSecretStore({ dataDir: dir, mode: 'file', passphrase: 'pass phrase' })).get('a'),
    ).toBe('b');
  });

  it('checks the passphrase of an existing secrets file at once', async () => {
    const dir = await dataDir();
    await (await openSecretStore({ dataDir: dir, mode: 'file', passphrase: 'right' })).set('a', 'b');
    await expect(openSecretStore({ dataDir: dir, mode: 'file', passphrase: 'wrong' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    });
  });

  it('rejects an unknown mode', async () => {
    await expect(openSecretStore({ dataDir: '/tmp', mode: 'plaintext' as 'file' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('probeSecretStore', () => {
  it('reports a working store and leaves no entry behind', async () => {
    const store = new MemorySecretStore();
    const seen: string[] = [];
    const spy: SecretStore = {
      kind: store.kind,
      get: (a) => store.get(a),
      set: (a, s) => (seen.push(a), store.set(a, s)),
      delete: (a) => store.delete(a),
    };
    expect(await probeSecretStore(spy)).toEqual({ ok: true, kind: 'memory' });
    expect(seen).toHaveLength(1);
    expect(await store.get(seen[0]!)).toBeUndefined();
  });

  it('reports a failing store with the typed error, without throwing', async () => {
    const broken: SecretStore = {
      kind: 'broken keychain',
      get: async () => undefined,
      set: async () => {
        throw new LifeboatError('KEYCHAIN_LOCKED', 'locked', {
          hint: 'The keychain is locked: unlock it and try again',
        });
      },
      delete: async () => false,
    };
    expect(await probeSecretStore(broken)).toEqual({
      ok: false,
      kind: 'broken keychain',
      error: {
        code: 'KEYCHAIN_LOCKED',
        message: 'locked',
        hint: 'The keychain is locked: unlock it and try again',
      },
    });
  });

  it('notices a store that loses what it was given', async () => {
    const forgetful: SecretStore = {
      kind: 'forgetful',
      get: async () => undefined,
      set: async () => {},
      delete: async () => false,
    };
    const probe = await probeSecretStore(forgetful);
    expect(probe).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
