/**
 * Lifeboat's Electron main process: app lifecycle and wiring only. The window, security rules, IPC,
 * tray, schedules and notifications live in their own modules; every feature lives in the engine's
 * Service. Lifeboat stays in the tray when its window is closed, so scheduled backups keep happening.
 */
import path from 'node:path';
import { app, powerMonitor, session } from 'electron';
import { resolveDataDir } from '../engine/paths.ts';
import { lazySecretStore } from '../engine/create-service.ts';
import { Service } from '../engine/service.ts';
import { FileSettingsStore } from '../engine/settings/settings-store.ts';
import { createAppOrigin, pickDevServerUrl } from './app-origin.ts';
import { hideOnClose, trayNoticeOnce } from './close-to-tray.ts';
import { DesktopState } from './desktop-state.ts';
import { chooseFile, chooseFolder } from './dialogs.ts';
import { registerIpc, type IpcAdapter } from './ipc-adapter.ts';
import { JobTracker } from './job-tracker.ts';
import { keepAwakeWhileRunning } from './keep-awake.ts';
import { watchLanguage, type LanguageWatch } from './language.ts';
import { log } from './log.ts';
import { applyLaunchAtLoginDefault, launchAtLoginControl, loginItemContext } from './login-item.ts';
import { showNotice, type Notice } from './notifications.ts';
import { openExternal } from './open-external.ts';
import { notifyRunResults } from './run-notifications.ts';
import { runSchedules, type Schedules } from './schedules.ts';
import { hardenApp } from './security.ts';
import { hiddenArg, startsHidden } from './start-options.ts';
import { textsFor } from './texts.ts';
import { trayIconFiles } from './tray-icon-files.ts';
import { loadTrayIcons } from './tray-icons.ts';
import { createAppTray, type AppTray } from './tray.ts';
import { TrustedSenders } from './trusted-senders.ts';
import { WindowController } from './window-controller.ts';
import { createMainWindow } from './window.ts';

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
  let service: Service | null = null;
  let ipc: IpcAdapter | null = null;
  let tray: AppTray | null = null;
  let schedules: Schedules | null = null;
  let language: LanguageWatch | null = null;
  let tracker: JobTracker | null = null;
  const stopWatching: (() => void)[] = [];
  let quitting = false;
  let closed = false;
  // Set once the data folder is known (when ready); until then there is no window to close anyway.
  let onHiddenToTray = (): void => {};

  const windows = new WindowController({
    origin,
    create: (route) => {
      const win = createMainWindow({ origin, preloadPath, trusted, ...(route ? { route } : {}) });
      hideOnClose(win, {
        isQuitting: () => quitting,
        canHide: () => tray !== null,
        onHidden: () => onHiddenToTray(),
      });
      return win;
    },
  });
  const quit = (): void => {
    quitting = true;
    app.quit();
  };

  // A request to show the window before start-up is over is kept for its end (no tray yet to hide to).
  let started = false;
  let showWhenStarted = false;
  const showWindow = (): void => {
    if (started) windows.show();
    else showWhenStarted = true;
  };
  app.on('second-instance', (_event, argv) => {
    // The login item starting a second copy must not pop the window up; a user's double-click does.
    if (!argv.includes(hiddenArg)) showWindow();
  });
  app.on('activate', showWindow);
  // Closing the window hides it to the tray (close-to-tray.ts), so this happens only without a tray:
  // then closing the window is quitting, except on macOS where apps stay in the Dock.
  app.on('window-all-closed', () => {
    if (!tray && process.platform !== 'darwin') quit();
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // Stop the scheduler, then let the Service finish closing (flush settings, release repository
  // locks) before the process exits.
  app.on('will-quit', (event) => {
    quitting = true;
    if (closed || !service) return;
    event.preventDefault();
    ipc?.dispose();
    for (const stop of stopWatching.splice(0)) stop();
    tracker?.dispose();
    language?.dispose();
    tray?.destroy();
    tray = null;
    const closing = service;
    const shutdown = async (): Promise<void> => {
      await schedules?.stop();
      await closing.close();
    };
    // Bounded, so a stuck close can never leave an app that refuses to quit.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, closeTimeoutMs)));
    Promise.race([shutdown(), deadline])
      .catch((err: unknown) => log.error('The service did not close cleanly:', err))
      .finally(() => {
        clearTimeout(timer);
        closed = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(async () => {
      hardenApp(app, session.defaultSession, origin);
      const dataDir = resolveDataDir({ electronUserData: app.getPath('userData') });
      const svc = new Service({
        host: 'desktop',
        dataDir,
        settings: new FileSettingsStore(dataDir),
        secrets: lazySecretStore(dataDir),
        openUrl: (url) => void openExternal(url),
        launchAtLogin: launchAtLoginControl(),
        chooseFolder,
        chooseFile,
      });
      service = svc;
      ipc = registerIpc({ service: svc, trusted, origin });
      const desktopState = new DesktopState(dataDir);
      const lang = await watchLanguage(svc);
      language = lang;
      const jobs = new JobTracker(svc);
      tracker = jobs;
      // The tracker listens before the scheduler starts, so the catch-up runs at start are seen.
      await jobs.start();
      // Quit during start-up: will-quit has already tidied up, nothing more may start.
      if (quitting) return;
      schedules = runSchedules(svc);
      stopWatching.push(keepAwakeWhileRunning(jobs));
      // Linux and macOS announce a shutdown here (Windows: the window's session-end). Delaying it
      // lets the Service record the interrupted run and release its repository locks.
      // (Electron's typings omit the event its docs describe, hence the loose parameter.)
      const onShutdown = (...args: unknown[]): void => {
        (args[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
        quit();
      };
      powerMonitor.on('shutdown', onShutdown);
      stopWatching.push(() => powerMonitor.removeListener('shutdown', onShutdown));

      try {
        tray = createAppTray({
          jobs,
          service: svc,
          language: lang,
          icons: loadTrayIcons(trayIconFiles),
          openWindow: () => windows.show(),
          quit,
        });
      } catch (err) {
        // Without a tray, closing the window quits (close-to-tray.ts checks canHide).
        log.error('The tray icon could not be created:', err);
      }
      // Windows without toast notifications still has the tray's balloon.
      const notify = (notice: Notice): void => {
        if (!showNotice(notice)) tray?.balloon(notice.title, notice.body);
      };
      onHiddenToTray = trayNoticeOnce(desktopState, () => {
        const t = textsFor(lang.current());
        notify({ title: t.keepsRunningTitle, body: t.keepsRunningBody });
      });
      stopWatching.push(
        notifyRunResults({
          jobs,
          service: svc,
          language: () => lang.current(),
          notify,
          openDashboard: () => windows.show('dashboard'),
        }),
      );
      void applyLaunchAtLoginDefault(loginItemContext(), desktopState);

      const hidden = startsHidden({
        argv: process.argv,
        platform: process.platform,
        openedAtLogin: () => app.getLoginItemSettings().wasOpenedAtLogin,
      });
      started = true;
      // Started at login: only the tray. Without a tray there would be no way in, so show the window.
      if (!hidden || !tray || showWhenStarted) windows.show();
    })
    .catch((err: unknown) => {
      log.error('Lifeboat could not start:', err);
      app.exit(1);
    });
}

start();
