/**
 * Google OAuth configuration for an installed (Desktop) app: client id and secret, the endpoints,
 * and an OAuth2Client (google-auth-library) with its own retries turned off.
 *
 * Desktop clients have a client secret that is not confidential (Google: "obviously not treated as
 * a secret"), and the token endpoint still requires it with PKCE ("client_secret is missing.").
 *
 * Endpoint override, LIFEBOAT_GOOGLE_OAUTH_URL = BASE (an emulator, a proxy):
 *   authorization  BASE/o/oauth2/v2/auth   (default https://accounts.google.com/o/oauth2/v2/auth)
 *   token          BASE/token              (default https://oauth2.googleapis.com/token)
 *   revocation     BASE/revoke             (default https://oauth2.googleapis.com/revoke)
 * i.e. the paths of the real endpoints kept, both hosts replaced by BASE.
 */
import { gaxios, OAuth2Client } from 'google-auth-library';
import { LifeboatError } from '../../shared/errors.ts';
import { bundledClients } from './bundled-clients.ts';
import { describeDriveError } from '../storage/gdrive/drive-errors.ts';

export const googleDriveFileScope = 'https://www.googleapis.com/auth/drive.file';

export const googleEndpoints = {
  authorization: 'https://accounts.google.com/o/oauth2/v2/auth',
  token: 'https://oauth2.googleapis.com/token',
  revocation: 'https://oauth2.googleapis.com/revoke',
} as const;

/**
 * The client Lifeboat ships with: baked in by release builds (bundled-clients.ts). Configuration
 * (options, then LIFEBOAT_GOOGLE_CLIENT_ID / LIFEBOAT_GOOGLE_CLIENT_SECRET) takes precedence.
 */
export const bundledGoogleClient: { clientId?: string; clientSecret?: string } = {
  ...(bundledClients.googleClientId ? { clientId: bundledClients.googleClientId } : {}),
  ...(bundledClients.googleClientSecret ? { clientSecret: bundledClients.googleClientSecret } : {}),
};

export interface GoogleClientOptions {
  clientId?: string;
  clientSecret?: string;
  /** Base URL replacing both Google OAuth hosts (see the mapping above); default LIFEBOAT_GOOGLE_OAUTH_URL. */
  oauthBaseUrl?: string;
}

export interface GoogleOAuthConfig {
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
}

export function googleOAuthConfig(
  options: GoogleClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): GoogleOAuthConfig {
  const clientId = options.clientId ?? env.LIFEBOAT_GOOGLE_CLIENT_ID ?? bundledGoogleClient.clientId;
  const clientSecret =
    options.clientSecret ?? env.LIFEBOAT_GOOGLE_CLIENT_SECRET ?? bundledGoogleClient.clientSecret;
  if (!clientId || !clientSecret) {
    throw new LifeboatError('INVALID_ARGUMENT', 'Google sign-in is not configured in this build.', {
      hint: 'Set LIFEBOAT_GOOGLE_CLIENT_ID and LIFEBOAT_GOOGLE_CLIENT_SECRET to a Google Cloud "Desktop app" OAuth client.',
    });
  }
  const base = options.oauthBaseUrl ?? env.LIFEBOAT_GOOGLE_OAUTH_URL;
  if (!base) {
    return {
      clientId,
      clientSecret,
      authorizationUrl: googleEndpoints.authorization,
      tokenUrl: googleEndpoints.token,
      revocationUrl: googleEndpoints.revocation,
    };
  }
  const root = base.endsWith('/') ? base : `${base}/`;
  return {
    clientId,
    clientSecret,
    authorizationUrl: new URL('o/oauth2/v2/auth', root).toString(),
    tokenUrl: new URL('token', root).toString(),
    revocationUrl: new URL('revoke', root).toString(),
  };
}

/**
 * An OAuth2Client on our endpoints. google-auth-library retries token requests itself (3 times,
 * POST included); that would multiply with the storage backend's retry loop, which already
 * retries a failed token refresh (as NETWORK), so its retries are switched off here.
 */
export function createOAuthClient(config: GoogleOAuthConfig, redirectUri?: string): OAuth2Client {
  const client = new OAuth2Client({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    ...(redirectUri ? { redirectUri } : {}),
    endpoints: {
      oauth2AuthBaseUrl: config.authorizationUrl,
      oauth2TokenUrl: config.tokenUrl,
      oauth2RevokeUrl: config.revocationUrl,
    },
    transporterOptions: { timeout: 30_000 },
  });
  client.transporter.interceptors.request.add({
    resolved: async (request: gaxios.GaxiosOptionsPrepared) =>
      Object.assign(request, { retry: false, retryConfig: { retry: 0 } }),
  });
  return client;
}

/** A token-endpoint failure as the typed error a user sees. */
export function oauthFailure(err: unknown, action: string): LifeboatError {
  if (err instanceof LifeboatError) return err;
  const f = describeDriveError(err);
  const details =
    `${action}: ${f?.status ? `HTTP ${f.status} ` : ''}${f?.reason ?? ''}${f?.message ? ` ${f.message}` : ''}`.trim();
  if (!f)
    return new LifeboatError('INTERNAL', `Google sign-in failed (${action}).`, {
      details: String(err),
      cause: err,
    });
  if (f.network || (f.status !== undefined && (f.status >= 500 || f.status === 429 || f.status === 408))) {
    return new LifeboatError('NETWORK', 'Cannot reach Google sign-in.', {
      hint: 'Check the internet connection and try again.',
      details,
      cause: err,
    });
  }
  if (f.reason === 'invalid_grant') {
    return new LifeboatError('AUTH_REQUIRED', 'Google Drive access has expired or was revoked.', {
      hint: 'Sign in to Google Drive again.',
      details,
      cause: err,
    });
  }
  if (f.reason === 'invalid_client' || f.reason === 'unauthorized_client') {
    return new LifeboatError('AUTH_REQUIRED', 'Google did not accept this app’s sign-in configuration.', {
      hint: 'Sign in to Google Drive again; if it keeps failing, update Lifeboat.',
      details,
      cause: err,
    });
  }
  return new LifeboatError('AUTH_REQUIRED', 'Google sign-in failed.', {
    hint: 'Try signing in again.',
    details,
    cause: err,
  });
}
