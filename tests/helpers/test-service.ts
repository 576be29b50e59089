/**
 * The Service engine tests build: the CLI host on a data folder (a fresh temporary one unless given),
 * in-memory settings and keychain, and no built-in notifications unless a test asks for them.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { Service, type ServiceOptions } from '../../src/engine/service.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';

export interface TestService {
  service: Service;
  /** The in-memory keychain the Service uses (unless the overrides gave it another). */
  secrets: MemorySecretStore;
  dataDir: string;
}

export function testService(overrides: Partial<ServiceOptions> = {}): TestService {
  const dataDir = overrides.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'lb-service-'));
  const secrets = new MemorySecretStore();
  const service = new Service({
    host: 'cli',
    settings: new MemorySettingsStore(),
    secrets: async () => secrets,
    notifications: { enabled: false },
    ...overrides,
    dataDir,
  });
  return { service, secrets, dataDir };
}
