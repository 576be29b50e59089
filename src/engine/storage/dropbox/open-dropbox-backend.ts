/**
 * The Dropbox backend of a signed-in account: the refresh token comes from the SecretStore
 * (stored there by sign-in or importRefreshToken), the app key and endpoints from the options or
 * the LIFEBOAT_DROPBOX_* environment. AUTH_REQUIRED when the account was never signed in here.
 */
import { DropboxTokenProvider } from '../../auth/dropbox-token-provider.ts';
import type { DropboxAuthConfig } from '../../auth/dropbox-token-provider.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import { DropboxBackend } from './dropbox-backend.ts';
import type { DropboxBackendOptions } from './dropbox-backend.ts';

export interface OpenDropboxBackendOptions extends DropboxAuthConfig, Omit<DropboxBackendOptions, 'location' | 'tokens' | 'retry'> {
  secrets: SecretStore;
  /** The Dropbox account_id the repository belongs to ("dbid:…"). */
  accountId: string;
}

export async function openDropboxBackend(location: string, options: OpenDropboxBackendOptions): Promise<DropboxBackend> {
  const tokens = await DropboxTokenProvider.fromSecretStore(options.secrets, options.accountId, options);
  return new DropboxBackend({ ...options, location, tokens });
}
