/**
 * Access tokens for Dropbox from a stored refresh token (offline access, PKCE app: no secret).
 * Refreshes through the SDK's DropboxAuth five minutes before expiry, one refresh at a time (the SDK
 * itself would start one per parallel request); transient failures are retried; a revoked or expired
 * grant (`invalid_grant`) becomes AUTH_REQUIRED "Sign in to Dropbox again".
 */
import { DropboxAuth, DropboxResponseError } from 'dropbox';
import { LifeboatError } from '../../shared/errors.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import { withRetry } from '../storage/retry.ts';
import type { RetryOptions } from '../storage/retry.ts';
import { createDropboxFetch, dropboxEndpoints, dropboxEnv } from '../storage/dropbox/endpoints.ts';
import type { DropboxEndpointOverrides, FetchLike } from '../storage/dropbox/endpoints.ts';
import { classifyDropboxError, signInAgainError, toLifeboatError } from '../storage/dropbox/errors.ts';
import type { TokenProvider } from './token-provider.ts';
import { bundledClients } from './bundled-clients.ts';

export interface DropboxAuthConfig {
  /** The app key (client id). Default: env LIFEBOAT_DROPBOX_APP_KEY. PKCE: there is no secret. */
  appKey?: string;
  endpoints?: DropboxEndpointOverrides;
  env?: NodeJS.ProcessEnv;
  fetch?: FetchLike;
  retry?: Pick<RetryOptions, 'retries' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>;
}

export function dropboxAppKey(config: DropboxAuthConfig = {}): string {
  const key = config.appKey ?? (config.env ?? process.env)[dropboxEnv.appKey] ?? bundledClients.dropboxAppKey;
  if (!key) {
    throw new LifeboatError('INVALID_ARGUMENT', 'No Dropbox app key is configured.', {
      hint: `Set ${dropboxEnv.appKey} (the app key from the Dropbox App Console).`,
    });
  }
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new LifeboatError('INVALID_ARGUMENT', 'The Dropbox app key is malformed.');
  return key;
}

/** A DropboxAuth (the SDK's token client) pointed at the configured endpoints. */
export function createDropboxAuth(config: DropboxAuthConfig, extra: { refreshToken?: string } = {}): DropboxAuth {
  const endpoints = dropboxEndpoints(config.endpoints, config.env);
  return new DropboxAuth({
    clientId: dropboxAppKey(config),
    fetch: createDropboxFetch(endpoints, config.fetch ?? globalThis.fetch),
    ...(extra.refreshToken ? { refreshToken: extra.refreshToken } : {}),
  });
}

/** The token endpoint's OAuth error (`invalid_grant`, `invalid_request`, …), if that is what failed. */
export function oauthError(err: unknown): { error: string; description: string } | undefined {
  if (!(err instanceof DropboxResponseError) || err.status !== 400) return undefined;
  const body: unknown = err.error;
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    const b = body as { error: string; error_description?: unknown };
    return { error: b.error, description: typeof b.error_description === 'string' ? b.error_description : '' };
  }
  return { error: 'invalid_request', description: typeof body === 'string' ? body : '' };
}

const refreshMarginMs = 5 * 60_000;

export interface DropboxTokenProviderOptions extends DropboxAuthConfig {
  refreshToken: string;
  /** A token already in hand (from sign-in), with its expiry in ms since the epoch. */
  accessToken?: string;
  expiresAt?: number;
  now?: () => number;
}

export class DropboxTokenProvider implements TokenProvider {
  readonly #config: DropboxTokenProviderOptions;
  readonly #auth: DropboxAuth;
  readonly #now: () => number;
  #token: string | undefined;
  #expiresAt = 0;
  #inFlight: Promise<string> | undefined;
  /** Refreshes done (for tests and request accounting). */
  refreshes = 0;

  constructor(options: DropboxTokenProviderOptions) {
    this.#config = options;
    this.#auth = createDropboxAuth(options, { refreshToken: options.refreshToken });
    this.#now = options.now ?? Date.now;
    this.#token = options.accessToken;
    this.#expiresAt = options.accessToken ? (options.expiresAt ?? 0) : 0;
  }

  /** The provider for an account signed in earlier; AUTH_REQUIRED if its refresh token is gone. */
  static async fromSecretStore(
    secrets: SecretStore,
    accountId: string,
    config: DropboxAuthConfig = {},
  ): Promise<DropboxTokenProvider> {
    const refreshToken = await secrets.get(secretAccounts.refreshToken('dropbox', accountId));
    if (!refreshToken) throw signInAgainError(`no refresh token stored for ${accountId} in ${secrets.kind}`);
    return new DropboxTokenProvider({ ...config, refreshToken });
  }

  /** A token valid for 5 more minutes; forceRefresh (after a 401) gets a new one. Parallel callers share one refresh. */
  async accessToken(options: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const now = this.#now();
    if (this.#inFlight) return this.#inFlight;
    if (!options.forceRefresh && this.#token && this.#expiresAt - now > refreshMarginMs) return this.#token;
    this.#inFlight = this.#refresh(options.signal).finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #refresh(signal: AbortSignal | undefined): Promise<string> {
    try {
      await withRetry(() => this.#auth.refreshAccessToken(), {
        ...this.#config.retry,
        ...(signal ? { signal } : {}),
        classify: (err) => (oauthError(err) ? { retry: false } : classifyDropboxError(err)),
      });
    } catch (err) {
      const oauth = oauthError(err);
      if (oauth) throw signInAgainError(`${oauth.error}: ${oauth.description}`);
      throw toLifeboatError(err, 'the Dropbox sign-in', signal);
    }
    const token = this.#auth.getAccessToken();
    const expires = this.#auth.getAccessTokenExpiresAt();
    if (!token) throw new LifeboatError('INTERNAL', 'Dropbox returned no access token.');
    this.#token = token;
    this.#expiresAt = expires instanceof Date ? expires.getTime() : this.#now() + 3600_000;
    this.refreshes++;
    return token;
  }
}
