import type { CloudAccountInfo } from '../../shared/contract.ts';
import type { CloudProviderName } from '../../shared/locations.ts';
import { beginDropboxCodeSignIn, signInToDropbox, signOutOfDropbox } from '../auth/dropbox-oauth.ts';
import { signInWithGoogle, signOutOfGoogle } from '../auth/google-oauth.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { CloudAccounts } from './cloud-accounts.ts';

export interface SignInDeps {
  dataDir: string;
  secrets: () => Promise<SecretStore>;
  /** Shows the sign-in page: the system browser in the desktop app, the UI's link when headless. */
  openUrl: (url: string) => void;
  signal?: AbortSignal;
}

/** Runs the provider's browser sign-in, keeps the token in the SecretStore and remembers the account. */
export async function signIn(provider: CloudProviderName, deps: SignInDeps): Promise<CloudAccountInfo> {
  const secrets = await deps.secrets();
  const common = { secrets, openUrl: deps.openUrl, ...(deps.signal ? { signal: deps.signal } : {}) };
  const account = provider === 'gdrive' ? await signInWithGoogle(common) : await signInToDropbox(common);
  return new CloudAccounts(deps.dataDir).remember({
    provider,
    accountId: account.accountId,
    ...(account.email ? { email: account.email } : {}),
    ...(account.displayName ? { displayName: account.displayName } : {}),
  });
}

/** A Dropbox sign-in by pasted code: show `url`; `complete` takes the code the page shows. */
export interface DropboxCodeSignIn {
  url: string;
  complete(code: string): Promise<CloudAccountInfo>;
}

export async function beginDropboxCode(
  deps: Pick<SignInDeps, 'dataDir' | 'secrets'>,
): Promise<DropboxCodeSignIn> {
  const flow = beginDropboxCodeSignIn({ secrets: await deps.secrets() });
  return {
    url: flow.url,
    complete: async (code) => {
      const account = await flow.complete(code);
      return new CloudAccounts(deps.dataDir).remember({
        provider: 'dropbox',
        accountId: account.accountId,
        ...(account.email ? { email: account.email } : {}),
        ...(account.displayName ? { displayName: account.displayName } : {}),
      });
    },
  };
}

/** Revokes the token where the provider allows it, deletes it, and forgets the account. */
export async function signOut(
  provider: CloudProviderName,
  accountId: string,
  deps: Pick<SignInDeps, 'dataDir' | 'secrets'>,
): Promise<boolean> {
  const secrets = await deps.secrets();
  if (provider === 'gdrive') await signOutOfGoogle({ secrets, accountId });
  else await signOutOfDropbox(accountId, { secrets });
  return new CloudAccounts(deps.dataDir).forget(provider, accountId);
}
