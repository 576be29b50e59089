import { mkdirSync } from 'node:fs';
import type { AppInfo } from '../shared/contract.ts';
import { resolveDataDir } from './paths.ts';
import { Service, type ServiceOptions } from './service.ts';
import { openSecretStore } from './secrets/open-secret-store.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { FileSettingsStore } from './settings/settings-store.ts';

/**
 * The keychain, or the encrypted secrets file when a server opted in with LIFEBOAT_SECRETS=file
 * (passphrase in LIFEBOAT_SECRETS_PASSPHRASE). Opened once, on first use.
 */
export function lazySecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): () => Promise<SecretStore> {
  let store: Promise<SecretStore> | undefined;
  return () => {
    store ??= openSecretStore({
      dataDir,
      mode: env.LIFEBOAT_SECRETS === 'file' ? 'file' : 'keychain',
      ...(env.LIFEBOAT_SECRETS_PASSPHRASE ? { passphrase: env.LIFEBOAT_SECRETS_PASSPHRASE } : {}),
    }).catch((err: unknown) => {
      store = undefined; // let the user fix the keychain and try again
      throw err;
    });
    return store;
  };
}

/**
 * Builds the Service for a host that keeps its state under the data folder (CLI and headless).
 * `overrides`: the CLI brings its own secrets store (--secrets-file), hosts add run hooks. Every
 * Service notifies after runs and restore drills by itself (e-mail, webhooks, Telegram per the job's
 * rules and the notification settings); `runHooks` come after that, `notifications` tunes or disables it.
 */
export function createService(
  host: AppInfo['host'],
  dataDir = resolveDataDir(),
  overrides: Partial<Omit<ServiceOptions, 'host' | 'dataDir'>> = {},
): Service {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return new Service({ host, dataDir, settings: new FileSettingsStore(dataDir), secrets: lazySecretStore(dataDir), ...overrides });
}
