import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../../src/engine/dispatch.ts';
import { MemorySecretStore, secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { Service } from '../../../src/engine/service.ts';
import { MemorySettingsStore } from '../../../src/engine/settings/settings-store.ts';
import { copySignInCode, DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { DriveEmulator } from '../../emulators/gdrive/server.ts';

// Sign-in as every user interface drives it: the contract's signIn operation, the link announced as
// an event (the headless UI shows it) and handed to the host's browser opener (the desktop app).

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await DriveEmulator.start();
  vi.stubEnv('LIFEBOAT_GDRIVE_URL', emu.url);
  vi.stubEnv('LIFEBOAT_GOOGLE_OAUTH_URL', emu.url);
  vi.stubEnv('LIFEBOAT_GOOGLE_CLIENT_ID', emu.clientId);
  vi.stubEnv('LIFEBOAT_GOOGLE_CLIENT_SECRET', emu.clientSecret);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await emu.close();
});

/** Plays the user's browser: consent is automatic in the emulator, then the loopback redirect. */
async function browser(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: 'manual' });
  await fetch(consent.headers.get('location')!);
}

describe('Service sign-in', () => {
  it('signs in through the browser, stores the token only in the SecretStore, lists and signs out', async () => {
    const secrets = new MemorySecretStore();
    const opened: string[] = [];
    const service = new Service({
      host: 'desktop',
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'lb-signin-')),
      settings: new MemorySettingsStore(),
      secrets: async () => secrets,
      openUrl: (url) => {
        opened.push(url);
        void browser(url);
      },
    });
    const announced = vi.fn();
    service.on('signInUrl', announced);

    const result = await dispatch(service, 'signIn', { provider: 'gdrive' });
    expect(result).toMatchObject({ ok: true, value: { provider: 'gdrive', accountId: 'owner@example.com' } });
    expect(opened).toHaveLength(1);
    expect(announced).toHaveBeenCalledWith({ provider: 'gdrive', url: opened[0] });
    expect(await secrets.get(secretAccounts.refreshToken('gdrive', 'owner@example.com'))).toMatch(
      /^1\/\/emu-/,
    );

    const accounts = await dispatch(service, 'listAccounts', undefined);
    expect(accounts).toMatchObject({ ok: true, value: [{ provider: 'gdrive', email: 'owner@example.com' }] });

    expect(
      await dispatch(service, 'signOut', { provider: 'gdrive', accountId: 'owner@example.com' }),
    ).toEqual({ ok: true, value: true });
    expect(await secrets.get(secretAccounts.refreshToken('gdrive', 'owner@example.com'))).toBeUndefined();
    expect(await dispatch(service, 'listAccounts', undefined)).toEqual({ ok: true, value: [] });
  });

  it('refuses an unknown provider before anything happens', async () => {
    const service = new Service({
      host: 'headless',
      dataDir: '/nonexistent',
      settings: new MemorySettingsStore(),
      secrets: async () => new MemorySecretStore(),
    });
    const result = await dispatch(service, 'signIn', { provider: 'onedrive' });
    expect(result.ok ? '' : result.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('Dropbox sign-in by pasted code (no redirect)', () => {
  it('shows the page, takes the code once, remembers the account; a stale or wrong code is a clear error', async () => {
    const dropbox = await DropboxEmulator.start({ redirectUris: [] });
    for (const [name, value] of Object.entries(dropbox.env())) vi.stubEnv(name, value);
    try {
      const secrets = new MemorySecretStore();
      const service = new Service({
        host: 'headless',
        dataDir: mkdtempSync(path.join(os.tmpdir(), 'lb-signin-code-')),
        settings: new MemorySettingsStore(),
        secrets: async () => secrets,
      });
      expect(await dispatch(service, 'completeDropboxCodeSignIn', { code: 'abc' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
      /** The page to open, as the UI gets it. */
      const begin = async (): Promise<string> => {
        const r = await dispatch(service, 'beginDropboxCodeSignIn', undefined);
        if (!r.ok) throw new Error(`begin failed: ${JSON.stringify(r.error)}`);
        return (r.value as { url: string }).url;
      };
      const first = await begin();
      const second = await begin();
      expect(new URL(second).searchParams.has('redirect_uri')).toBe(false);
      // Only the newest page counts: the first page's code does not match its PKCE verifier.
      const stale = await dispatch(service, 'completeDropboxCodeSignIn', {
        code: await copySignInCode(first),
      });
      expect(stale).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
      const again = await begin();
      const done = await dispatch(service, 'completeDropboxCodeSignIn', {
        code: `  ${await copySignInCode(again)}\n`,
      });
      expect(done).toMatchObject({
        ok: true,
        value: { provider: 'dropbox', accountId: dropbox.oauth.account.accountId },
      });
      expect(
        await secrets.get(secretAccounts.refreshToken('dropbox', dropbox.oauth.account.accountId)),
      ).toBeTruthy();
      expect(await dispatch(service, 'listAccounts', undefined)).toMatchObject({
        ok: true,
        value: [{ provider: 'dropbox' }],
      });
      // used: nothing is pending any more
      expect(await dispatch(service, 'completeDropboxCodeSignIn', { code: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    } finally {
      await dropbox.close();
    }
  });
});
