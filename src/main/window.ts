import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { AppOrigin } from './app-origin.ts';
import { log } from './log.ts';
import type { TrustedSenders } from './trusted-senders.ts';

export interface MainWindowOptions {
  origin: AppOrigin;
  preloadPath: string;
  trusted: TrustedSenders;
  iconPath?: string;
  /** A screen of the hash router to open on (e.g. 'dashboard' from a notification click). */
  route?: string;
}

/** Exported so a test can pin the security-relevant preferences (checklist items 2-4, 6, 8-12). */
export function mainWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Lifeboat',
    autoHideMenuBar: true,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * The main window. Its webContents is registered as a trusted IPC sender before the page loads, and it
 * is shown only once painted so the user never sees a blank frame.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(options.preloadPath, options.iconPath));
  options.trusted.add(win.webContents);
  win.once('ready-to-show', () => win.show());

  const { origin, route } = options;
  const loading = origin.devServerUrl
    ? win.loadURL(route ? `${origin.devServerUrl}#/${route}` : origin.devServerUrl)
    : route
      ? win.loadFile(origin.indexFile, { hash: `/${route}` })
      : win.loadFile(origin.indexFile);
  loading.catch((err: unknown) => log.error('The window could not load its page:', origin.entryUrl, err));
  return win;
}

/** Brings an existing window to the front (a second launch, a tray click). */
export function focusWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
