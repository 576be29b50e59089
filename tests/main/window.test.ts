import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { BrowserWindow, invokeEvent, resetElectronMock } from '../mocks/electron.ts';
import { createAppOrigin } from '../../src/main/app-origin.ts';
import { TrustedSenders } from '../../src/main/trusted-senders.ts';
import { createMainWindow, focusWindow } from '../../src/main/window.ts';

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
