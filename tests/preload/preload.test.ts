import fs from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { contextBridge, ipcRenderer } from '../mocks/electron.ts';
import { eventChannel, eventNames, invokeChannel, operationNames } from '../../src/shared/channels.ts';
import type { LifeboatBridge } from '../../src/shared/contract.ts';

let bridge: LifeboatBridge;

beforeAll(async () => {
  await import('../../src/preload/index.ts');
  bridge = contextBridge.exposed.lifeboat as LifeboatBridge;
});
beforeEach(() => {
  ipcRenderer.invoke.mockClear();
});

describe('preload bridge', () => {
  it('exposes window.lifeboat only, with exactly the contract operations and on()', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(contextBridge.exposed)).toEqual(['lifeboat']);
    expect(Object.keys(bridge).sort()).toEqual([...operationNames, 'on'].sort());
    for (const value of Object.values(bridge)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(ipcRenderer.invoke);
      expect(value).not.toBe(ipcRenderer.on);
    }
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('maps each method to its invoke channel with exactly one argument', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { language: 'ru', theme: 'auto' } });
    await expect(bridge.updateSettings({ language: 'ru' })).resolves.toEqual({
      ok: true,
      value: { language: 'ru', theme: 'auto' },
    });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(invokeChannel('updateSettings'), { language: 'ru' });

    await bridge.getSettings(undefined);
    expect(ipcRenderer.invoke.mock.lastCall).toEqual([invokeChannel('getSettings'), undefined]);

    // Extra arguments from the page never cross.
    (bridge.updateSettings as (...args: unknown[]) => unknown)({ theme: 'dark' }, 'extra', 42);
    expect(ipcRenderer.invoke.mock.lastCall).toEqual([invokeChannel('updateSettings'), { theme: 'dark' }]);
  });

  it('hands listeners the payload only, never the IpcRendererEvent', () => {
    const listener = vi.fn();
    const off = bridge.on('progress', listener);
    const payload = { jobId: 'j1', operation: 'backup', phase: 'scan' };
    ipcRenderer.deliver(eventChannel('progress'), payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);

    off();
    ipcRenderer.deliver(eventChannel('progress'), payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.listenerCount(eventChannel('progress'))).toBe(0);
  });

  it('accepts every contract event and refuses anything else', () => {
    for (const name of eventNames) bridge.on(name, () => {})();
    const on = bridge.on as (event: string, listener: unknown) => () => void;
    for (const name of ['evil', 'lifeboat:invoke:getSettings', '__proto__', 'constructor', 'toString', '']) {
      expect(() => on(name, () => {}), name).toThrow(/Unknown Lifeboat event/);
    }
    expect(() => on('progress', 'not a function')).toThrow(TypeError);
    expect(ipcRenderer.eventNames()).toEqual([]);
  });

  it('imports nothing but electron and the zod-free channel list at runtime', () => {
    const source = fs.readFileSync(new URL('../../src/preload/index.ts', import.meta.url), 'utf8');
    const runtimeImports = [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm)].map(
      (m) => m[1],
    );
    expect(runtimeImports.sort()).toEqual(['../shared/channels.ts', 'electron']);
  });
});
