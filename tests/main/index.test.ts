import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));
// Only the electron-vite build understands `?asset`; here the icons are the files under assets/tray.
vi.mock('../../src/main/tray-icon-files.ts', async () => {
  const { trayIconFilesForTests } = await import('../mocks/tray-icon-files.ts');
  return { trayIconFiles: trayIconFilesForTests };
});

import { invokeChannel, operationNames } from '../../src/shared/channels.ts';

type ElectronMock = typeof import('../mocks/electron.ts');
type ServiceModule = typeof import('../../src/engine/service.ts');

interface Launched {
  electron: ElectronMock;
  service: ServiceModule['Service'];
}

let userData: string;
let configHome: string;
let current: Launched | null = null;
const savedEnv = { ...process.env };
const savedArgv = [...process.argv];

/**
 * Loads src/main/index.ts afresh (it starts the app on import) with a fresh electron mock, and waits
 * until start-up is over (the tray exists) unless the launch is expected to stop early.
 */
async function launch(
  prepare: (electron: ElectronMock, service: ServiceModule['Service']) => void = () => {},
  { waitForTray = true } = {},
): Promise<Launched> {
  if (current) await quit(current);
  vi.resetModules();
  // Through 'electron' itself, so this is exactly the mock instance index.ts is about to import.
  const electron = (await import('electron')) as unknown as ElectronMock;
  const { Service } = (await import('../../src/engine/service.ts')) as ServiceModule;
  electron.resetElectronMock();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  electron.app.userDataDir = userData;
  prepare(electron, Service);
  await import('../../src/main/index.ts');
  if (waitForTray) await vi.waitFor(() => expect(electron.Tray.instances).toHaveLength(1));
  else await new Promise((resolve) => setImmediate(resolve));
  current = { electron, service: Service };
  return current;
}

/** What quitting from the tray or Cmd+Q sets off, until the Service has closed. */
async function quit({ electron }: Launched): Promise<void> {
  const { app } = electron;
  const before = app.quit.mock.calls.length;
  const { willQuit } = app.simulateQuit();
  if (willQuit.prevented) await vi.waitFor(() => expect(app.quit.mock.calls.length).toBeGreaterThan(before));
  current = null;
}

const readState = () => JSON.parse(fs.readFileSync(path.join(userData, 'desktop-state.json'), 'utf8'));

beforeEach(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-main-'));
  configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-xdg-'));
  delete process.env.LIFEBOAT_HOME;
  delete process.env.ELECTRON_RENDERER_URL;
  delete process.env.APPIMAGE;
  process.env.XDG_CONFIG_HOME = configHome; // never the real ~/.config/autostart
  process.env.LANG = 'en_US.UTF-8';
});
afterEach(async () => {
  if (current) await quit(current);
  process.env = { ...savedEnv };
  process.argv = [...savedArgv];
  fs.rmSync(userData, { recursive: true, force: true });
  fs.rmSync(configHome, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('main process lifecycle', () => {
  it('starts: single-instance lock, sandbox, app id, IPC, one hardened window', async () => {
    const { app, BrowserWindow, ipcMain, session } = (await launch()).electron;
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
    const { BrowserWindow, invokeEvent, ipcMain } = (await launch()).electron;
    const win = BrowserWindow.instances[0]!;
    const info = await ipcMain.invoke(invokeChannel('getAppInfo'), invokeEvent(win.webContents), undefined);
    expect(info).toMatchObject({ ok: true, value: { host: 'desktop', dataDir: userData } });
    const saved = await ipcMain.invoke(invokeChannel('updateSettings'), invokeEvent(win.webContents), {
      language: 'ru',
    });
    expect(saved).toMatchObject({ ok: true, value: { language: 'ru' } });
    expect(fs.readdirSync(userData)).toContain('settings.json');
  });

  it('gives the Service native pickers: the window can browse for a folder', async () => {
    const { BrowserWindow, dialog, invokeEvent, ipcMain } = (await launch()).electron;
    const win = BrowserWindow.instances[0]!;
    BrowserWindow.focused = win;
    const info = await ipcMain.invoke(invokeChannel('getAppInfo'), invokeEvent(win.webContents), undefined);
    expect(info).toMatchObject({
      ok: true,
      value: { canChooseFolder: true, canChooseFile: true, homeDir: os.homedir() },
    });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/srv/crm'] });
    const picked = await ipcMain.invoke(invokeChannel('chooseFolder'), invokeEvent(win.webContents), {
      title: 'Choose',
    });
    expect(picked).toEqual({ ok: true, value: { path: '/srv/crm' } });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(win, {
      title: 'Choose',
      properties: ['openDirectory', 'createDirectory'],
    });
  });

  it('gives the Service launch at login, which the settings screen can read', async () => {
    const { BrowserWindow, invokeEvent, ipcMain } = (await launch()).electron;
    const win = BrowserWindow.instances[0]!;
    const state = await ipcMain.invoke(
      invokeChannel('getLaunchAtLogin'),
      invokeEvent(win.webContents),
      undefined,
    );
    expect(state).toMatchObject({ ok: true, value: { supported: true } });
  });

  it('focuses the existing window when a second instance starts', async () => {
    const { app, BrowserWindow } = (await launch()).electron;
    const win = BrowserWindow.instances[0]!;
    app.emit('second-instance', {}, ['/opt/Lifeboat/lifeboat'], '/');
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(win.focus).toHaveBeenCalled();
  });

  it('quits at once when another instance holds the lock', async () => {
    const { app, BrowserWindow, ipcMain, Tray } = (
      await launch(({ app }) => app.requestSingleInstanceLock.mockReturnValue(false), { waitForTray: false })
    ).electron;
    expect(app.quit).toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(Tray.instances).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);
    current = null;
  });

  it('stops the scheduler, then closes the Service and unregisters IPC before quitting', async () => {
    const launched = await launch((_electron, Service) => {
      vi.spyOn(Service.prototype, 'stopScheduler');
      vi.spyOn(Service.prototype, 'close');
    });
    const { app, ipcMain, Tray } = launched.electron;
    const { stopScheduler, close } = launched.service.prototype as unknown as Record<
      string,
      ReturnType<typeof vi.fn>
    >;
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(ipcMain.handlers.size).toBe(0);
    expect(Tray.instances[0]?.destroy).toHaveBeenCalled();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(stopScheduler!.mock.invocationCallOrder[0]).toBeLessThan(close!.mock.invocationCallOrder[0]!);
    const again = { preventDefault: vi.fn() };
    app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
    current = null;
  });

  it('loads the dev server only when unpackaged', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    const dev = (await launch()).electron;
    expect(dev.BrowserWindow.instances[0]?.loadURL).toHaveBeenCalledWith('http://localhost:5173/');

    const packaged = (
      await launch(({ app }) => {
        app.isPackaged = true;
      })
    ).electron;
    expect(packaged.BrowserWindow.instances[0]?.loadURL).not.toHaveBeenCalled();
    expect(packaged.BrowserWindow.instances[0]?.loadFile).toHaveBeenCalled();
  });
});

describe('schedules', () => {
  it('starts the scheduler once ready and catches up on resume and unlock-screen', async () => {
    const launched = await launch((_electron, Service) => {
      vi.spyOn(Service.prototype, 'startScheduler');
      vi.spyOn(Service.prototype, 'resumeScheduler');
    });
    const { powerMonitor } = launched.electron;
    const { startScheduler, resumeScheduler } = launched.service.prototype as unknown as Record<
      string,
      ReturnType<typeof vi.fn>
    >;
    expect(startScheduler).toHaveBeenCalledTimes(1);
    expect(resumeScheduler).not.toHaveBeenCalled();
    powerMonitor.emit('resume');
    expect(resumeScheduler).toHaveBeenCalledTimes(1);
    powerMonitor.emit('unlock-screen');
    expect(resumeScheduler).toHaveBeenCalledTimes(2);
  });

  it('quits cleanly when the OS shuts down (Linux, macOS)', async () => {
    const { app, powerMonitor } = (await launch()).electron;
    const event = { preventDefault: vi.fn() };
    powerMonitor.emit('shutdown', event);
    expect(event.preventDefault).toHaveBeenCalled(); // delays the shutdown until the Service closed
    expect(app.quit).toHaveBeenCalledTimes(1);
  });
});

describe('staying in the tray', () => {
  it('hides the window on close and says so once, in the user language, across restarts', async () => {
    let electron = (await launch()).electron;
    let win = electron.BrowserWindow.instances[0]!;
    win.show();
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.hide).toHaveBeenCalledTimes(1);
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(electron.Notification.instances.map((n) => n.body)).toEqual([
      'Lifeboat keeps running in the tray to make your backups on time',
    ]);
    expect(electron.Notification.instances[0]?.show).toHaveBeenCalled();

    // Again in the same session: hidden again, no second notice.
    electron.Tray.instances[0]!.contextMenu!.find('Open Lifeboat')!.click!();
    expect(win.isVisible()).toBe(true);
    win.close();
    expect(win.isVisible()).toBe(false);
    expect(electron.Notification.instances).toHaveLength(1);
    await vi.waitFor(() => expect(readState()).toMatchObject({ trayNoticeShown: true }));

    // And after a restart, still not again.
    electron = (await launch()).electron;
    win = electron.BrowserWindow.instances[0]!;
    win.close();
    expect(win.hide).toHaveBeenCalled();
    expect(electron.Notification.instances).toHaveLength(0);
  });

  it('Quit from the tray really quits: the window closes and the Service shuts down', async () => {
    const launched = await launch();
    const { app, BrowserWindow, Tray } = launched.electron;
    const win = BrowserWindow.instances[0]!;
    Tray.instances[0]!.contextMenu!.find('Quit Lifeboat')!.click!();
    expect(app.quit).toHaveBeenCalledTimes(1);
    // What Electron does after app.quit(): before-quit, every window closes, will-quit.
    const { willQuit } = app.simulateQuit();
    expect(win.isDestroyed()).toBe(true);
    expect(willQuit.prevented).toBe(true); // waiting for the Service to close
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(2));
    current = null;
  });

  it('starts with --hidden without a window; the tray opens it', async () => {
    process.argv = [...savedArgv, '--hidden'];
    const { app, BrowserWindow, Tray } = (await launch()).electron;
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(Tray.instances).toHaveLength(1);
    // A login item starting a second copy does not pop the window up either...
    app.emit('second-instance', {}, ['/opt/Lifeboat/lifeboat', '--hidden'], '/');
    expect(BrowserWindow.instances).toHaveLength(0);
    // ...but the tray does.
    Tray.instances[0]!.contextMenu!.find('Open Lifeboat')!.click!();
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('shows the tray in Russian when the settings say so', async () => {
    fs.writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ language: 'ru', theme: 'auto' }));
    const { Tray } = (await launch()).electron;
    const tray = Tray.instances[0]!;
    expect(tray.toolTip).toBe('Lifeboat — резервное копирование ещё не настроено');
    expect(tray.contextMenu!.labels()).toEqual([
      'Открыть Lifeboat',
      '---',
      'Создать копию сейчас',
      'Приостановить расписания',
      '---',
      'Выйти из Lifeboat',
    ]);
  });
});

describe.runIf(process.platform === 'linux')('launch at login (Linux)', () => {
  const autostart = () => path.join(configHome, 'autostart', 'lifeboat.desktop');

  it('is switched on by the first run of an installed app, and only by the first', async () => {
    await launch(({ app }) => {
      app.isPackaged = true;
    });
    await vi.waitFor(() => expect(readState()).toMatchObject({ launchAtLoginDefaulted: true }));
    expect(fs.readFileSync(autostart(), 'utf8')).toContain(`Exec=${process.execPath} --hidden`);

    // The user turned it off: the next start leaves it off.
    fs.rmSync(autostart());
    await launch(({ app }) => {
      app.isPackaged = true;
    });
    expect(fs.existsSync(autostart())).toBe(false);
  });

  it('is left alone by a run from source', async () => {
    await launch();
    expect(fs.existsSync(autostart())).toBe(false);
    expect(fs.existsSync(path.join(userData, 'desktop-state.json'))).toBe(false);
  });
});
