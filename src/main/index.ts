/**
 * Lifeboat's Electron main process: app lifecycle only. The window, security rules and IPC live in
 * their own modules; every feature lives in the engine's Service.
 */
import path from 'node:path';
import { app, session, type BrowserWindow } from 'electron';
import { resolveDataDir } from '../engine/paths.ts';
import { lazySecretStore } from '../engine/create-service.ts';
import { Service } from '../engine/service.ts';
import { FileSettingsStore } from '../engine/settings/settings-store.ts';
import { createAppOrigin, pickDevServerUrl } from './app-origin.ts';
import { registerIpc, type IpcAdapter } from './ipc-adapter.ts';
import { log } from './log.ts';
import { openExternal } from './open-external.ts';
import { hardenApp } from './security.ts';
import { TrustedSenders } from './trusted-senders.ts';
import { createMainWindow, focusWindow } from './window.ts';

const appUserModelId = 'app.lifeboat.desktop';
const closeTimeoutMs = 10_000;
// Bundled layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
const indexFile = path.join(import.meta.dirname, '../renderer/index.html');

function start(): void {
  // One Lifeboat per user: two schedulers writing the same repositories would fight over locks.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  app.setAppUserModelId(appUserModelId);

  const origin = createAppOrigin({
    devServerUrl: pickDevServerUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged),
    indexFile,
  });
  const trusted = new TrustedSenders();
  let mainWindow: BrowserWindow | null = null;
  let service: Service | null = null;
  let ipc: IpcAdapter | null = null;
  let closed = false;

  const showWindow = (): void => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      focusWindow(mainWindow);
      return;
    }
    const win = createMainWindow({ origin, preloadPath, trusted });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    mainWindow = win;
  };

  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });
  app.on('activate', () => {
    if (app.isReady()) showWindow();
  });
  // TODO(tray): once scheduled backups run in the background, keep running here and hide to the tray.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Let the Service finish closing (flush settings, release repository locks) before the process exits.
  app.on('will-quit', (event) => {
    if (closed || !service) return;
    event.preventDefault();
    ipc?.dispose();
    // Bounded, so a stuck close can never leave an app that refuses to quit.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, closeTimeoutMs)));
    Promise.race([service.close(), deadline])
      .catch((err: unknown) => log.error('The service did not close cleanly:', err))
      .finally(() => {
        clearTimeout(timer);
        closed = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(() => {
      hardenApp(app, session.defaultSession, origin);
      const dataDir = resolveDataDir({ electronUserData: app.getPath('userData') });
      service = new Service({
        host: 'desktop',
        dataDir,
        settings: new FileSettingsStore(dataDir),
        secrets: lazySecretStore(dataDir),
        openUrl: (url) => void openExternal(url),
      });
      ipc = registerIpc({ service, trusted, origin });
      showWindow();
    })
    .catch((err: unknown) => {
      log.error('Lifeboat could not start:', err);
      app.exit(1);
    });
}

start();
