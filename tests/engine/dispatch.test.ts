import { describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../src/engine/dispatch.ts';
import { Service } from '../../src/engine/service.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';

function service(): Service {
  return new Service({ host: 'cli', dataDir: '/tmp/x', settings: new MemorySettingsStore(), secrets: async () => new MemorySecretStore() });
}

describe('dispatch', () => {
  it('runs a valid call and emits its event', async () => {
    const s = service();
    const seen = vi.fn();
    s.on('settingsChanged', seen);
    expect(await dispatch(s, 'updateSettings', { language: 'ru' })).toEqual({ ok: true, value: { language: 'ru', theme: 'auto' } });
    expect(seen).toHaveBeenCalledWith({ language: 'ru', theme: 'auto' });
  });

  it('refuses unknown operations, including prototype names', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'close', 'on']) {
      const result = await dispatch(service(), name, undefined);
      expect(result.ok ? 'ok' : result.error.code, name).toBe('UNKNOWN_OPERATION');
    }
  });

  it('refuses malformed arguments before the Service sees them', async () => {
    const s = service();
    const spy = vi.spyOn(s, 'updateSettings');
    const result = await dispatch(s, 'updateSettings', { language: 'fr' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_ARGUMENT');
      expect(result.error.details).toContain('language');
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('turns unexpected throws into INTERNAL without leaking a stack', async () => {
    const s = service();
    vi.spyOn(s, 'listJobs').mockRejectedValue(new Error('boom'));
    const result = await dispatch(s, 'listJobs', undefined);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Lifeboat.', details: 'boom' } });
  });
});
