/**
 * Dropbox sign-in: OAuth 2 code flow with PKCE (S256) and token_access_type=offline, so Dropbox
 * returns a refresh token and the app ships no secret. Two ways to bring the code back:
 *   - loopback: the browser is redirected to http://127.0.0.1:<registered port>/dropbox/callback
 *     (see dropbox-loopback.ts for what must be registered in the App Console and why);
 *   - pasted code: no redirect_uri, Dropbox shows the code and the user pastes it (the CLI on a
 *     server without a browser).
 * The refresh token is stored in the SecretStore under secretAccounts.refreshToken('dropbox', id),
 * id being the account_id from users/get_current_account. Nothing else is persisted here.
 */
import { Dropbox, DropboxResponseError } from 'dropbox';
import { LifeboatError } from '../../shared/errors.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import { withRetry } from '../storage/retry.ts';
import { createDropboxFetch, dropboxEndpoints } from '../storage/dropbox/endpoints.ts';
import { classifyDropboxError, toLifeboatError } from '../storage/dropbox/errors.ts';
import { dropboxLoopbackPorts, startDropboxLoopback } from './dropbox-loopback.ts';
import { createDropboxAuth, dropboxAppKey, DropboxTokenProvider, oauthError } from './dropbox-token-provider.ts';
import type { DropboxAuthConfig } from './dropbox-token-provider.ts';
import { createPkcePair, randomState } from './pkce.ts';

export { DropboxTokenProvider, dropboxAppKey } from './dropbox-token-provider.ts';
export type { DropboxAuthConfig, DropboxTokenProviderOptions } from './dropbox-token-provider.ts';

export interface DropboxAccount {
  accountId: string;
  email: string | undefined;
  displayName: string | undefined;
}

export interface DropboxSignIn extends DropboxAccount {
  /** Ready to use: holds the fresh access token and the refresh token. */
  tokens: DropboxTokenProvider;
}

export interface DropboxSignInOptions extends DropboxAuthConfig {
  secrets: SecretStore;
  /** Scopes to ask for; default: whatever the app is configured with. */
  scopes?: string[];
  signal?: AbortSignal;
}

export interface LoopbackSignInOptions extends DropboxSignInOptions {
  /** Opens the URL in the user's browser (Electron shell.openExternal, `open`, or a test). */
  openUrl: (url: string) => void | Promise<void>;
  /** Loopback ports registered for the app, tried in order (default dropboxLoopbackPorts). */
  ports?: readonly number[];
  timeoutMs?: number;
}

/** Builds the authorization URL (the SDK's getAuthenticationUrl does not URL-encode its values). */
export function dropboxAuthorizeUrl(
  config: DropboxAuthConfig,
  p: { challenge: string; state: string; redirectUri?: string; scopes?: string[] },
): string {
  const url = new URL(dropboxEndpoints(config.endpoints, config.env).authorizeUrl);
  url.searchParams.set('client_id', dropboxAppKey(config));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('token_access_type', 'offline');
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', p.state);
  if (p.redirectUri) url.searchParams.set('redirect_uri', p.redirectUri);
  if (p.scopes?.length) url.searchParams.set('scope', p.scopes.join(' '));
  return url.href;
}

/** Sign-in through the browser with a loopback redirect. */
export async function signInToDropbox(options: LoopbackSignInOptions): Promise<DropboxSignIn> {
  const pkce = createPkcePair();
  const state = randomState();
  const loopback = await startDropboxLoopback({
    ports: options.ports ?? dropboxLoopbackPorts,
    state,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  try {
    const url = dropboxAuthorizeUrl(options, {
      challenge: pkce.challenge,
      state,
      redirectUri: loopback.redirectUri,
      ...(options.scopes ? { scopes: options.scopes } : {}),
    });
    await options.openUrl(url);
    const code = await loopback.code;
    return await exchangeCode(options, code, pkce.verifier, loopback.redirectUri);
  } finally {
    await loopback.close();
  }
}

export interface PastedCodeSignIn {
  /** Show this to the user: open it anywhere, approve, copy the code Dropbox shows. */
  url: string;
  complete(code: string): Promise<DropboxSignIn>;
}

/** Sign-in without a redirect: the user pastes the code Dropbox displays. */
export function beginDropboxCodeSignIn(options: DropboxSignInOptions): PastedCodeSignIn {
  const pkce = createPkcePair();
  const url = dropboxAuthorizeUrl(options, {
    challenge: pkce.challenge,
    state: randomState(),
    ...(options.scopes ? { scopes: options.scopes } : {}),
  });
  return { url, complete: (code) => exchangeCode(options, code.trim(), pkce.verifier, undefined) };
}

/** For servers: a refresh token obtained elsewhere is checked, its account looked up, and stored. */
export async function importRefreshToken(refreshToken: string, options: DropboxSignInOptions): Promise<DropboxSignIn> {
  const tokens = new DropboxTokenProvider({ ...options, refreshToken: refreshToken.trim() });
  const accessToken = await tokens.accessToken(options.signal ? { signal: options.signal } : {});
  return store(options, tokens, refreshToken.trim(), await currentAccount(options, accessToken));
}

/** Forgets an account: revokes its token at Dropbox (best effort) and deletes the refresh token. */
export async function signOutOfDropbox(accountId: string, options: DropboxSignInOptions): Promise<void> {
  const account = secretAccounts.refreshToken('dropbox', accountId);
  const refreshToken = await options.secrets.get(account);
  if (refreshToken) {
    try {
      const tokens = new DropboxTokenProvider({ ...options, refreshToken, retry: { retries: 1 } });
      const sdk = sdkFor(options, await tokens.accessToken());
      await sdk.authTokenRevoke(); // revokes the whole grant, refresh token included
    } catch {
      // already revoked, or offline: forgetting it locally is what matters
    }
  }
  await options.secrets.delete(account);
}

async function exchangeCode(
  options: DropboxSignInOptions,
  code: string,
  verifier: string,
  redirectUri: string | undefined,
): Promise<DropboxSignIn> {
  if (!code || /\s/.test(code)) {
    throw new LifeboatError('INVALID_ARGUMENT', 'That does not look like a Dropbox authorization code.', {
      hint: 'Copy the whole code Dropbox shows after you allow access.',
    });
  }
  const auth = createDropboxAuth(options);
  auth.setCodeVerifier(verifier);
  let result: { access_token?: string; refresh_token?: string; expires_in?: number; account_id?: string };
  try {
    // The SDK puts the values into the query string as they are: encode them ourselves.
    const res = await auth.getAccessTokenFromCode(
      redirectUri ? encodeURIComponent(redirectUri) : '',
      encodeURIComponent(code),
    );
    result = res.result as typeof result;
  } catch (err) {
    const oauth = oauthError(err);
    if (oauth) {
      throw new LifeboatError('AUTH_REQUIRED', 'Dropbox did not accept the sign-in.', {
        hint: 'Start the sign-in again (a code can be used once and only for a few minutes).',
        details: `${oauth.error}: ${oauth.description}`,
      });
    }
    throw toLifeboatError(err, 'the Dropbox sign-in', options.signal);
  }
  if (!result.access_token || !result.refresh_token) {
    throw new LifeboatError('AUTH_REQUIRED', 'Dropbox did not grant offline access.', {
      details: 'the token response has no refresh_token (token_access_type=offline was not honoured)',
    });
  }
  const expiresAt = Date.now() + (result.expires_in ?? 14_400) * 1000;
  const tokens = new DropboxTokenProvider({
    ...options,
    refreshToken: result.refresh_token,
    accessToken: result.access_token,
    expiresAt,
  });
  const account = await currentAccount(options, result.access_token);
  if (result.account_id && result.account_id !== account.accountId) {
    throw new LifeboatError('INTERNAL', 'Dropbox reported two different accounts for one sign-in.');
  }
  return store(options, tokens, result.refresh_token, account);
}

async function store(
  options: DropboxSignInOptions,
  tokens: DropboxTokenProvider,
  refreshToken: string,
  account: DropboxAccount,
): Promise<DropboxSignIn> {
  await options.secrets.set(secretAccounts.refreshToken('dropbox', account.accountId), refreshToken);
  return { ...account, tokens };
}

function sdkFor(options: DropboxAuthConfig, accessToken: string): Dropbox {
  const endpoints = dropboxEndpoints(options.endpoints, options.env);
  return new Dropbox({ accessToken, fetch: createDropboxFetch(endpoints, options.fetch ?? globalThis.fetch) });
}

async function currentAccount(options: DropboxSignInOptions, accessToken: string): Promise<DropboxAccount> {
  const sdk = sdkFor(options, accessToken);
  try {
    const res = await withRetry(() => sdk.usersGetCurrentAccount(), {
      ...options.retry,
      ...(options.signal ? { signal: options.signal } : {}),
      classify: classifyDropboxError,
    });
    const a = res.result;
    return { accountId: a.account_id, email: a.email, displayName: a.name?.display_name };
  } catch (err) {
    if (err instanceof DropboxResponseError && err.status === 401) {
      throw new LifeboatError('AUTH_REQUIRED', 'Sign in to Dropbox again.', { details: 'users/get_current_account: 401' });
    }
    throw toLifeboatError(err, 'the Dropbox account', options.signal);
  }
}
