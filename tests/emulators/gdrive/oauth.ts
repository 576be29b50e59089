/**
 * Google's OAuth 2.0 endpoints for installed apps, emulated strictly:
 * - GET  /o/oauth2/v2/auth  — validates client, loopback redirect_uri, scope, PKCE challenge; auto-approves
 *   with a 302 to `redirect_uri?state=…&code=…&scope=…` (or `error=access_denied` when told to deny).
 * - POST /token             — form-encoded; `authorization_code` (client_secret required even with PKCE,
 *   S256/plain verifier checked, redirect_uri must match, codes are single use) and `refresh_token`.
 *   Refresh tokens are issued only with access_type=offline, and a second time only with prompt=consent.
 * - POST /revoke            — revokes a refresh token (and its access tokens) or an access token.
 * Error bodies are Google's OAuth shape `{ "error": "invalid_grant", "error_description": "…" }`.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface AccessTokenInfo {
  clientId: string;
  scopes: string[];
  expiresAt: number;
  uses: number;
  refreshToken?: string;
  revoked: boolean;
}

interface RefreshTokenInfo {
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  method?: 'S256' | 'plain';
  offline: boolean;
  consent: boolean;
  expiresAt: number;
  used: boolean;
}

export interface OAuthResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

const knownScopes = new Set([
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/drive.appdata',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
  'openid',
  'email',
  'profile',
]);

const oauthError = (status: number, error: string, description: string): OAuthResponse => ({
  status,
  json: { error, error_description: description },
});

export class OAuthState {
  readonly clientId: string;
  readonly clientSecret: string;
  accessTokenTtlSeconds = 3600;
  /** When set, an access token stops working after this many Drive requests (401, like an expiry). */
  tokenMaxUses: number | undefined;
  /** The next authorization request is refused by the "user" (redirect with error=access_denied). */
  denyNext = false;
  readonly accessTokens = new Map<string, AccessTokenInfo>();
  readonly refreshTokens = new Map<string, RefreshTokenInfo>();
  private readonly codes = new Map<string, AuthCode>();
  /** Clients the user already granted offline access to (Google then omits refresh_token without prompt=consent). */
  private readonly granted = new Set<string>();
  /** Counters for tests. */
  readonly counts = { authorizations: 0, codeExchanges: 0, refreshes: 0, rejectedVerifiers: 0 };

  constructor(clientId: string, clientSecret: string) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  issueAccessToken(clientId: string, scopes: string[], refreshToken?: string): string {
    const token = `ya29.emu-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, {
      clientId,
      scopes,
      expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000,
      uses: 0,
      revoked: false,
      ...(refreshToken ? { refreshToken } : {}),
    });
    return token;
  }

  issueRefreshToken(
    scopes: string[] = ['https://www.googleapis.com/auth/drive.file'],
    clientId = this.clientId,
  ): string {
    const token = `1//emu-${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(token, { clientId, scopes, revoked: false });
    return token;
  }

  revoke(token: string): boolean {
    const rt = this.refreshTokens.get(token);
    if (rt) {
      rt.revoked = true;
      for (const at of this.accessTokens.values()) if (at.refreshToken === token) at.revoked = true;
      return true;
    }
    const at = this.accessTokens.get(token);
    if (at) {
      at.revoked = true;
      return true;
    }
    return false;
  }

  /** Makes every access token expire now (the next Drive call gets 401). */
  expireAccessTokens(): void {
    for (const at of this.accessTokens.values()) at.expiresAt = Date.now() - 1;
  }

  /** Bearer check for Drive requests: undefined when the token is not (or no longer) valid. */
  checkAccessToken(token: string): AccessTokenInfo | undefined {
    const info = this.accessTokens.get(token);
    if (!info || info.revoked || info.expiresAt <= Date.now()) return undefined;
    if (this.tokenMaxUses !== undefined && info.uses >= this.tokenMaxUses) return undefined;
    info.uses++;
    return info;
  }

  authorize(url: URL): OAuthResponse {
    this.counts.authorizations++;
    const p = url.searchParams;
    const page = (status: number, text: string): OAuthResponse => ({
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      text: `<!doctype html><title>Error</title><p>${text}</p>`,
    });
    if (p.get('client_id') !== this.clientId)
      return page(401, 'Error 401: invalid_client. The OAuth client was not found.');
    const redirectUri = p.get('redirect_uri') ?? '';
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
    } catch {
      return page(400, 'Error 400: redirect_uri_mismatch');
    }
    // Desktop clients: loopback IP (any port, RFC 8252 §7.3) or localhost, plain http.
    if (
      redirect.protocol !== 'http:' ||
      !['127.0.0.1', '[::1]', 'localhost'].includes(redirect.hostname) ||
      !redirect.port
    ) {
      return page(400, 'Error 400: redirect_uri_mismatch');
    }
    if (p.get('response_type') !== 'code') return page(400, 'Error 400: unsupported_response_type');
    const scopes = (p.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0)
      return page(400, 'Error 400: invalid_request. Missing required parameter: scope');
    if (scopes.some((s) => !knownScopes.has(s))) return page(400, 'Error 400: invalid_scope');
    const challenge = p.get('code_challenge') ?? undefined;
    const methodParam = p.get('code_challenge_method');
    if (methodParam && !challenge) return page(400, 'Error 400: invalid_request. Missing code_challenge');
    const method = challenge ? (methodParam ?? 'plain') : undefined;
    if (method && method !== 'S256' && method !== 'plain')
      return page(400, 'Error 400: invalid_request. Invalid code_challenge_method');
    if (challenge && !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge))
      return page(400, 'Error 400: invalid_request. Invalid code_challenge');
    const accessType = p.get('access_type') ?? 'online';
    if (accessType !== 'online' && accessType !== 'offline')
      return page(400, 'Error 400: invalid_request. Invalid access_type');
    const target = new URL(redirect);
    const state = p.get('state');
    if (this.denyNext) {
      this.denyNext = false;
      target.searchParams.set('error', 'access_denied');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString() } };
    }
    const code = `4/emu-${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      scopes,
      ...(challenge ? { challenge, method: method as 'S256' | 'plain' } : {}),
      offline: accessType === 'offline',
      consent: (p.get('prompt') ?? '').split(' ').includes('consent'),
      expiresAt: Date.now() + 10 * 60_000,
      used: false,
    });
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('code', code);
    target.searchParams.set('scope', scopes.join(' '));
    return { status: 302, headers: { location: target.toString() } };
  }

  token(contentType: string | undefined, body: string, authorization: string | undefined): OAuthResponse {
    if (!/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
      return oauthError(
        400,
        'invalid_request',
        'Invalid Content-Type; expected application/x-www-form-urlencoded.',
      );
    }
    const p = new URLSearchParams(body);
    let clientId = p.get('client_id');
    let clientSecret = p.get('client_secret');
    if (authorization?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (!clientId) return oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
    if (clientId !== this.clientId)
      return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (!clientSecret) return oauthError(400, 'invalid_request', 'client_secret is missing.');
    if (clientSecret !== this.clientSecret) return oauthError(401, 'invalid_client', 'Unauthorized');
    const grant = p.get('grant_type');
    if (grant === 'authorization_code') return this.exchangeCode(p);
    if (grant === 'refresh_token') return this.refresh(p, clientId);
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
  }

  private exchangeCode(p: URLSearchParams): OAuthResponse {
    this.counts.codeExchanges++;
    const code = this.codes.get(p.get('code') ?? '');
    if (!code || code.used || code.expiresAt <= Date.now())
      return oauthError(400, 'invalid_grant', 'Bad Request');
    if (p.get('redirect_uri') !== code.redirectUri)
      return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (code.challenge) {
      const verifier = p.get('code_verifier');
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      const computed =
        code.method === 'S256'
          ? createHash('sha256').update(verifier, 'ascii').digest('base64url')
          : verifier;
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || computed !== code.challenge) {
        this.counts.rejectedVerifiers++;
        code.used = true; // a failed exchange burns the code, like Google
        return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
      }
    }
    code.used = true;
    const grantKey = `${code.clientId}`;
    let refreshToken: string | undefined;
    if (code.offline && (!this.granted.has(grantKey) || code.consent)) {
      refreshToken = this.issueRefreshToken(code.scopes, code.clientId);
      this.granted.add(grantKey);
    }
    const accessToken = this.issueAccessToken(code.clientId, code.scopes, refreshToken);
    return {
      status: 200,
      json: {
        access_token: accessToken,
        expires_in: this.accessTokenTtlSeconds,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        scope: code.scopes.join(' '),
        token_type: 'Bearer',
      },
    };
  }

  private refresh(p: URLSearchParams, clientId: string): OAuthResponse {
    this.counts.refreshes++;
    const token = p.get('refresh_token') ?? '';
    const info = this.refreshTokens.get(token);
    if (!info || info.revoked || info.clientId !== clientId) {
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    }
    const accessToken = this.issueAccessToken(info.clientId, info.scopes, token);
    return {
      status: 200,
      json: {
        access_token: accessToken,
        expires_in: this.accessTokenTtlSeconds,
        scope: info.scopes.join(' '),
        token_type: 'Bearer',
      },
    };
  }

  revokeEndpoint(contentType: string | undefined, body: string, query: URLSearchParams): OAuthResponse {
    const form = /^application\/x-www-form-urlencoded/i.test(contentType ?? '')
      ? new URLSearchParams(body)
      : new URLSearchParams();
    const token = form.get('token') ?? query.get('token') ?? '';
    if (!this.revoke(token)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    return { status: 200, json: {} };
  }
}
