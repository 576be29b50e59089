import { LifeboatError } from '../../shared/errors.ts';
import { GoogleTokenProvider } from '../auth/google-token-provider.ts';
import { CloudAccounts } from '../accounts/cloud-accounts.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Backend } from './backend.ts';
import { openDropboxBackend } from './dropbox/open-dropbox-backend.ts';
import { dropboxScheme } from './dropbox/location.ts';
import { GoogleDriveBackend } from './gdrive/gdrive-backend.ts';
import { gdriveScheme } from './gdrive/location.ts';
import { LocalBackend } from './local-backend.ts';

export interface OpenBackendOptions {
  dataDir: string;
  /** Asked for only when the location is in the cloud (the keychain may prompt). */
  secrets: () => Promise<SecretStore>;
  /** Cloud account id or email when several are connected. */
  account?: string;
}

/** The one place that turns a repository location into a storage backend. */
export async function openBackend(location: string, options: OpenBackendOptions): Promise<Backend> {
  if (location.startsWith(gdriveScheme)) {
    const account = await new CloudAccounts(options.dataDir).choose('gdrive', options.account);
    const tokens = await GoogleTokenProvider.fromSecretStore(await options.secrets(), account.accountId);
    return new GoogleDriveBackend({ folder: location, tokens });
  }
  if (location.startsWith(dropboxScheme)) {
    const account = await new CloudAccounts(options.dataDir).choose('dropbox', options.account);
    return openDropboxBackend(location, { secrets: await options.secrets(), accountId: account.accountId });
  }
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(location); // one letter is a Windows drive
  if (scheme) {
    throw new LifeboatError('UNSUPPORTED', `Repositories of the kind "${scheme[1]}:" are not supported.`, {
      hint: 'Use a folder path, gdrive:FOLDER or dropbox:/PATH.',
    });
  }
  return new LocalBackend(location);
}
