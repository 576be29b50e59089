/**
 * Where secrets live: refresh tokens, repository passwords, SMTP passwords. Never in settings files or
 * logs. The production store is the OS keychain (keychain-store.ts); tests and an explicit opt-in for
 * servers without a keyring use other implementations of the same interface.
 */
export interface SecretStore {
  /** A short name for messages: "GNOME Keyring", "Windows Credential Manager", "encrypted file". */
  readonly kind: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

/** Account names, so every module files its secrets the same way. */
export const secretAccounts = {
  repositoryPassword: (repoId: string) => `repository-password:${repoId}`,
  refreshToken: (provider: 'gdrive' | 'dropbox', accountId: string) => `${provider}-refresh-token:${accountId}`,
  smtpPassword: (host: string, user: string) => `smtp-password:${user}@${host}`,
  /** A database source's password, by sourceKey() (src/shared/sources.ts). */
  sourcePassword: (sourceKey: string) => `source-password:${sourceKey}`,
} as const;

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  readonly #values = new Map<string, string>();

  async get(account: string): Promise<string | undefined> {
    return this.#values.get(account);
  }

  async set(account: string, secret: string): Promise<void> {
    this.#values.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.#values.delete(account);
  }
}
