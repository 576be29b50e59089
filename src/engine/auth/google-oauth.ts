/**
 * Google sign-in for an installed app: the loopback flow with PKCE (RFC 8252, RFC 7636), as Google
 * documents for Desktop clients (the copy/paste OOB flow is gone since 2023):
 * 1. a one-shot server on 127.0.0.1 (random port) is the redirect URI;
 * 2. the authorization URL (drive.file scope, access_type=offline, prompt=consent so a refresh
 *    token comes back even on a second sign-in, S256 challenge, random state) is handed to
 *    `openUrl` — Electron's shell.openExternal, or printed by the CLI/headless host;
 * 3. the browser comes back with `code` and `state`; the page says "You can close this tab";
 * 4. code + verifier (+ the Desktop client's non-confidential secret) are exchanged at the token
 *    endpoint; the account is identified with Drive's about.get (user email);
 * 5. the refresh token goes into the SecretStore under secretAccounts.refreshToken('gdrive', email).
 * Servers without a browser import a refresh token instead (`importGoogleRefreshToken`).
 */
import { CodeChallengeMethod } from 'google-auth-library';
import { LifeboatError } from '../../shared/errors.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { RequestCounter } from '../storage/backend.ts';
import { DriveApi } from '../storage/gdrive/drive-api.ts';
import { driveRootUrlFromEnv } from '../storage/gdrive/gdrive-backend.ts';
import { StaticTokenProvider } from './token-provider.ts';
import type { TokenProvider } from './token-provider.ts';
import {
  createOAuthClient,
  googleDriveFileScope,
  googleOAuthConfig,
  oauthFailure,
} from './google-oauth-config.ts';
import type { GoogleClientOptions, GoogleOAuthConfig } from './google-oauth-config.ts';
import { GoogleTokenProvider } from './google-token-provider.ts';
import { startLoopbackServer } from './loopback-server.ts';
import { createPkcePair, randomState } from './pkce.ts';

export { GoogleTokenProvider } from './google-token-provider.ts';
export type { GoogleTokenProviderOptions } from './google-token-provider.ts';
export { googleDriveFileScope, googleOAuthConfig } from './google-oauth-config.ts';
export type { GoogleClientOptions, GoogleOAuthConfig } from './google-oauth-config.ts';

export interface GoogleSignInOptions extends GoogleClientOptions {
  secrets: SecretStore;
  /** Opens the authorization URL in the user's browser (or prints it). */
  openUrl: (url: string) => void | Promise<void>;
  /** Root of the Drive API for the account lookup; default LIFEBOAT_GDRIVE_URL, else Google's. */
  driveRootUrl?: string;
  signal?: AbortSignal;
  /** How long to wait for the browser (default 5 minutes). */
  timeoutMs?: number;
  /** Pre-selects an account in Google's chooser. */
  loginHint?: string;
}

export interface GoogleAccount {
  /** Stable key of the account in Lifeboat's settings: the Google account's email. */
  accountId: string;
  email?: string;
  displayName?: string;
  /** Where the refresh token is filed in the SecretStore. */
  secretAccount: string;
}

export interface GoogleSignInResult extends GoogleAccount {
  /** Ready to hand to GoogleDriveBackend. */
  tokens: GoogleTokenProvider;
}

export async function signInWithGoogle(options: GoogleSignInOptions): Promise<GoogleSignInResult> {
  const config = googleOAuthConfig(options);
  const pkce = createPkcePair();
  const state = randomState();
  const server = await startLoopbackServer();
  try {
    const client = createOAuthClient(config, server.redirectUri);
    const url = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [googleDriveFileScope],
      state,
      code_challenge: pkce.challenge,
      code_challenge_method: CodeChallengeMethod.S256,
      redirect_uri: server.redirectUri,
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    });
    const waiting = server.waitForCallback({
      state,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    // the browser may answer (or the user cancel) while openUrl is still running
    waiting.catch(() => undefined);
    try {
      await options.openUrl(url);
    } catch (err) {
      await server.close();
      throw new LifeboatError('INTERNAL', 'Cannot open the browser for Google sign-in.', {
        details: err instanceof Error ? err.message : String(err),
      });
    }
    const params = await waiting;
    let tokens;
    try {
      ({ tokens } = await client.getToken({
        code: params.get('code')!,
        codeVerifier: pkce.verifier,
        redirect_uri: server.redirectUri,
      }));
    } catch (err) {
      throw oauthFailure(err, 'exchange the authorization code');
    }
    if (!tokens.access_token)
      throw new LifeboatError('AUTH_REQUIRED', 'Google did not issue an access token.');
    if (!tokens.refresh_token) {
      throw new LifeboatError('AUTH_REQUIRED', 'Google did not grant offline access.', {
        hint: 'Sign in again and allow Lifeboat to access the files it creates in Google Drive.',
      });
    }
    const granted = (tokens.scope ?? '').split(' ');
    if (
      tokens.scope &&
      !granted.includes(googleDriveFileScope) &&
      !granted.includes('https://www.googleapis.com/auth/drive')
    ) {
      throw new LifeboatError('AUTH_REQUIRED', 'Google Drive access was not granted.', {
        hint: 'Sign in again and tick the box that lets Lifeboat see the files it creates in Google Drive.',
      });
    }
    return await finishSignIn(
      options,
      config,
      tokens.refresh_token,
      tokens.access_token,
      tokens.expiry_date ?? undefined,
    );
  } finally {
    await server.close();
  }
}

export interface ImportRefreshTokenOptions extends GoogleClientOptions {
  refreshToken: string;
  secrets: SecretStore;
  driveRootUrl?: string;
}

/**
 * For servers (`--refresh-token-stdin`): checks a refresh token obtained elsewhere by getting an
 * access token with it, identifies the account, and files it in the SecretStore.
 */
export async function importGoogleRefreshToken(
  options: ImportRefreshTokenOptions,
): Promise<GoogleSignInResult> {
  const refreshToken = options.refreshToken.trim();
  if (!refreshToken) throw new LifeboatError('INVALID_ARGUMENT', 'The refresh token is empty.');
  const config = googleOAuthConfig(options);
  const probe = new GoogleTokenProvider({ config, refreshToken });
  const accessToken = await probe.accessToken();
  return finishSignIn(options, config, refreshToken, accessToken, undefined);
}

/** Forgets an account: revokes the grant at Google (best effort) and deletes the stored token. */
export async function signOutOfGoogle(
  options: GoogleClientOptions & { secrets: SecretStore; accountId: string; revoke?: boolean },
): Promise<void> {
  const account = secretAccounts.refreshToken('gdrive', options.accountId);
  const refreshToken = await options.secrets.get(account);
  if (refreshToken && options.revoke !== false) {
    const client = createOAuthClient(googleOAuthConfig(options));
    await client.revokeToken(refreshToken).catch(() => undefined);
  }
  await options.secrets.delete(account);
}

async function finishSignIn(
  options: { secrets: SecretStore; driveRootUrl?: string; signal?: AbortSignal },
  config: GoogleOAuthConfig,
  refreshToken: string,
  accessToken: string,
  expiresAt: number | undefined,
): Promise<GoogleSignInResult> {
  const user = await driveUser(
    options.driveRootUrl ?? driveRootUrlFromEnv(),
    new StaticTokenProvider(accessToken),
    options.signal,
  );
  const accountId = user.emailAddress ?? user.permissionId;
  if (!accountId) throw new LifeboatError('AUTH_REQUIRED', 'Google did not say which account signed in.');
  const secretAccount = secretAccounts.refreshToken('gdrive', accountId);
  await options.secrets.set(secretAccount, refreshToken);
  const tokens = new GoogleTokenProvider({
    config,
    refreshToken,
    accessToken,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    onRefreshToken: (rotated) => options.secrets.set(secretAccount, rotated),
  });
  return {
    accountId,
    ...(user.emailAddress ? { email: user.emailAddress } : {}),
    ...(user.displayName ? { displayName: user.displayName } : {}),
    secretAccount,
    tokens,
  };
}

async function driveUser(
  rootUrl: string,
  tokens: TokenProvider,
  signal: AbortSignal | undefined,
): Promise<{ emailAddress?: string; displayName?: string; permissionId?: string }> {
  const api = new DriveApi({
    rootUrl,
    tokens,
    counter: new RequestCounter(),
    retry: { retries: 3 },
    ...(signal ? { signal } : {}),
  });
  return api.about();
}
