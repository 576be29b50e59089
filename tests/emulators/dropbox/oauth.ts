/**
 * The emulated OAuth side: /oauth2/authorize (auto-approves: redirects with code+state, or shows the
 * code when there is no redirect_uri), /oauth2/token (authorization_code with a PKCE verifier check,
 * refresh_token; parameters from the query string, as the SDK sends them, or a form body), and the
 * access tokens the API checks (expiry by time or after N requests, revocation).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Reply } from './wire.ts';
import { authError, json } from './wire.ts';

export interface Account {
  accountId: string;
  email: string;
  displayName: string;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string | undefined;
  challenge: string | undefined;
  method: string;
  offline: boolean;
  createdAt: number;
  used: boolean;
  accountId: string;
}

interface RefreshGrant {
  clientId: string;
  accountId: string;
  revoked: boolean;
}

export interface AccessGrant {
  accountId: string;
  refreshToken: string | undefined;
  expiresAt: number;
  uses: number;
  expired: boolean;
  revoked: boolean;
}

export interface OAuthOptions {
  appKey: string;
  /** Redirect URIs registered for the app; compared exactly (scheme, host, port, path). */
  redirectUris: string[];
  accessTokenTtlSec: number;
  /** Every access token expires after this many API requests (fault injection). */
  expireTokenAfter?: number;
  /** What the user does on the consent page. */
  decision: 'approve' | 'deny';
}

const tokenError = (error: string, description: string, status = 400): Reply => json({ error, error_description: description }, status);

const html = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers },
  body: `<!doctype html><html><body>${body}</body></html>`,
});

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class OAuthServer {
  readonly options: OAuthOptions;
  readonly account: Account;
  readonly #codes = new Map<string, CodeGrant>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  readonly accessTokens = new Map<string, AccessGrant>();
  readonly #now: () => number;
  /** Token endpoint requests by grant type, and failures by OAuth error. */
  readonly stats = { authorize: 0, codeGrants: 0, refreshGrants: 0, errors: new Map<string, number>() };

  constructor(options: OAuthOptions, account: Account, now: () => number) {
    this.options = options;
    this.account = account;
    this.#now = now;
  }

  /** Issues a grant directly (tests that do not need the browser dance). */
  issue(offline = true): { accessToken: string; refreshToken: string | undefined } {
    const refreshToken = offline ? this.#newRefresh(this.options.appKey) : undefined;
    return { accessToken: this.#newAccess(refreshToken), refreshToken };
  }

  revokeRefreshToken(refreshToken: string): void {
    const grant = this.refreshTokens.get(refreshToken);
    if (grant) grant.revoked = true;
    for (const a of this.accessTokens.values()) if (a.refreshToken === refreshToken) a.revoked = true;
  }

  revokeAll(): void {
    for (const rt of this.refreshTokens.keys()) this.revokeRefreshToken(rt);
    for (const a of this.accessTokens.values()) a.revoked = true;
  }

  /** Checks a Bearer token for an API request; counts the use. Throws a 401 reply. */
  authenticate(token: string): AccessGrant {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.revoked) throw authError('invalid_access_token');
    if (grant.expired || this.#now() >= grant.expiresAt) throw authError('expired_access_token');
    grant.uses++;
    const limit = this.options.expireTokenAfter;
    if (limit !== undefined && grant.uses > limit) {
      grant.expired = true;
      throw authError('expired_access_token');
    }
    return grant;
  }

  authorize(params: URLSearchParams): Reply {
    this.stats.authorize++;
    const clientId = params.get('client_id');
    if (clientId !== this.options.appKey) return html(400, `<h1>Invalid client_id: "${escapeHtml(clientId ?? '')}"</h1>`);
    if (params.get('response_type') !== 'code') return html(400, '<h1>Invalid response_type: only "code" is supported</h1>');
    const redirectUri = params.get('redirect_uri') ?? undefined;
    if (redirectUri !== undefined && !this.options.redirectUris.includes(redirectUri)) {
      return html(
        400,
        `<h1>Invalid redirect_uri: "${escapeHtml(redirectUri)}": It must exactly match one of the redirect URIs you've pre-configured for your app (including the path).</h1>`,
      );
    }
    const access = params.get('token_access_type') ?? 'legacy';
    if (!['legacy', 'online', 'offline'].includes(access)) return html(400, '<h1>Invalid token_access_type</h1>');
    const challenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? 'plain';
    if (challenge !== undefined && (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge) || !['S256', 'plain'].includes(method))) {
      return html(400, '<h1>Invalid code_challenge or code_challenge_method</h1>');
    }
    const state = params.get('state');
    if (this.options.decision === 'deny') {
      if (!redirectUri) return html(200, '<h1>Access denied</h1>');
      const to = new URL(redirectUri);
      to.searchParams.set('error', 'access_denied');
      to.searchParams.set('error_description', 'The user chose not to give your app access to their Dropbox account.');
      if (state) to.searchParams.set('state', state);
      return { status: 302, headers: { Location: to.href }, body: '' };
    }
    const code = randomBytes(32).toString('base64url');
    this.#codes.set(code, {
      clientId,
      redirectUri,
      challenge,
      method,
      offline: access === 'offline',
      createdAt: this.#now(),
      used: false,
      accountId: this.account.accountId,
    });
    if (!redirectUri) {
      return html(200, `<h1>Enter this code into Lifeboat</h1><input id="code" readonly value="${code}">`);
    }
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    if (state) to.searchParams.set('state', state);
    return { status: 302, headers: { Location: to.href }, body: '' };
  }

  token(params: URLSearchParams): Reply {
    const fail = (error: string, description: string): Reply => {
      this.stats.errors.set(error, (this.stats.errors.get(error) ?? 0) + 1);
      return tokenError(error, description);
    };
    const grantType = params.get('grant_type');
    const clientId = params.get('client_id');
    if (!clientId) return fail('invalid_request', 'No client_id');
    if (clientId !== this.options.appKey) return fail('invalid_client', 'Invalid client_id or client_secret');
    if (params.has('client_secret')) return fail('invalid_client', 'Invalid client_id or client_secret');
    if (grantType === 'authorization_code') {
      this.stats.codeGrants++;
      const code = params.get('code') ?? '';
      const grant = this.#codes.get(code);
      if (!grant || grant.used || this.#now() - grant.createdAt > 10 * 60_000 || grant.clientId !== clientId) {
        return fail('invalid_grant', "code doesn't exist or has expired");
      }
      grant.used = true; // single use, even when the rest fails
      if ((params.get('redirect_uri') ?? undefined) !== grant.redirectUri) return fail('invalid_grant', 'redirect_uri mismatch');
      if (grant.challenge !== undefined) {
        const verifier = params.get('code_verifier');
        if (!verifier) return fail('invalid_request', 'No code_verifier');
        const computed = grant.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (computed !== grant.challenge) return fail('invalid_grant', 'invalid code verifier');
      } else {
        return fail('invalid_request', 'No client_secret or code_verifier');
      }
      const refreshToken = grant.offline ? this.#newRefresh(clientId) : undefined;
      return json({
        access_token: this.#newAccess(refreshToken),
        token_type: 'bearer',
        expires_in: this.options.accessTokenTtlSec,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        scope: 'account_info.read files.content.read files.content.write files.metadata.read files.metadata.write',
        uid: '12345678',
        account_id: grant.accountId,
      });
    }
    if (grantType === 'refresh_token') {
      this.stats.refreshGrants++;
      const rt = params.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(rt);
      if (!grant || grant.revoked || grant.clientId !== clientId) return fail('invalid_grant', 'refresh token is invalid or revoked');
      return json({ access_token: this.#newAccess(rt), token_type: 'bearer', expires_in: this.options.accessTokenTtlSec });
    }
    return fail('unsupported_grant_type', `grant_type ${String(grantType)} is not supported`);
  }

  #newRefresh(clientId: string): string {
    const token = randomBytes(48).toString('base64url');
    this.refreshTokens.set(token, { clientId, accountId: this.account.accountId, revoked: false });
    return token;
  }

  #newAccess(refreshToken: string | undefined): string {
    const token = `sl.${randomBytes(96).toString('base64url')}`;
    this.accessTokens.set(token, {
      accountId: this.account.accountId,
      refreshToken,
      expiresAt: this.#now() + this.options.accessTokenTtlSec * 1000,
      uses: 0,
      expired: false,
      revoked: false,
    });
    return token;
  }
}
