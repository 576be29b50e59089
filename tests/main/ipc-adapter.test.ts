import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import {
  BrowserWindow,
  MockWebFrameMain,
  invokeEvent,
  ipcMain,
  resetElectronMock,
} from '../mocks/electron.ts';
import { Service } from '../../src/engine/service.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';
import { eventChannel, invokeChannel, operationNames } from '../../src/shared/channels.ts';
import { createAppOrigin } from '../../src/main/app-origin.ts';
import { registerIpc, type IpcAdapter } from '../../src/main/ipc-adapter.ts';
import { TrustedSenders } from '../../src/main/trusted-senders.ts';

const origin = createAppOrigin({
  devServerUrl: undefined,
  indexFile: '/opt/Lifeboat/out/renderer/index.html',
});

/** A window as window.ts makes it: trusted, showing our page. */
function appWindow(trusted: TrustedSenders): BrowserWindow {
  const win = new BrowserWindow();
  trusted.add(win.webContents as never);
  win.webContents.navigateTo(`${origin.entryUrl}#/settings`);
  return win;
}

describe('IPC adapter', () => {
  let service: Service;
  let trusted: TrustedSenders;
  let adapter: IpcAdapter;
  let win: BrowserWindow;

  beforeEach(() => {
    resetElectronMock();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    service = new Service({ host: 'desktop', dataDir: '/data', settings: new MemorySettingsStore(), secrets: async () => new MemorySecretStore() });
    trusted = new TrustedSenders();
    adapter = registerIpc({ service, trusted, origin });
    win = appWindow(trusted);
  });
  afterEach(() => {
    adapter.dispose();
    vi.restoreAllMocks();
  });

  const call = (channel: string, event: unknown, ...args: unknown[]) =>
    ipcMain.invoke(channel, event, ...args);

  describe('channels', () => {
    it('registers one invoke handler per contract operation and nothing else', () => {
      expect([...ipcMain.handlers.keys()]).toEqual(operationNames.map(invokeChannel));
      expect(adapter.channels).toEqual(operationNames.map(invokeChannel));
      // No send-style listeners at all: ipcRenderer.send on any channel reaches nothing.
      expect(ipcMain.eventNames()).toEqual([]);
    });

    it('rejects a call on an unknown lifeboat:* channel, since nothing handles it', async () => {
      const getSettings = vi.spyOn(service, 'getSettings');
      await expect(
        call('lifeboat:invoke:deleteEverything', invokeEvent(win.webContents), undefined),
      ).rejects.toThrow(/No handler registered/);
      await expect(
        call('lifeboat:invoke:__proto__', invokeEvent(win.webContents), undefined),
      ).rejects.toThrow();
      // A fire-and-forget message on a contract channel has no listener either.
      expect(ipcMain.emit(invokeChannel('getSettings'), invokeEvent(win.webContents), undefined)).toBe(false);
      expect(getSettings).not.toHaveBeenCalled();
    });
  });

  describe('arguments', () => {
    it('refuses a malformed argument with INVALID_ARGUMENT before the Service sees it', async () => {
      const updateSettings = vi.spyOn(service, 'updateSettings');
      const result = await call(invokeChannel('updateSettings'), invokeEvent(win.webContents), {
        language: 'fr',
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(updateSettings).not.toHaveBeenCalled();
    });

    it('refuses unknown keys and arguments where the operation takes none', async () => {
      const updateSettings = vi.spyOn(service, 'updateSettings');
      const listJobs = vi.spyOn(service, 'listJobs');
      const extra = await call(invokeChannel('updateSettings'), invokeEvent(win.webContents), {
        theme: 'dark',
        x: 1,
      });
      const unwanted = await call(invokeChannel('listJobs'), invokeEvent(win.webContents), { all: true });
      expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(unwanted).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(updateSettings).not.toHaveBeenCalled();
      expect(listJobs).not.toHaveBeenCalled();
    });

    it('refuses a call that did not come through the preload (wrong argument count)', async () => {
      const updateSettings = vi.spyOn(service, 'updateSettings');
      const result = await call(
        invokeChannel('updateSettings'),
        invokeEvent(win.webContents),
        { theme: 'dark' },
        'x',
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(updateSettings).not.toHaveBeenCalled();
    });
  });

  describe('sender check', () => {
    it('refuses a webContents this app did not register', async () => {
      const getSettings = vi.spyOn(service, 'getSettings');
      const stranger = new BrowserWindow();
      stranger.webContents.navigateTo(origin.entryUrl); // same page, but not a window we created
      const result = await call(invokeChannel('getSettings'), invokeEvent(stranger.webContents), undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
      expect(getSettings).not.toHaveBeenCalled();
      expect(console.warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.stringMatching(/Refused IPC call getSettings/),
      );
    });

    it('refuses our own window once it shows a foreign page', async () => {
      const updateSettings = vi.spyOn(service, 'updateSettings');
      win.webContents.navigateTo('https://evil.example/');
      const result = await call(invokeChannel('updateSettings'), invokeEvent(win.webContents), {
        theme: 'dark',
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
      expect(updateSettings).not.toHaveBeenCalled();
    });

    it('refuses another local file, a sub-frame and a vanished frame', async () => {
      const getAppInfo = vi.spyOn(service, 'getAppInfo');
      const otherFile = new MockWebFrameMain('file:///tmp/evil.html');
      const subFrame = new MockWebFrameMain(origin.entryUrl, win.webContents.mainFrame);
      for (const frame of [otherFile, subFrame, null]) {
        const result = await call(
          invokeChannel('getAppInfo'),
          invokeEvent(win.webContents, frame),
          undefined,
        );
        expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
      }
      expect(getAppInfo).not.toHaveBeenCalled();
    });

    it('forgets a window when its webContents is destroyed', async () => {
      const getSettings = vi.spyOn(service, 'getSettings');
      const event = invokeEvent(win.webContents);
      win.close();
      const result = await call(invokeChannel('getSettings'), event, undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
      expect(getSettings).not.toHaveBeenCalled();
    });
  });

  describe('valid calls', () => {
    it('reach the Service and return its value as a Result', async () => {
      const updateSettings = vi.spyOn(service, 'updateSettings');
      const updated = await call(invokeChannel('updateSettings'), invokeEvent(win.webContents), {
        language: 'ru',
      });
      expect(updated).toEqual({ ok: true, value: { language: 'ru', theme: 'auto' } });
      expect(updateSettings).toHaveBeenCalledWith({ language: 'ru' });

      const info = await call(invokeChannel('getAppInfo'), invokeEvent(win.webContents), undefined);
      expect(info).toMatchObject({
        ok: true,
        value: { name: 'Lifeboat', host: 'desktop', dataDir: '/data' },
      });
    });

    it('treats a call without an argument like an undefined input', async () => {
      const result = await call(invokeChannel('getSettings'), invokeEvent(win.webContents));
      expect(result).toEqual({ ok: true, value: { language: 'en', theme: 'auto' } });
    });

    it('turns a Service failure into an error Result, not a rejected promise', async () => {
      vi.spyOn(service, 'listJobs').mockRejectedValue(new Error('disk on fire'));
      const result = await call(invokeChannel('listJobs'), invokeEvent(win.webContents), undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', details: 'disk on fire' } });
    });

    it('accepts the dev server page in development', async () => {
      adapter.dispose();
      const dev = createAppOrigin({ devServerUrl: 'http://localhost:5173/', indexFile: '/x/index.html' });
      adapter = registerIpc({ service, trusted, origin: dev });
      win.webContents.navigateTo('http://localhost:5173/#/jobs');
      const ok = await call(invokeChannel('listJobs'), invokeEvent(win.webContents), undefined);
      expect(ok).toEqual({ ok: true, value: [] });
      win.webContents.navigateTo('http://localhost:5174/');
      const refused = await call(invokeChannel('listJobs'), invokeEvent(win.webContents), undefined);
      expect(refused).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    });
  });

  describe('events', () => {
    it('forwards Service events to trusted windows only, payload as is', async () => {
      const second = appWindow(trusted);
      const stranger = new BrowserWindow();
      stranger.webContents.navigateTo(origin.entryUrl);
      const wandered = appWindow(trusted);
      wandered.webContents.navigateTo('https://evil.example/');

      await service.updateSettings({ theme: 'dark' });

      const expected = [eventChannel('settingsChanged'), { language: 'en', theme: 'dark' }];
      expect(win.webContents.send).toHaveBeenCalledWith(...expected);
      expect(second.webContents.send).toHaveBeenCalledWith(...expected);
      expect(stranger.webContents.send).not.toHaveBeenCalled();
      expect(wandered.webContents.send).not.toHaveBeenCalled();
    });

    it('skips destroyed windows and survives a failing send', async () => {
      const closed = appWindow(trusted);
      closed.close();
      win.webContents.send.mockImplementationOnce(() => {
        throw new Error('Object has been destroyed');
      });
      const other = appWindow(trusted);
      await service.updateSettings({ theme: 'light' });
      expect(closed.webContents.send).not.toHaveBeenCalled();
      expect(other.webContents.send).toHaveBeenCalledTimes(1);
    });
  });

  it('dispose() removes every handler and stops forwarding events', async () => {
    adapter.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    await service.updateSettings({ theme: 'dark' });
    expect(win.webContents.send).not.toHaveBeenCalled();
    await expect(call(invokeChannel('getSettings'), invokeEvent(win.webContents), undefined)).rejects.toThrow(
      /No handler registered/,
    );
    adapter = registerIpc({ service, trusted, origin }); // afterEach disposes again
  });
});
