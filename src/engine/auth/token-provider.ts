/**
 * What a cloud backend needs from sign-in: a valid access token, refreshed before it expires. A
 * revoked or expired refresh token surfaces as LifeboatError AUTH_REQUIRED ("sign in again"), never
 * as a crash or an endless retry.
 */
export interface TokenProvider {
  /** A token valid for at least a minute; `forceRefresh` after the server said 401. */
  accessToken(options?: { forceRefresh?: boolean; signal?: AbortSignal }): Promise<string>;
}

/** A fixed token, for tests and for short-lived scripted use. */
export class StaticTokenProvider implements TokenProvider {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async accessToken(): Promise<string> {
    return this.#token;
  }
}
