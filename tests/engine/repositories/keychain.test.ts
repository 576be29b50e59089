import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../../src/engine/secrets/keychain-store.ts';
import { secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { ensureKeyring, keyringSkipMessage, uniqueService } from '../../helpers/keyring.ts';
import { harness, tempDir } from './harness.ts';

const keyring = await ensureKeyring();
if (!keyring.available) console.warn(keyringSkipMessage(keyring));

describe.skipIf(!keyring.available)('repository passwords in a real keychain', () => {
  it('files the password of a created repository, and a new Service uses it without asking', async () => {
    const store = new KeychainSecretStore({ service: uniqueService('repositories'), timeoutMs: 30_000 });
    const h = harness({ secrets: async () => store });
    const dir = path.join(tempDir('keychain'), 'repo');
    const password = 'keychain repository password';
    const info = await h.call('createRepository', { location: { kind: 'local', path: dir }, password });
    try {
      expect(await store.get(secretAccounts.repositoryPassword(info.repositoryId))).toBe(password);
      const again = harness({ dataDir: h.dataDir, secrets: async () => store });
      expect(await again.call('listSnapshots', { repositoryId: info.repositoryId })).toEqual([]);
    } finally {
      await store.delete(secretAccounts.repositoryPassword(info.repositoryId));
    }
  });
});
