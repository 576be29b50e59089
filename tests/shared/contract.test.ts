import { describe, expect, it } from 'vitest';
import { eventNames, operationNames } from '../../src/shared/channels.ts';
import { events, operations, settingsPatchSchema } from '../../src/shared/contract.ts';
import { Service } from '../../src/engine/service.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';

describe('contract', () => {
  it('channel names match the operations and events exactly', () => {
    expect([...operationNames].sort()).toEqual(Object.keys(operations).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });

  it('the Service implements every operation', () => {
    const service = new Service({ host: 'cli', dataDir: '/tmp/x', settings: new MemorySettingsStore(), secrets: async () => new MemorySecretStore() });
    for (const name of operationNames) expect(typeof service[name], name).toBe('function');
  });

  it('settings patches are strict', () => {
    expect(settingsPatchSchema.safeParse({ language: 'ru' }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ language: 'fr' }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ password: 'x' }).success).toBe(false);
  });
});
