/**
 * Dropbox sign-in end to end against the emulator, the test playing the browser: PKCE S256 with
 * offline access through a loopback redirect (registered URI, exact match) or a pasted code; the
 * refresh token lands in the SecretStore under the account id; refresh before expiry; a revoked
 * grant is AUTH_REQUIRED; a wrong verifier, a reused code, an unregistered redirect are refused.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beginDropboxCodeSignIn,
  dropboxAppKey,
  DropboxTokenProvider,
  importRefreshToken,
  signInToDropbox,
  signOutOfDropbox,
} from '../../../src/engine/auth/dropbox-oauth.ts';
import { dropboxCallbackPath } from '../../../src/engine/auth/dropbox-loopback.ts';
import { openDropboxBackend } from '../../../src/engine/storage/dropbox/open-dropbox-backend.ts';
import { MemorySecretStore, secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { dropboxEndpoints } from '../../../src/engine/storage/dropbox/endpoints.ts';
import { copySignInCode, DropboxEmulator } from '../../emulators/dropbox/server.ts';
import { emulatorBackend, fastRetry } from '../../emulators/dropbox/test-support.ts';

let emu: DropboxEmulator;
let port: number;
let port2: number;
const redirect = (p: number): string => `http://127.0.0.1:${p}${dropboxCallbackPath}`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** The user's browser: open the authorize URL, let Dropbox redirect, follow to the loopback. */
const seen: string[] = [];
async function browser(url: string): Promise<void> {
  seen.push(url);
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = await fetch(consent.headers.get('location')!);
  expect(back.status).toBe(200);
  expect(await back.text()).toContain('You are signed in');
}

beforeAll(async () => {
  port = await freePort();
  port2 = await freePort();
  emu = await DropboxEmulator.start({ redirectUris: [redirect(port), redirect(port2)] });
});
afterAll(async () => emu.close());

const config = (): {
  appKey: string;
  endpoints: ReturnType<DropboxEmulator['endpoints']>;
  env: NodeJS.ProcessEnv;
  retry: typeof fastRetry;
} => ({
  appKey: emu.appKey,
  endpoints: emu.endpoints(),
  env: {},
  retry: fastRetry,
});

describe('loopback sign-in', () => {
  it('signs in with PKCE + offline access, stores the refresh token under the account id', async () => {
    const secrets = new MemorySecretStore();
    const result = await signInToDropbox({ ...config(), secrets, openUrl: browser, ports: [port] });
    expect(result.accountId).toBe(emu.oauth.account.accountId);
    expect(result.email).toBe('owner@shop.example');
    expect(result.displayName).toBe('Shop Owner');
    const url = new URL(seen.at(-1)!);
    expect(url.origin + url.pathname).toBe(`${emu.url}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: emu.appKey,
      response_type: 'code',
      token_access_type: 'offline',
      code_challenge_method: 'S256',
      redirect_uri: redirect(port),
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.has('client_secret')).toBe(false);
    const stored = await secrets.get(secretAccounts.refreshToken('dropbox', result.accountId));
    expect(emu.oauth.refreshTokens.has(stored!)).toBe(true);
    // the sign-in's provider works for the backend right away, without a refresh
    const backend = emulatorBackend(emu, 'dropbox:/Apps/Lifeboat/signed-in', { tokens: result.tokens });
    expect(await backend.list('snapshots')).toEqual([]);
    expect(result.tokens.refreshes).toBe(0);
    await backend.write('snapshots', 'b'.repeat(64), Buffer.from('{}'));
    // a later session starts from the SecretStore
    const later = await DropboxTokenProvider.fromSecretStore(secrets, result.accountId, config());
    expect(await later.accessToken()).toMatch(/^sl\./);
    expect(later.refreshes).toBe(1);
    const reopened = await openDropboxBackend('dropbox:/Apps/Lifeboat/signed-in', {
      ...config(),
      secrets,
      accountId: result.accountId,
    });
    expect((await reopened.list('snapshots')).map((f) => f.name)).toEqual(['b'.repeat(64)]);
    await expect(
      openDropboxBackend('dropbox:/x', { ...config(), secrets, accountId: 'dbid:someone-else' }),
    ).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('falls back to the next registered port when the first is busy', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const secrets = new MemorySecretStore();
      await signInToDropbox({ ...config(), secrets, openUrl: browser, ports: [port, port2] });
      expect(new URL(seen.at(-1)!).searchParams.get('redirect_uri')).toBe(redirect(port2));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('an unregistered redirect URI is refused by Dropbox (exact match, port included)', async () => {
    const other = await freePort();
    const err = await signInToDropbox({
      ...config(),
      secrets: new MemorySecretStore(),
      ports: [other],
      timeoutMs: 300,
      openUrl: async (url) => {
        const res = await fetch(url, { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('Invalid redirect_uri');
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_REQUIRED', message: 'Sign-in timed out.' });
  });

  it('a user who says no has cancelled the sign-in', async () => {
    const denying = await DropboxEmulator.start({
      redirectUris: [redirect(port)],
      authorizeDecision: 'deny',
    });
    try {
      const err = await signInToDropbox({
        appKey: denying.appKey,
        endpoints: denying.endpoints(),
        env: {},
        secrets: new MemorySecretStore(),
        ports: [port],
        openUrl: async (url) => {
          const consent = await fetch(url, { redirect: 'manual' });
          await fetch(consent.headers.get('location')!);
        },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CANCELLED', message: 'Sign-in was cancelled in the browser.' });
    } finally {
      await denying.close();
    }
  });
});

describe('pasted-code sign-in (no redirect)', () => {
  it('shows a code and completes with it', async () => {
    const secrets = new MemorySecretStore();
    const flow = beginDropboxCodeSignIn({ ...config(), secrets });
    expect(new URL(flow.url).searchParams.has('redirect_uri')).toBe(false);
    const result = await flow.complete(`  ${await copySignInCode(flow.url)}\n`);
    expect(await secrets.get(secretAccounts.refreshToken('dropbox', result.accountId))).toBeTruthy();
  });

  it('refuses a code exchanged with the wrong PKCE verifier, and a code used twice', async () => {
    const secrets = new MemorySecretStore();
    const a = beginDropboxCodeSignIn({ ...config(), secrets });
    const b = beginDropboxCodeSignIn({ ...config(), secrets });
    const codeForA = await copySignInCode(a.url);
    const wrong = await b.complete(codeForA).catch((e: unknown) => e); // b's verifier, a's challenge
    expect(wrong).toMatchObject({ code: 'AUTH_REQUIRED', details: 'invalid_grant: invalid code verifier' });
    const reused = await a.complete(codeForA).catch((e: unknown) => e); // codes are single-use
    expect(reused).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((reused as { details: string }).details).toContain('invalid_grant');
    const c = beginDropboxCodeSignIn({ ...config(), secrets });
    await expect(c.complete(await copySignInCode(c.url))).resolves.toMatchObject({
      accountId: emu.oauth.account.accountId,
    });
    await expect(c.complete('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('tokens', () => {
  it('refreshes shortly before expiry, one refresh for many parallel callers', async () => {
    const { refreshToken, accessToken } = emu.issueToken();
    const soon = new DropboxTokenProvider({
      ...config(),
      refreshToken,
      accessToken,
      expiresAt: Date.now() + 4 * 60_000,
    });
    const before = emu.oauth.stats.refreshGrants;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => soon.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(accessToken);
    expect(soon.refreshes).toBe(1);
    expect(emu.oauth.stats.refreshGrants - before).toBe(1);
    const fresh = new DropboxTokenProvider({
      ...config(),
      refreshToken,
      accessToken,
      expiresAt: Date.now() + 3600_000,
    });
    expect(await fresh.accessToken()).toBe(accessToken);
    expect(fresh.refreshes).toBe(0);
  });

  it('a revoked grant is AUTH_REQUIRED "Sign in to Dropbox again", for the provider and the backend', async () => {
    const secrets = new MemorySecretStore();
    const result = await signInToDropbox({ ...config(), secrets, openUrl: browser, ports: [port] });
    const backend = emulatorBackend(emu, 'dropbox:/Apps/Lifeboat/revoked', { tokens: result.tokens });
    await backend.write('keys', 'a'.repeat(64), Buffer.from('key'));
    emu.oauth.revokeRefreshToken(
      (await secrets.get(secretAccounts.refreshToken('dropbox', result.accountId)))!,
    );
    await expect(backend.list('keys')).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      message: 'Sign in to Dropbox again.',
    });
    await expect(result.tokens.accessToken({ forceRefresh: true })).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      details: 'invalid_grant: refresh token is invalid or revoked',
    });
    await expect(
      DropboxTokenProvider.fromSecretStore(new MemorySecretStore(), 'dbid:nobody'),
    ).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
    });
  });

  it('importRefreshToken checks the token, finds the account and stores it (servers)', async () => {
    const secrets = new MemorySecretStore();
    const { refreshToken } = emu.issueToken();
    const result = await importRefreshToken(` ${refreshToken} `, { ...config(), secrets });
    expect(result.accountId).toBe(emu.oauth.account.accountId);
    expect(await secrets.get(secretAccounts.refreshToken('dropbox', result.accountId))).toBe(refreshToken);
    await expect(
      importRefreshToken('not-a-token', { ...config(), secrets: new MemorySecretStore() }),
    ).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
    });
  });

  it('sign-out revokes the grant and forgets the token', async () => {
    const secrets = new MemorySecretStore();
    const { refreshToken } = emu.issueToken();
    const { accountId } = await importRefreshToken(refreshToken, { ...config(), secrets });
    await signOutOfDropbox(accountId, { ...config(), secrets });
    expect(await secrets.get(secretAccounts.refreshToken('dropbox', accountId))).toBeUndefined();
  });
});

describe('configuration', () => {
  it('app key and endpoints come from options or the environment; plain http only to this computer', () => {
    expect(dropboxAppKey({ env: { LIFEBOAT_DROPBOX_APP_KEY: 'abc123' } })).toBe('abc123');
    expect(dropboxAppKey({ appKey: 'opt', env: { LIFEBOAT_DROPBOX_APP_KEY: 'env' } })).toBe('opt');
    expect(() => dropboxAppKey({ env: {} })).toThrow(/No Dropbox app key/);
    expect(dropboxEndpoints({}, {})).toEqual({
      apiUrl: 'https://api.dropboxapi.com',
      contentUrl: 'https://content.dropboxapi.com',
      authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    });
    expect(dropboxEndpoints({}, emu.env())).toEqual({
      apiUrl: `${emu.url}/api`,
      contentUrl: `${emu.url}/content`,
      authorizeUrl: `${emu.url}/oauth2/authorize`,
      tokenUrl: `${emu.url}/oauth2/token`,
    });
    expect(() => dropboxEndpoints({ apiUrl: 'http://gateway.example.com' }, {})).toThrow(/https/);
  });
});
