/**
 * Chooses where secrets live. The OS keychain unless the user explicitly asked for the encrypted file
 * (CLI/headless `--secrets-file`, passphrase from LIFEBOAT_SECRETS_PASSPHRASE or a prompt). There is
 * deliberately no automatic fallback from one to the other: a missing keychain is reported
 * (KEYCHAIN_UNAVAILABLE) so that secrets never land somewhere the user did not choose.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { LifeboatError, toErrorInfo } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { EncryptedFileSecretStore } from './encrypted-file-store.ts';
import { KeychainSecretStore } from './keychain-store.ts';
import type { SecretStore } from './secret-store.ts';

export type SecretStoreMode = 'keychain' | 'file';

/** The secrets file's name inside the data folder. */
export const secretsFileName = 'secrets.enc.json';

export function secretsFilePath(dataDir: string): string {
  return path.join(dataDir, secretsFileName);
}

export interface OpenSecretStoreOptions {
  /** Lifeboat's data folder (resolveDataDir()); the secrets file lives here in 'file' mode. */
  dataDir: string;
  /** Default 'keychain'. 'file' only when the user asked for it. */
  mode?: SecretStoreMode;
  /** Required in 'file' mode. */
  passphrase?: string;
  /** Keychain service name; tests use their own. Default "Lifeboat". */
  service?: string;
}

/**
 * Opens the chosen store. In 'file' mode the passphrase is checked against an existing file right
 * away (WRONG_PASSWORD / SECRETS_FILE_DAMAGED now, not at the first backup). In 'keychain' mode
 * nothing is touched yet: call `probeSecretStore` to find out whether the keychain works.
 */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<SecretStore> {
  const mode = options.mode ?? 'keychain';
  if (mode === 'keychain') {
    return new KeychainSecretStore(options.service === undefined ? {} : { service: options.service });
  }
  if (mode !== 'file') throw new LifeboatError('INVALID_ARGUMENT', `Unknown secrets mode "${String(mode)}".`);
  if (!options.passphrase) {
    throw new LifeboatError('INVALID_ARGUMENT', 'The encrypted secrets file needs a passphrase.', {
      hint: 'Set LIFEBOAT_SECRETS_PASSPHRASE, or run Lifeboat in a terminal so it can ask for it.',
    });
  }
  const store = new EncryptedFileSecretStore(secretsFilePath(options.dataDir), options.passphrase);
  await store.verify();
  return store;
}

export type SecretStoreProbe = { ok: true; kind: string } | { ok: false; kind: string; error: ErrorInfo };

/**
 * Writes, reads back and deletes a throw-away entry, so the UI can say up front whether secrets can
 * be kept ("Passwords will be stored in the Secret Service keyring" / the typed error and its hint).
 */
export async function probeSecretStore(store: SecretStore): Promise<SecretStoreProbe> {
  const account = `lifeboat-probe:${randomBytes(6).toString('hex')}`;
  const value = `probe-${randomBytes(12).toString('hex')}`;
  try {
    await store.set(account, value);
    try {
      const back = await store.get(account);
      if (back !== value) {
        throw new LifeboatError('INTERNAL', `The ${store.kind} did not return what Lifeboat stored in it.`);
      }
    } finally {
      await store.delete(account);
    }
    return { ok: true, kind: store.kind };
  } catch (err) {
    return { ok: false, kind: store.kind, error: toErrorInfo(err) };
  }
}
