/**
 * Google sign-in end to end against the emulator's OAuth endpoints, with the test playing the
 * browser: the authorization URL is fetched, its redirect followed to our loopback server; the
 * refresh token lands in the SecretStore; access tokens are cached, refreshed and, once the grant
 * is revoked, turn into AUTH_REQUIRED. The emulator rejects a wrong PKCE verifier.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOAuthClient,
  googleOAuthConfig,
  oauthFailure,
} from '../../../src/engine/auth/google-oauth-config.ts';
import {
  GoogleTokenProvider,
  importGoogleRefreshToken,
  signInWithGoogle,
  signOutOfGoogle,
} from '../../../src/engine/auth/google-oauth.ts';
import type { GoogleSignInOptions } from '../../../src/engine/auth/google-oauth.ts';
import { createPkcePair, pkceChallenge } from '../../../src/engine/auth/pkce.ts';
import { MemorySecretStore, secretAccounts } from '../../../src/engine/secrets/secret-store.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import { backendFor, startEmulator } from '../../emulators/gdrive/fixtures.ts';
import type { DriveEmulator } from '../../emulators/gdrive/fixtures.ts';

let emu: DriveEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

function client(): Pick<GoogleSignInOptions, 'clientId' | 'clientSecret' | 'oauthBaseUrl' | 'driveRootUrl'> {
  return {
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    oauthBaseUrl: emu.url,
    driveRootUrl: emu.url,
  };
}

/** The browser: open the authorization URL, follow Google's redirect to the loopback server. */
async function browse(
  url: string,
  tamper?: (callback: URL) => void,
): Promise<{ status: number; page: string; callback: URL }> {
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  tamper?.(callback);
  const res = await fetch(callback);
  return { status: res.status, page: await res.text(), callback };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<LifeboatError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LifeboatError);
  expect((err as LifeboatError).code).toBe(code);
  return err as LifeboatError;
}

describe('signInWithGoogle', () => {
  it('runs the loopback + PKCE flow and files the refresh token under the account', async () => {
    const secrets = new MemorySecretStore();
    let opened = '';
    let page = '';
    const result = await signInWithGoogle({
      ...client(),
      secrets,
      openUrl: async (url) => {
        opened = url;
        const visit = await browse(url);
        expect(visit.status).toBe(200);
        page = visit.page;
      },
    });
    const auth = new URL(opened);
    expect(auth.origin + auth.pathname).toBe(new URL('o/oauth2/v2/auth', emu.url).toString());
    const p = auth.searchParams;
    expect(p.get('client_id')).toBe(emu.clientId);
    expect(p.get('response_type')).toBe('code');
    expect(p.get('scope')).toBe('https://www.googleapis.com/auth/drive.file');
    expect(p.get('access_type')).toBe('offline');
    expect(p.get('prompt')).toBe('consent');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(p.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(page).toContain('You can close this tab');
    expect(page).toContain('Можно закрыть эту вкладку');

    expect(result.accountId).toBe('owner@example.com');
    expect(result.email).toBe('owner@example.com');
    expect(result.displayName).toBe('Shop Owner');
    expect(result.secretAccount).toBe(secretAccounts.refreshToken('gdrive', 'owner@example.com'));
    const stored = await secrets.get(result.secretAccount);
    expect(stored && emu.oauth.refreshTokens.has(stored)).toBe(true);
    expect(emu.oauth.counts.codeExchanges).toBe(1);

    // the tokens work for the backend; the loopback server is gone
    const b = backendFor(emu, 'signed-in/repo', { tokens: result.tokens });
    await b.create();
    expect(await b.list('keys')).toEqual([]);
    await expect(fetch(p.get('redirect_uri')!)).rejects.toThrow();

    // a second sign-in (prompt=consent) yields a refresh token again
    const again = await signInWithGoogle({
      ...client(),
      secrets,
      openUrl: async (url) => void (await browse(url)),
    });
    expect(await secrets.get(again.secretAccount)).not.toBe(stored);
  });

  it('ignores a callback with a wrong state (a forged or stale link) and finishes with the right one', async () => {
    const secrets = new MemorySecretStore();
    const result = await signInWithGoogle({
      ...client(),
      secrets,
      openUrl: async (url) => {
        const forged = await browse(url, (cb) => cb.searchParams.set('state', 'forged'));
        expect(forged.status).toBe(400);
        expect(forged.page).toContain('not valid');
        const real = await fetch(
          new URL(
            forged.callback
              .toString()
              .replace(
                /state=forged/,
                `state=${encodeURIComponent(new URL(url).searchParams.get('state')!)}`,
              ),
          ),
        );
        expect(real.status).toBe(200);
      },
    });
    expect(result.accountId).toBe('owner@example.com');
  });

  it('a refusal in the browser is CANCELLED; no answer is a timeout; an abort is CANCELLED', async () => {
    const secrets = new MemorySecretStore();
    emu.oauth.denyNext = true;
    let deniedPage = '';
    await expectCode(
      signInWithGoogle({
        ...client(),
        secrets,
        openUrl: async (url) => void (deniedPage = (await browse(url)).page),
      }),
      'CANCELLED',
    );
    expect(deniedPage).toContain('cancelled');
    const timeout = await expectCode(
      signInWithGoogle({ ...client(), secrets, timeoutMs: 100, openUrl: () => undefined }),
      'AUTH_REQUIRED',
    );
    expect(timeout.message).toMatch(/timed out/);
    const ac = new AbortController();
    await expectCode(
      signInWithGoogle({ ...client(), secrets, signal: ac.signal, openUrl: () => ac.abort() }),
      'CANCELLED',
    );
    expect(await secrets.get(secretAccounts.refreshToken('gdrive', 'owner@example.com'))).toBeUndefined();
  });

  it('is not configured without a client id and secret', () => {
    expect(() => googleOAuthConfig({}, {})).toThrow(LifeboatError);
    const c = googleOAuthConfig({}, { LIFEBOAT_GOOGLE_CLIENT_ID: 'id', LIFEBOAT_GOOGLE_CLIENT_SECRET: 's' });
    expect(c.authorizationUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(c.tokenUrl).toBe('https://oauth2.googleapis.com/token');
    const e = googleOAuthConfig(
      {},
      {
        LIFEBOAT_GOOGLE_CLIENT_ID: 'id',
        LIFEBOAT_GOOGLE_CLIENT_SECRET: 's',
        LIFEBOAT_GOOGLE_OAUTH_URL: 'http://127.0.0.1:9/base',
      },
    );
    expect([e.authorizationUrl, e.tokenUrl, e.revocationUrl]).toEqual([
      'http://127.0.0.1:9/base/o/oauth2/v2/auth',
      'http://127.0.0.1:9/base/token',
      'http://127.0.0.1:9/base/revoke',
    ]);
  });
});

describe('PKCE', () => {
  it('creates S256 pairs within RFC 7636’s alphabet and length', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.method).toBe('S256');
    expect(a.verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'));
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    ); // RFC 7636 appendix B
    expect(a.verifier).not.toBe(b.verifier);
  });

  it('the emulator rejects a wrong verifier (and the code is burned)', async () => {
    const pkce = createPkcePair();
    const redirect = 'http://127.0.0.1:1/';
    const auth = new URL('o/oauth2/v2/auth', emu.url);
    for (const [k, v] of Object.entries({
      client_id: emu.clientId,
      redirect_uri: redirect,
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/drive.file',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      state: 's',
    }))
      auth.searchParams.set(k, v);
    const code = new URL(
      (await fetch(auth, { redirect: 'manual' })).headers.get('location')!,
    ).searchParams.get('code')!;
    const config = googleOAuthConfig({
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
      oauthBaseUrl: emu.url,
    });
    const oauth = createOAuthClient(config, redirect);
    const wrong = createPkcePair().verifier;
    const err = await oauth
      .getToken({ code, codeVerifier: wrong, redirect_uri: redirect })
      .catch((e: unknown) => e);
    const typed = oauthFailure(err, 'exchange');
    expect(typed.code).toBe('AUTH_REQUIRED');
    expect(typed.details).toContain('invalid_grant');
    expect(typed.details).toContain('Invalid code verifier');
    expect(emu.oauth.counts.rejectedVerifiers).toBe(1);
    // the right verifier is too late now: the code was burned by the failed attempt
    const late = await oauth
      .getToken({ code, codeVerifier: pkce.verifier, redirect_uri: redirect })
      .catch((e: unknown) => e);
    expect(oauthFailure(late, 'exchange').details).toContain('invalid_grant');
  });

  it('the emulator wants the Desktop client’s secret even with PKCE, and offline access for a refresh token', async () => {
    const res = await fetch(new URL('token', emu.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: emu.clientId,
        code_verifier: 'v',
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'client_secret is missing.',
    });
    // without prompt=consent, a client already granted gets no new refresh token
    const pkce = createPkcePair();
    const auth = new URL('o/oauth2/v2/auth', emu.url);
    const params = {
      client_id: emu.clientId,
      redirect_uri: 'http://127.0.0.1:2/',
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/drive.file',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
    };
    for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
    const code = new URL(
      (await fetch(auth, { redirect: 'manual' })).headers.get('location')!,
    ).searchParams.get('code')!;
    const tokens = (await (
      await fetch(new URL('token', emu.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          client_id: emu.clientId,
          client_secret: emu.clientSecret,
          code_verifier: pkce.verifier,
          redirect_uri: params.redirect_uri,
        }),
      })
    ).json()) as Record<string, unknown>;
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
  });
});

describe('GoogleTokenProvider', () => {
  const provider = (refreshToken: string, now?: () => number) =>
    new GoogleTokenProvider({
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
      oauthBaseUrl: emu.url,
      refreshToken,
      ...(now ? { now } : {}),
    });

  it('caches the access token until a minute before expiry, shares refreshes, forces on request', async () => {
    let clock = Date.now();
    const p = provider(emu.oauth.issueRefreshToken(), () => clock);
    const [a, b, c] = await Promise.all([p.accessToken(), p.accessToken(), p.accessToken()]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(p.refreshes).toBe(1);
    expect(await p.accessToken()).toBe(a);
    clock += 3600_000 - 61_000; // still more than a minute left
    expect(await p.accessToken()).toBe(a);
    clock += 2_000; // less than a minute left
    const fresh = await p.accessToken();
    expect(fresh).not.toBe(a);
    expect(p.refreshes).toBe(2);
    expect(await p.accessToken({ forceRefresh: true })).not.toBe(fresh);
    expect(p.refreshes).toBe(3);
  });

  it('a revoked grant is AUTH_REQUIRED "Sign in to Google Drive again", also through the backend', async () => {
    const secrets = new MemorySecretStore();
    const result = await signInWithGoogle({
      ...client(),
      secrets,
      openUrl: async (url) => void (await browse(url)),
    });
    const fromStore = await GoogleTokenProvider.fromSecretStore(secrets, result.accountId, client());
    const b = backendFor(emu, 'revoked/repo', { tokens: fromStore });
    await b.create();
    emu.oauth.revoke((await secrets.get(result.secretAccount))!);
    const direct = await expectCode(fromStore.accessToken({ forceRefresh: true }), 'AUTH_REQUIRED');
    expect(direct.hint).toBe('Sign in to Google Drive again.');
    const viaBackend = await expectCode(b.list('keys'), 'AUTH_REQUIRED');
    expect(viaBackend.hint).toBe('Sign in to Google Drive again.');
    await expectCode(
      GoogleTokenProvider.fromSecretStore(secrets, 'nobody@example.com', client()),
      'AUTH_REQUIRED',
    );
  });

  it('a 401 from Drive makes the backend ask for a new token once', async () => {
    const p = provider(emu.oauth.issueRefreshToken());
    const b = backendFor(emu, 'expired/repo', { tokens: p });
    await b.create();
    emu.oauth.expireAccessTokens();
    expect(await b.list('index')).toEqual([]);
    expect(b.driveStats().forcedRefreshes).toBe(1);
  });
});

describe('importGoogleRefreshToken and signOutOfGoogle', () => {
  it('imports a working refresh token (servers), refuses a bad one, and signs out with revocation', async () => {
    const secrets = new MemorySecretStore();
    const rt = emu.oauth.issueRefreshToken();
    const imported = await importGoogleRefreshToken({ ...client(), secrets, refreshToken: `${rt}\n` });
    expect(imported.accountId).toBe('owner@example.com');
    expect(await secrets.get(imported.secretAccount)).toBe(rt);
    await expectCode(
      importGoogleRefreshToken({ ...client(), secrets, refreshToken: '1//not-a-token' }),
      'AUTH_REQUIRED',
    );
    await expectCode(
      importGoogleRefreshToken({ ...client(), secrets, refreshToken: '  ' }),
      'INVALID_ARGUMENT',
    );
    await signOutOfGoogle({ ...client(), secrets, accountId: imported.accountId });
    expect(await secrets.get(imported.secretAccount)).toBeUndefined();
    expect(emu.oauth.refreshTokens.get(rt)!.revoked).toBe(true);
  });
});
