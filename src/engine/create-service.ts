import { mkdirSync } from 'node:fs';
import type { AppInfo } from '../shared/contract.ts';
import { resolveDataDir } from './paths.ts';
import { Service } from './service.ts';
import { FileSettingsStore } from './settings/settings-store.ts';

/** Builds the Service for a host that keeps its state under the data folder (CLI and headless). */
export function createService(host: AppInfo['host'], dataDir = resolveDataDir()): Service {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return new Service({ host, dataDir, settings: new FileSettingsStore(dataDir) });
}
