/**
 * What the repository operations need from the Service: the data folder, the keychain, the jobs (their
 * destinations are known repositories), a way to open storage (tests point it at emulators), events and
 * the user's language (restore reports are written in it).
 */
import type { EventName, EventPayload, Settings } from '../../shared/contract.ts';
import type { Job } from '../../shared/jobs.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Backend } from '../storage/backend.ts';
import type { OpenBackendOptions } from '../storage/open-backend.ts';

export interface LaunchAtLogin {
  get(): boolean;
  set(enabled: boolean): void | Promise<void>;
}

export interface RepositoriesDeps {
  dataDir: string;
  secrets: () => Promise<SecretStore>;
  jobs: () => Promise<Job[]>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  language: () => Settings['language'];
  now: () => Date;
  openBackend?: (location: string, options: OpenBackendOptions) => Promise<Backend>;
  launchAtLogin?: LaunchAtLogin;
}
