// The keychain store against a REAL Secret Service (gnome-keyring on a private D-Bus session; see
// tests/helpers/keyring.ts). Skipped, loudly, where there is none; keyring-required.test.ts turns that
// skip into a failure in CI.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCredentialsAsync } from '@napi-rs/keyring';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../../src/engine/secrets/keychain-store.ts';
import { probeSecretStore } from '../../../src/engine/secrets/open-secret-store.ts';
import { secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import {
  ensureKeyring,
  hasCommand,
  keyringSkipMessage,
  runCommand,
  uniqueService,
} from '../../helpers/keyring.ts';

const keyring = await ensureKeyring();
if (!keyring.available) console.warn(keyringSkipMessage(keyring));

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'keychain-child.ts');

interface ChildReply {
  ok: boolean;
  result?: unknown;
  typed?: boolean;
  error?: { code: string; message: string; hint?: string };
}

/** Runs keychain-child.ts in a new Node process on the same session bus. */
async function child(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildReply> {
  const r = await runCommand(process.execPath, [childScript, ...args], {
    env: { ...process.env, ...env },
    timeoutMs: 60_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildReply;
  } catch {
    throw new Error(`child exited ${r.code} without a reply: ${r.stdout}\n${r.stderr}`);
  }
}

const services: string[] = [];
function newStore(label: string, options: { maxChunkChars?: number } = {}): KeychainSecretStore {
  const service = uniqueService(label);
  services.push(service);
  return new KeychainSecretStore({ service, timeoutMs: 30_000, ...options });
}

describe.skipIf(!keyring.available)('KeychainSecretStore on a real Secret Service', () => {
  afterAll(async () => {
    // Leave nothing behind in the test keyring, whatever failed.
    for (const service of services) {
      for (const { account } of await findCredentialsAsync(service).catch(() => [])) {
        await new KeychainSecretStore({ service }).delete(account).catch(() => undefined);
      }
    }
  });

  it('sets, reads, overwrites and deletes a secret', async () => {
    const store = newStore('roundtrip');
    const account = secretAccounts.repositoryPassword('repo-1');
    expect(await store.get(account)).toBeUndefined();
    await store.set(account, 'first password');
    expect(await store.get(account)).toBe('first password');
    await store.set(account, 'second password');
    expect(await store.get(account)).toBe('second password');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeUndefined();
    expect(await store.delete(account)).toBe(false);
  });

  it('is the Secret Service keyring, and says so', () => {
    expect(newStore('kind').kind).toBe('Secret Service keyring');
  });

  it('keeps Unicode, long (4 KB) and punctuation-heavy secrets exactly', async () => {
    const store = newStore('values');
    const values = {
      [secretAccounts.smtpPassword('smtp.example.ru', 'офис@example.ru')]:
        'пароль — Ключ 🔑 é ß 漢字 \t"quoted" \\ back',
      [secretAccounts.refreshToken('gdrive', 'user@example.com')]: `1//0g${'A-b_c.9'.repeat(585)}`, // ~4 KB
      [secretAccounts.refreshToken('dropbox', 'dbid:AAH4f99')]: '🔐'.repeat(1024), // 4 KB of astral characters
      'json-like': '{"a":[1,2,3],"b":null}',
    };
    for (const [account, secret] of Object.entries(values)) await store.set(account, secret);
    for (const [account, secret] of Object.entries(values)) expect(await store.get(account)).toBe(secret);
    expect(
      (await store.get(secretAccounts.refreshToken('gdrive', 'user@example.com')))!.length,
    ).toBeGreaterThanOrEqual(4000);
    for (const account of Object.keys(values)) expect(await store.delete(account)).toBe(true);
  });

  it('handles many calls at once', async () => {
    const store = newStore('parallel');
    const accounts = Array.from({ length: 20 }, (_, i) => `acct-${i}`);
    await Promise.all(accounts.map((a) => store.set(a, `secret ${a}`)));
    expect(await Promise.all(accounts.map((a) => store.get(a)))).toEqual(accounts.map((a) => `secret ${a}`));
    await Promise.all(accounts.map((a) => store.delete(a)));
  });

  it('persists in the keyring daemon: another process reads what this one wrote, and the reverse', async () => {
    const store = newStore('cross-process');
    await store.set('written-by-parent', 'from the parent ✓');
    expect(await child(['get', store.service, 'written-by-parent'])).toEqual({
      ok: true,
      result: 'from the parent ✓',
    });

    expect(
      await child(['set', store.service, 'written-by-child'], { LIFEBOAT_TEST_SECRET: 'from the child ✓' }),
    ).toEqual({
      ok: true,
      result: true,
    });
    expect(await store.get('written-by-child')).toBe('from the child ✓');

    expect(await child(['delete', store.service, 'written-by-parent'])).toEqual({ ok: true, result: true });
    expect(await store.get('written-by-parent')).toBeUndefined();
    await store.delete('written-by-child');
  });

  it('keeps services apart: the same account under two service names holds two secrets', async () => {
    const a = newStore('service-a');
    const b = newStore('service-b');
    await a.set('shared-account', 'secret of A');
    expect(await b.get('shared-account')).toBeUndefined();
    await b.set('shared-account', 'secret of B');
    expect(await a.get('shared-account')).toBe('secret of A');
    expect(await b.get('shared-account')).toBe('secret of B');
    expect(await a.delete('shared-account')).toBe(true);
    expect(await b.get('shared-account')).toBe('secret of B');
    expect(await b.delete('shared-account')).toBe(true);
  });

  it.skipIf(!hasCommand('secret-tool'))(
    'stores through the Secret Service: secret-tool (libsecret) sees the same entries',
    async () => {
      const store = newStore('secret-tool');
      await store.set('visible-account', 'seen by libsecret ✓');
      const lookup = await runCommand('secret-tool', [
        'lookup',
        'service',
        store.service,
        'username',
        'visible-account',
      ]);
      expect(lookup.code).toBe(0);
      expect(lookup.stdout).toBe('seen by libsecret ✓');

      // …and the reverse: an entry another Secret Service client wrote is read by the store.
      const stored = await runCommand(
        'secret-tool',
        ['store', '--label=written by secret-tool', 'service', store.service, 'username', 'from-libsecret'],
        { input: 'written by libsecret' },
      );
      expect(stored.code, stored.stderr).toBe(0);
      expect(await store.get('from-libsecret')).toBe('written by libsecret');
      await store.delete('visible-account');
      expect(await store.delete('from-libsecret')).toBe(true);
      expect(
        (await runCommand('secret-tool', ['lookup', 'service', store.service, 'username', 'visible-account']))
          .stdout,
      ).toBe('');
    },
  );

  it('splits secrets longer than one entry may hold into parts, and cleans the parts up (Windows limit)', async () => {
    const store = newStore('chunks', { maxChunkChars: 1000 });
    const long = `${'x'.repeat(999)}🔑${'я'.repeat(2500)}🔑end`; // the emoji straddle a part boundary
    await store.set('long', long);
    expect(await store.get('long')).toBe(long);
    const accounts = async () => (await findCredentialsAsync(store.service)).map((c) => c.account).sort();
    const stored = await accounts();
    expect(stored.filter((a) => a.startsWith('long#part:'))).toHaveLength(4);
    // Nothing readable as the secret sits under the account itself: only the header.
    const header = (await findCredentialsAsync(store.service)).find((c) => c.account === 'long')?.password;
    expect(header?.startsWith('\u0000lifeboat-parts:v1:'), header).toBe(true);

    const longer = 'z'.repeat(2500);
    await store.set('long', longer);
    expect(await store.get('long')).toBe(longer);
    expect((await accounts()).filter((a) => a.startsWith('long#part:'))).toHaveLength(3);

    await store.set('long', 'short now');
    expect(await store.get('long')).toBe('short now');
    expect(await accounts()).toEqual(['long']);

    await store.set('long', long);
    expect(await store.delete('long')).toBe(true);
    expect(await accounts()).toEqual([]);
    expect(await store.get('long')).toBeUndefined();
  });

  it('refuses secrets and account names it could not store faithfully', async () => {
    const store = newStore('invalid');
    await expect(store.set('a', 'nul\u0000inside')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.get('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('probe() writes, reads and deletes a test entry and reports success', async () => {
    const store = newStore('probe');
    expect(await probeSecretStore(store)).toEqual({ ok: true, kind: 'Secret Service keyring' });
    expect(await findCredentialsAsync(store.service)).toEqual([]);
  });
});
