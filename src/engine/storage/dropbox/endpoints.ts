/**
 * Where Dropbox lives. The SDK hard-codes https://{api,content}.dropboxapi.com (its `domain` test
 * option cannot set a scheme or a port), so overrides work through the SDK's `fetch` option: a
 * wrapper rewrites the SDK's URLs onto the configured bases. Used for the emulator in tests and for
 * anyone who must route Dropbox through a gateway.
 *
 * Env: LIFEBOAT_DROPBOX_API_URL (RPC endpoints), LIFEBOAT_DROPBOX_CONTENT_URL (upload/download),
 * LIFEBOAT_DROPBOX_OAUTH_URL (both /oauth2/authorize and /oauth2/token).
 */
import { LifeboatError } from '../../../shared/errors.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface DropboxEndpointOverrides {
  apiUrl?: string;
  contentUrl?: string;
  /** Base for /oauth2/authorize and /oauth2/token. */
  oauthUrl?: string;
}

export interface DropboxEndpoints {
  /** RPC host base, no trailing slash: routes are `${apiUrl}/2/files/list_folder`. */
  apiUrl: string;
  contentUrl: string;
  /** Full URL of the authorization page. */
  authorizeUrl: string;
  /** Full URL of the token endpoint. */
  tokenUrl: string;
}

const sdkApi = 'https://api.dropboxapi.com';
const sdkContent = 'https://content.dropboxapi.com';
const sdkToken = `${sdkApi}/oauth2/token`;

export const dropboxEnv = {
  apiUrl: 'LIFEBOAT_DROPBOX_API_URL',
  contentUrl: 'LIFEBOAT_DROPBOX_CONTENT_URL',
  oauthUrl: 'LIFEBOAT_DROPBOX_OAUTH_URL',
  appKey: 'LIFEBOAT_DROPBOX_APP_KEY',
} as const;

/** Options win over the environment, which wins over Dropbox's real hosts. */
export function dropboxEndpoints(
  overrides: DropboxEndpointOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): DropboxEndpoints {
  const pick = (key: keyof DropboxEndpointOverrides): string | undefined => {
    const value = overrides[key] ?? env[dropboxEnv[key]];
    return value ? checkedBase(value, dropboxEnv[key]) : undefined;
  };
  const oauth = pick('oauthUrl');
  return {
    apiUrl: pick('apiUrl') ?? sdkApi,
    contentUrl: pick('contentUrl') ?? sdkContent,
    authorizeUrl: oauth ? `${oauth}/oauth2/authorize` : 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: oauth ? `${oauth}/oauth2/token` : sdkToken,
  };
}

/** True when nothing is overridden (requests go to Dropbox itself). */
export function isDefaultEndpoints(e: DropboxEndpoints): boolean {
  return e.apiUrl === sdkApi && e.contentUrl === sdkContent && e.tokenUrl === sdkToken;
}

/** A fetch for the SDK that sends its requests to the configured endpoints. */
export function createDropboxFetch(endpoints: DropboxEndpoints, base: FetchLike = globalThis.fetch): FetchLike {
  if (isDefaultEndpoints(endpoints)) return base;
  return (input, init) => base(typeof input === 'string' ? rewriteUrl(input, endpoints) : input, init);
}

export function rewriteUrl(url: string, e: DropboxEndpoints): string {
  if (url.startsWith(`${sdkToken}`)) return e.tokenUrl + url.slice(sdkToken.length);
  if (url.startsWith(`${sdkApi}/`)) return e.apiUrl + url.slice(sdkApi.length);
  if (url.startsWith(`${sdkContent}/`)) return e.contentUrl + url.slice(sdkContent.length);
  return url;
}

/**
 * An override must be an absolute http(s) URL; plain http only to this machine, so tokens never
 * cross a network unencrypted.
 */
function checkedBase(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LifeboatError('INVALID_ARGUMENT', `${name} is not a valid URL: ${value}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new LifeboatError('INVALID_ARGUMENT', `${name} must be an https URL (http only for this computer).`, {
      details: value,
    });
  }
  return url.href.replace(/\/+$/, '');
}
