import { describe, expect, it, vi } from 'vitest';
import type { LifeboatBridge } from '../../src/shared/contract.ts';
import { BridgeClient } from '../../src/renderer/api/bridge-client.ts';
import { ClientError } from '../../src/renderer/api/client.ts';

function fakeBridge(overrides: Partial<LifeboatBridge>): LifeboatBridge {
  return { on: () => () => {}, ...overrides } as LifeboatBridge;
}

describe('BridgeClient', () => {
  it('unwraps ok results and passes the input through', async () => {
    const updateSettings = vi.fn(async () => ({
      ok: true as const,
      value: { language: 'ru' as const, theme: 'auto' as const },
    }));
    const client = new BridgeClient(fakeBridge({ updateSettings }));
    await expect(client.call('updateSettings', { language: 'ru' })).resolves.toEqual({
      language: 'ru',
      theme: 'auto',
    });
    expect(updateSettings).toHaveBeenCalledWith({ language: 'ru' });
  });

  it('throws ClientError for ok:false and INTERNAL when IPC itself rejects', async () => {
    const client = new BridgeClient(
      fakeBridge({
        getSettings: async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'gone' } }),
        listJobs: async () => {
          throw new Error('ipc broke');
        },
      }),
    );
    await expect(client.call('getSettings')).rejects.toBeInstanceOf(ClientError);
    await expect(client.call('getSettings')).rejects.toMatchObject({
      info: { code: 'NOT_FOUND', message: 'gone' },
    });
    await expect(client.call('listJobs')).rejects.toMatchObject({
      info: { code: 'INTERNAL', details: 'ipc broke' },
    });
  });

  it('forwards event subscriptions and is always connected', () => {
    const off = vi.fn();
    const on = vi.fn(() => off);
    const client = new BridgeClient(fakeBridge({ on: on as LifeboatBridge['on'] }));
    const listener = () => {};
    expect(client.on('jobState', listener)).toBe(off);
    expect(on).toHaveBeenCalledWith('jobState', listener);
    expect(client.connectionState()).toBe('open');
  });
});
