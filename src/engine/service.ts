import { EventEmitter } from 'node:events';
import type {
  AppInfo,
  CloudAccountInfo,
  EventName,
  EventPayload,
  JobSummary,
  ServiceApi,
  Settings,
  SettingsPatch,
} from '../shared/contract.ts';
import type { CloudProviderName } from '../shared/locations.ts';
import { CloudAccounts } from './accounts/cloud-accounts.ts';
import { signIn, signOut } from './accounts/sign-in.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { appVersion } from './version.ts';

export interface ServiceOptions {
  host: AppInfo['host'];
  dataDir: string;
  settings: SettingsStore;
  /** Opened on first use: the keychain may ask the user to unlock it. */
  secrets: () => Promise<SecretStore>;
  /** Opens a link in the system browser; hosts without one rely on the `signInUrl` event. */
  openUrl?: (url: string) => void;
}

/**
 * The facade every host talks to: one method per contract operation, and typed events. Hosts (Electron
 * IPC, headless HTTP/WebSocket, CLI) are thin adapters over this class, so a feature is written once.
 */
export class Service implements ServiceApi {
  readonly #options: ServiceOptions;
  readonly #events = new EventEmitter();

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#events.setMaxListeners(0);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }

  protected emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#events.emit(event, payload);
  }

  async getAppInfo(): Promise<AppInfo> {
    return {
      name: 'Lifeboat',
      version: appVersion,
      host: this.#options.host,
      platform: process.platform,
      dataDir: this.#options.dataDir,
    };
  }

  async getSettings(): Promise<Settings> {
    return this.#options.settings.get();
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const next = this.#options.settings.update(patch);
    this.emit('settingsChanged', next);
    return next;
  }

  async listJobs(): Promise<JobSummary[]> {
    return [];
  }

  async listAccounts(): Promise<CloudAccountInfo[]> {
    return new CloudAccounts(this.#options.dataDir).list();
  }

  async signIn({ provider }: { provider: CloudProviderName }): Promise<CloudAccountInfo> {
    return signIn(provider, {
      dataDir: this.#options.dataDir,
      secrets: this.#options.secrets,
      openUrl: (url) => {
        this.emit('signInUrl', { provider, url });
        this.#options.openUrl?.(url);
      },
    });
  }

  async signOut({ provider, accountId }: { provider: CloudProviderName; accountId: string }): Promise<boolean> {
    return signOut(provider, accountId, { dataDir: this.#options.dataDir, secrets: this.#options.secrets });
  }

  async close(): Promise<void> {
    this.#events.removeAllListeners();
  }
}
