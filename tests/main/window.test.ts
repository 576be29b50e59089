import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { BrowserWindow, invokeEvent, resetElectronMock } from '../mocks/electron.ts';
import { createAppOrigin } from '../../src/main/app-origin.ts';
import { TrustedSenders } from '../../src/main/trusted-senders.ts';
import { createMainWindow, focusWindow } from '../../src/main/window.ts';
import { WindowController, routeUrl } from '../../src/main/window-controller.ts';

const indexFile = '/opt/Lifeboat/out/renderer/index.html';
const preloadPath = '/opt/Lifeboat/out/preload/index.cjs';
const prodOrigin = createAppOrigin({ devServerUrl: undefined, indexFile });

beforeEach(() => resetElectronMock());

function open(origin = prodOrigin) {
  const trusted = new TrustedSenders();
  const win = createMainWindow({ origin, preloadPath, trusted }) as unknown as BrowserWindow;
  return { win, trusted };
}

describe('main window', () => {
  it('runs the page isolated and sandboxed, with no Node and no webviews', () => {
    const { win } = open();
    expect(win.options).toMatchObject({
      minWidth: 1024,
      minHeight: 700,
      show: false,
      webPreferences: {
        preload: preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      },
    });
  });

  it('is shown only once ready, and its webContents is a trusted sender', () => {
    const { win, trusted } = open();
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledTimes(1);
    expect(trusted.has(win.webContents as never)).toBe(true);
    expect(invokeEvent(win.webContents).sender.id).toBe(win.webContents.id);
  });

  it('loads the built file in production', () => {
    const { win } = open();
    expect(win.loadFile).toHaveBeenCalledWith(indexFile);
    expect(win.loadURL).not.toHaveBeenCalled();
  });

  it('loads the dev server in development', () => {
    const { win } = open(createAppOrigin({ devServerUrl: 'http://localhost:5173/', indexFile }));
    expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(win.loadFile).not.toHaveBeenCalled();
  });

  it('focusWindow brings back a hidden window', () => {
    const { win } = open();
    focusWindow(win as never);
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });
});

describe('window controller', () => {
  const create = (route: string | undefined) =>
    createMainWindow({
      origin: prodOrigin,
      preloadPath,
      trusted: new TrustedSenders(),
      ...(route ? { route } : {}),
    });

  it('makes the window on demand, and only one', () => {
    const windows = new WindowController({ origin: prodOrigin, create });
    expect(windows.window).toBeNull();
    windows.show();
    windows.show();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(windows.window).toBe(BrowserWindow.instances[0]);
  });

  it('opens on the dashboard when asked, whether the window exists or not', () => {
    const windows = new WindowController({ origin: prodOrigin, create });
    windows.show('dashboard');
    const win = BrowserWindow.instances[0]!;
    expect(win.loadFile).toHaveBeenCalledWith(indexFile, { hash: '/dashboard' });

    win.hide();
    windows.show('dashboard');
    expect(win.loadURL).toHaveBeenCalledWith('file:///opt/Lifeboat/out/renderer/index.html#/dashboard');
    expect(win.isVisible()).toBe(true);
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('makes a new window after the old one was really closed', () => {
    const windows = new WindowController({ origin: prodOrigin, create });
    windows.show();
    BrowserWindow.instances[0]!.close();
    expect(windows.window).toBeNull();
    windows.show();
    expect(BrowserWindow.instances).toHaveLength(2);
  });

  it('builds route URLs for the dev server too', () => {
    const dev = createAppOrigin({ devServerUrl: 'http://localhost:5173/', indexFile });
    expect(routeUrl(dev, 'dashboard')).toBe('http://localhost:5173/#/dashboard');
    const { win } = open(dev);
    expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    createMainWindow({ origin: dev, preloadPath, trusted: new TrustedSenders(), route: 'dashboard' });
    expect(BrowserWindow.instances[1]?.loadURL).toHaveBeenCalledWith('http://localhost:5173/#/dashboard');
  });
});
