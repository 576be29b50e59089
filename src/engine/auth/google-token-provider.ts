/**
 * Access tokens for Google Drive from a stored refresh token. Tokens are cached until a minute
 * before they expire; concurrent callers share one refresh; `forceRefresh` (after a 401) gets a
 * new one. A revoked or expired grant (`invalid_grant`) is AUTH_REQUIRED ("Sign in to Google Drive
 * again"); an unreachable token endpoint is NETWORK (the backend's retry loop retries it).
 */
import type { OAuth2Client } from 'google-auth-library';
import { LifeboatError } from '../../shared/errors.ts';
import { secretAccounts } from '../secrets/secret-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { TokenProvider } from './token-provider.ts';
import { createOAuthClient, googleOAuthConfig, oauthFailure } from './google-oauth-config.ts';
import type { GoogleClientOptions, GoogleOAuthConfig } from './google-oauth-config.ts';

/** A token is used only while it has at least this long to live. */
export const tokenExpiryMarginMs = 60_000;

export interface GoogleTokenProviderOptions extends GoogleClientOptions {
  refreshToken: string;
  /** Resolved client and endpoints (instead of clientId/clientSecret/oauthBaseUrl and the environment). */
  config?: GoogleOAuthConfig;
  /** A token already in hand (e.g. from the sign-in exchange) and when it expires (ms since epoch). */
  accessToken?: string;
  expiresAt?: number;
  /** Google may hand out a new refresh token; it must replace the stored one. */
  onRefreshToken?: (refreshToken: string) => Promise<void> | void;
  /** For tests. */
  now?: () => number;
}

export class GoogleTokenProvider implements TokenProvider {
  readonly config: GoogleOAuthConfig;
  /** Refreshes done (for tests and diagnostics). */
  refreshes = 0;
  private readonly client: OAuth2Client;
  private refreshToken: string;
  private token: string | undefined;
  private expiresAt = 0;
  private inflight: Promise<string> | undefined;
  private readonly onRefreshToken: GoogleTokenProviderOptions['onRefreshToken'];
  private readonly now: () => number;

  constructor(options: GoogleTokenProviderOptions) {
    this.config = options.config ?? googleOAuthConfig(options);
    this.client = createOAuthClient(this.config);
    this.refreshToken = options.refreshToken;
    this.token = options.accessToken;
    this.expiresAt = options.expiresAt ?? 0;
    this.onRefreshToken = options.onRefreshToken;
    this.now = options.now ?? Date.now;
  }

  /** The provider for an account signed in earlier: its refresh token comes from the SecretStore. */
  static async fromSecretStore(
    secrets: SecretStore,
    accountId: string,
    options: GoogleClientOptions & { now?: () => number } = {},
  ): Promise<GoogleTokenProvider> {
    const account = secretAccounts.refreshToken('gdrive', accountId);
    const refreshToken = await secrets.get(account);
    if (!refreshToken) {
      throw new LifeboatError('AUTH_REQUIRED', `Lifeboat is not signed in to Google Drive as ${accountId}.`, {
        hint: 'Sign in to Google Drive again.',
      });
    }
    return new GoogleTokenProvider({
      ...options,
      refreshToken,
      onRefreshToken: (rotated) => secrets.set(account, rotated),
    });
  }

  async accessToken(options: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    options.signal?.throwIfAborted();
    if (!options.forceRefresh && this.token && this.expiresAt - tokenExpiryMarginMs > this.now())
      return this.token;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets the cached access token (e.g. after signing out). */
  clear(): void {
    this.token = undefined;
    this.expiresAt = 0;
  }

  private async refresh(): Promise<string> {
    this.client.setCredentials({ refresh_token: this.refreshToken });
    let rotated: string | undefined;
    const onTokens = (t: { refresh_token?: string | null }): void => {
      if (t.refresh_token && t.refresh_token !== this.refreshToken) rotated = t.refresh_token;
    };
    this.client.on('tokens', onTokens);
    try {
      const { credentials } = await this.client.refreshAccessToken();
      if (!credentials.access_token) {
        throw new LifeboatError('AUTH_REQUIRED', 'Google did not issue an access token.', {
          hint: 'Sign in to Google Drive again.',
        });
      }
      this.refreshes++;
      this.token = credentials.access_token;
      this.expiresAt = credentials.expiry_date ?? this.now() + 3600_000;
      if (rotated) {
        this.refreshToken = rotated;
        await this.onRefreshToken?.(rotated);
      }
      return this.token;
    } catch (err) {
      this.token = undefined;
      throw oauthFailure(err, 'refresh the access token');
    } finally {
      this.client.off('tokens', onTokens);
    }
  }
}
