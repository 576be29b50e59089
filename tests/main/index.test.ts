import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { invokeChannel, operationNames } from '../../src/shared/channels.ts';

type ElectronMock = typeof import('../mocks/electron.ts');
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Loads src/main/index.ts afresh (it starts the app on import) with a fresh electron mock. */
async function launch(prepare: (electron: ElectronMock) => void = () => {}): Promise<ElectronMock> {
  vi.resetModules();
  // Through 'electron' itself, so this is exactly the mock instance index.ts is about to import.
  const electron = (await import('electron')) as unknown as ElectronMock;
  electron.resetElectronMock();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  electron.app.userDataDir = userData;
  prepare(electron);
  await import('../../src/main/index.ts');
  await flush();
  return electron;
}

let userData: string;
const savedEnv = { ...process.env };

beforeEach(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-main-'));
  delete process.env.LIFEBOAT_HOME;
  delete process.env.ELECTRON_RENDERER_URL;
});
afterEach(() => {
  process.env = { ...savedEnv };
  fs.rmSync(userData, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('main process lifecycle', () => {
  it('starts: single-instance lock, sandbox, app id, IPC, one hardened window', async () => {
    const { app, BrowserWindow, ipcMain, session } = await launch();
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(app.setAppUserModelId).toHaveBeenCalledWith('app.lifeboat.desktop');
    expect(session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect([...ipcMain.handlers.keys()]).toEqual(operationNames.map(invokeChannel));

    expect(BrowserWindow.instances).toHaveLength(1);
    const [win] = BrowserWindow.instances;
    expect(win?.options).toMatchObject({ webPreferences: { sandbox: true, contextIsolation: true } });
    expect(String((win?.options.webPreferences as { preload: string }).preload)).toMatch(
      /[/\\]preload[/\\]index\.cjs$/,
    );
    expect(win?.loadFile).toHaveBeenCalledWith(expect.stringMatching(/[/\\]renderer[/\\]index\.html$/));
    // The window is hardened through web-contents-created.
    expect(win?.webContents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('serves the window through a Service on the userData folder, as the desktop host', async () => {
    const { BrowserWindow, invokeEvent, ipcMain } = await launch();
    const win = BrowserWindow.instances[0]!;
    const info = await ipcMain.invoke(invokeChannel('getAppInfo'), invokeEvent(win.webContents), undefined);
    expect(info).toMatchObject({ ok: true, value: { host: 'desktop', dataDir: userData } });
    const saved = await ipcMain.invoke(invokeChannel('updateSettings'), invokeEvent(win.webContents), {
      language: 'ru',
    });
    expect(saved).toMatchObject({ ok: true, value: { language: 'ru' } });
    expect(fs.readdirSync(userData)).toContain('settings.json');
  });

  it('focuses the existing window when a second instance starts', async () => {
    const { app, BrowserWindow } = await launch();
    const win = BrowserWindow.instances[0]!;
    app.emit('second-instance', {}, [], '/');
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(win.focus).toHaveBeenCalled();
  });

  it('quits at once when another instance holds the lock', async () => {
    const { app, BrowserWindow, ipcMain } = await launch(({ app }) =>
      app.requestSingleInstanceLock.mockReturnValue(false),
    );
    expect(app.quit).toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('closes the Service and unregisters IPC before quitting', async () => {
    const { app, ipcMain } = await launch();
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(ipcMain.handlers.size).toBe(0);
    await flush();
    expect(app.quit).toHaveBeenCalledTimes(1);
    const again = { preventDefault: vi.fn() };
    app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('loads the dev server only when unpackaged', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    const dev = await launch();
    expect(dev.BrowserWindow.instances[0]?.loadURL).toHaveBeenCalledWith('http://localhost:5173/');

    const packaged = await launch(({ app }) => {
      app.isPackaged = true;
    });
    expect(packaged.BrowserWindow.instances[0]?.loadURL).not.toHaveBeenCalled();
    expect(packaged.BrowserWindow.instances[0]?.loadFile).toHaveBeenCalled();
  });
});
