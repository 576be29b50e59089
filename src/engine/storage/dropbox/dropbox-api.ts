/**
 * One place where Lifeboat calls the official Dropbox SDK: every call gets a fresh-enough access
 * token from the TokenProvider, a per-request timeout, retries with backoff for what is transient
 * (429 with Retry-After, 5xx, dropped connections, namespace lock contention), one token refresh
 * after a 401 and then AUTH_REQUIRED, and a typed LifeboatError at the end. HTTP requests are
 * counted per route (retries included) for request accounting.
 */
import { Dropbox } from 'dropbox';
import type { DropboxRequestOptions } from 'dropbox';
import type { TokenProvider } from '../../auth/token-provider.ts';
import { withRetry } from '../retry.ts';
import type { RetryOptions } from '../retry.ts';
import { createDropboxFetch, dropboxEndpoints } from './endpoints.ts';
import type { DropboxEndpointOverrides, DropboxEndpoints, FetchLike } from './endpoints.ts';
import { classifyDropboxError, dropboxFailure, isAuthFailure, signInAgainError, toLifeboatError } from './errors.ts';

export interface DropboxApiOptions {
  tokens: TokenProvider;
  endpoints?: DropboxEndpointOverrides;
  /** Where LIFEBOAT_DROPBOX_* overrides are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The fetch underneath the SDK (default the global fetch). */
  fetch?: FetchLike;
  /** Backoff settings (tests shorten them). */
  retry?: Pick<RetryOptions, 'retries' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>;
  /** Per-request timeout for RPC calls (default 60 s) and content transfers (default 5 min). */
  rpcTimeoutMs?: number;
  contentTimeoutMs?: number;
  /** Cancels everything this client does. */
  signal?: AbortSignal;
}

export interface CallOptions {
  /** Names the file or folder in error messages. */
  what: string;
  /** A content transfer (longer timeout). */
  content?: boolean;
  /** Extra headers for this request (e.g. Range). */
  headers?: Record<string, string>;
}

/** One request through the SDK; may interpret the answer (or an error) and return anything. */
export type SdkCall<T> = (sdk: Dropbox, options: DropboxRequestOptions) => Promise<T>;

export class DropboxApi {
  readonly endpoints: DropboxEndpoints;
  readonly #tokens: TokenProvider;
  readonly #fetch: FetchLike;
  readonly #options: DropboxApiOptions;
  #client: { token: string; sdk: Dropbox } | undefined;
  /** HTTP requests sent, per route ("files/upload"), retries included. */
  readonly requests = new Map<string, number>();
  retries = 0;

  constructor(options: DropboxApiOptions) {
    this.#options = options;
    this.#tokens = options.tokens;
    this.endpoints = dropboxEndpoints(options.endpoints, options.env);
    const inner = createDropboxFetch(this.endpoints, options.fetch ?? globalThis.fetch);
    this.#fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const route = /\/2\/(.+?)(\?|$)/.exec(url)?.[1] ?? url;
      this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
      return inner(input, init);
    };
  }

  /** Total HTTP requests sent. */
  requestTotal(): number {
    let n = 0;
    for (const v of this.requests.values()) n += v;
    return n;
  }

  /** Runs one SDK call with tokens, retries and error mapping. */
  async call<T>(fn: SdkCall<T>, opts: CallOptions): Promise<T> {
    const signal = this.#options.signal;
    try {
      return await withRetry(() => this.#attempt(fn, opts), {
        ...this.#options.retry,
        signal,
        classify: classifyDropboxError,
        onRetry: () => void this.retries++,
      });
    } catch (err) {
      throw toLifeboatError(err, opts.what, signal);
    }
  }

  async #attempt<T>(fn: SdkCall<T>, opts: CallOptions): Promise<T> {
    const signal = this.#options.signal;
    const timeout = opts.content ? (this.#options.contentTimeoutMs ?? 300_000) : (this.#options.rpcTimeoutMs ?? 60_000);
    const requestOptions: DropboxRequestOptions = { timeout, ...(signal ? { signal } : {}) };
    if (opts.headers) requestOptions.extraHeaders = opts.headers;
    const tokenOptions = signal ? { signal } : {};
    let token = await this.#tokens.accessToken(tokenOptions);
    // After a 401: use a token someone else refreshed meanwhile, else refresh once ourselves; a 401
    // on the token we refreshed means the grant is gone.
    let forced = false;
    for (let hops = 0; ; hops++) {
      try {
        return await fn(this.#sdk(token), requestOptions);
      } catch (err) {
        if (!isAuthFailure(err)) throw err;
        const summary = `HTTP 401 ${dropboxFailure(err)!.summary}`;
        const current = await this.#tokens.accessToken(tokenOptions);
        if (current !== token && hops < 4) {
          token = current;
          continue;
        }
        if (forced || hops >= 4) throw signInAgainError(summary);
        forced = true;
        token = await this.#tokens.accessToken({ ...tokenOptions, forceRefresh: true });
      }
    }
  }

  /** One SDK client per access token, so concurrent calls never see each other's token. */
  #sdk(token: string): Dropbox {
    if (this.#client?.token !== token) {
      this.#client = { token, sdk: new Dropbox({ accessToken: token, fetch: this.#fetch }) };
    }
    return this.#client.sdk;
  }
}
