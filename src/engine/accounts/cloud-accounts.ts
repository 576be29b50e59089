import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../shared/errors.ts';

export type CloudProvider = 'gdrive' | 'dropbox';

/** A signed-in cloud account. Only who it is: its refresh token lives in the SecretStore. */
export interface CloudAccount {
  provider: CloudProvider;
  accountId: string;
  email?: string;
  displayName?: string;
  connectedAt: string;
}

const providerNames: Record<CloudProvider, string> = { gdrive: 'Google Drive', dropbox: 'Dropbox' };

/** The list of connected accounts in `accounts.json` under the data folder. */
export class CloudAccounts {
  readonly #file: string;

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'accounts.json');
  }

  async list(provider?: CloudProvider): Promise<CloudAccount[]> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.#file, 'utf8'));
    } catch {
      return [];
    }
    const all = Array.isArray(parsed) ? (parsed as CloudAccount[]) : [];
    return provider ? all.filter((a) => a.provider === provider) : all;
  }

  async remember(account: Omit<CloudAccount, 'connectedAt'>): Promise<CloudAccount> {
    const entry: CloudAccount = { ...account, connectedAt: new Date().toISOString() };
    const others = (await this.list()).filter((a) => !(a.provider === account.provider && a.accountId === account.accountId));
    await this.#save([...others, entry]);
    return entry;
  }

  async forget(provider: CloudProvider, accountId: string): Promise<boolean> {
    const all = await this.list();
    const left = all.filter((a) => !(a.provider === provider && a.accountId === accountId));
    await this.#save(left);
    return left.length !== all.length;
  }

  /** The account to use: the one named (by id or email), or the only one connected. */
  async choose(provider: CloudProvider, wanted?: string): Promise<CloudAccount> {
    const accounts = await this.list(provider);
    const name = providerNames[provider];
    if (wanted) {
      const match = accounts.find((a) => a.accountId === wanted || a.email === wanted);
      if (!match) {
        throw new LifeboatError('AUTH_REQUIRED', `${wanted} is not signed in to ${name} in Lifeboat.`, {
          hint: `Sign in first: lifeboat login ${provider}`,
        });
      }
      return match;
    }
    if (accounts.length === 0) {
      throw new LifeboatError('AUTH_REQUIRED', `No ${name} account is connected.`, { hint: `Sign in first: lifeboat login ${provider}` });
    }
    if (accounts.length > 1) {
      throw new LifeboatError('INVALID_ARGUMENT', `Several ${name} accounts are connected.`, {
        hint: `Choose one with --account: ${accounts.map((a) => a.email ?? a.accountId).join(', ')}`,
      });
    }
    return accounts[0]!;
  }

  async #save(accounts: CloudAccount[]): Promise<void> {
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const temp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(accounts, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, this.#file);
  }
}
