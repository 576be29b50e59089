import { readFile } from 'node:fs/promises';
import { LifeboatError } from '../shared/errors.ts';
import { resolveDataDir } from '../engine/paths.ts';
import { openSecretStore } from '../engine/secrets/open-secret-store.ts';
import type { SecretStore } from '../engine/secrets/secret-store.ts';
import type { Backend } from '../engine/storage/backend.ts';
import { openBackend } from '../engine/storage/open-backend.ts';
import { promptHidden } from './prompt.ts';

export interface GlobalOptions {
  repo?: string;
  passwordFile?: string;
  json?: boolean;
  account?: string;
  secretsFile?: boolean;
}

/**
 * Opens the backend for --repo: a folder, `gdrive:FOLDER` or `dropbox:/PATH` (cloud locations use the
 * signed-in account; its token comes from the keychain, or the encrypted secrets file).
 */
export async function backendFor(options: GlobalOptions): Promise<Backend> {
  const where = options.repo ?? process.env.LIFEBOAT_REPOSITORY;
  if (!where) {
    throw new LifeboatError('INVALID_ARGUMENT', 'No repository given.', {
      hint: 'Pass --repo PATH, gdrive:FOLDER or dropbox:/PATH (or set LIFEBOAT_REPOSITORY).',
    });
  }
  const dataDir = resolveDataDir();
  return openBackend(where, { dataDir, secrets: () => cliSecretStore(options), ...(options.account ? { account: options.account } : {}) });
}

/** The keychain by default; the encrypted secrets file only when asked (servers without a keyring). */
export async function cliSecretStore(options: GlobalOptions): Promise<SecretStore> {
  const useFile = options.secretsFile || process.env.LIFEBOAT_SECRETS === 'file';
  if (!useFile) return openSecretStore({ dataDir: resolveDataDir(), mode: 'keychain' });
  const passphrase =
    process.env.LIFEBOAT_SECRETS_PASSPHRASE || (process.stdin.isTTY ? await promptHidden('Passphrase of the secrets file: ') : undefined);
  return openSecretStore({ dataDir: resolveDataDir(), mode: 'file', ...(passphrase ? { passphrase } : {}) });
}

/**
 * The repository password, like restic: --password-file, then LIFEBOAT_PASSWORD (or
 * LIFEBOAT_PASSWORD_FILE), then a hidden prompt when a person is at the terminal.
 */
export async function readPassword(options: GlobalOptions, purpose = 'Repository password'): Promise<string> {
  const file = options.passwordFile ?? process.env.LIFEBOAT_PASSWORD_FILE;
  if (file) {
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new LifeboatError('INVALID_ARGUMENT', `Cannot read the password file ${file}.`, { cause: err });
    });
    const password = text.split(/\r?\n/)[0] ?? '';
    if (!password) throw new LifeboatError('INVALID_ARGUMENT', `The password file ${file} is empty.`);
    return password;
  }
  if (process.env.LIFEBOAT_PASSWORD) return process.env.LIFEBOAT_PASSWORD;
  if (process.stdin.isTTY) return promptHidden(`${purpose}: `);
  throw new LifeboatError('INVALID_ARGUMENT', 'No repository password given.', {
    hint: 'Set LIFEBOAT_PASSWORD or pass --password-file FILE.',
  });
}
