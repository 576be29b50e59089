import { Menu, Tray, type NativeImage } from 'electron';
import type { JobSummary, ServiceApi } from '../shared/contract.ts';
import type { LanguageWatch } from './language.ts';
import { log } from './log.ts';
import { trayMenuTemplate, type TrayActions } from './tray-menu.ts';
import { trayState, trayTooltip, type TrayState } from './tray-state.ts';

/** The part of the JobTracker the tray reads. */
export interface TrayJobs {
  jobs(): JobSummary[];
  percents(): ReadonlyMap<string, number>;
  onChange(listener: () => void): () => void;
}

export interface AppTrayOptions {
  jobs: TrayJobs;
  service: Pick<ServiceApi, 'runJobNow' | 'pauseJob' | 'resumeJob'>;
  language: LanguageWatch;
  icons: Readonly<Record<TrayState, NativeImage>>;
  openWindow: () => void;
  quit: () => void;
  platform?: NodeJS.Platform;
}

export interface AppTray {
  /** Windows only: a balloon from the tray icon, for when toast notifications are unavailable. */
  balloon(title: string, content: string): void;
  destroy(): void;
}

/** Runs the Service calls of a menu item one after another (one jobs-file write at a time). */
async function each(
  ids: readonly string[],
  action: (id: string) => Promise<unknown>,
  what: string,
): Promise<void> {
  for (const id of ids) {
    try {
      await action(id);
    } catch (err) {
      log.warn(`Could not ${what} job ${id} from the tray:`, err);
    }
  }
}

/**
 * The tray icon: its picture and tooltip follow the jobs, its menu starts backups, pauses and resumes
 * the schedules, opens the window and quits. The menu is rebuilt and set again whenever its content
 * changes: on Linux a menu already handed to the tray does not pick up later item changes.
 */
export function createAppTray(options: AppTrayOptions): AppTray {
  const { jobs, service, language, icons } = options;
  const platform = options.platform ?? process.platform;
  let state: TrayState = trayState(jobs.jobs());
  const tray = new Tray(icons[state]);
  let tooltip = '';
  let menuKey = '';

  const actions: TrayActions = {
    open: () => options.openWindow(),
    backUpAll: () => {
      const ids = jobs
        .jobs()
        .filter((job) => job.status !== 'paused')
        .map((job) => job.id);
      void each(ids, (id) => service.runJobNow({ id }), 'start');
    },
    backUp: (id) => void each([id], (jobId) => service.runJobNow({ id: jobId }), 'start'),
    pauseAll: () =>
      void each(
        jobs.jobs().map((job) => job.id),
        (id) => service.pauseJob({ id }),
        'pause',
      ),
    resumeAll: () =>
      void each(
        jobs.jobs().map((job) => job.id),
        (id) => service.resumeJob({ id }),
        'resume',
      ),
    quit: () => options.quit(),
  };

  const update = (): void => {
    if (tray.isDestroyed()) return;
    const list = jobs.jobs();
    const lang = language.current();
    const nextState = trayState(list);
    if (nextState !== state) {
      state = nextState;
      tray.setImage(icons[state]);
    }
    const nextTooltip = trayTooltip(list, jobs.percents(), lang);
    // Progress events come many times a second; the OS is told only when the words change.
    if (nextTooltip !== tooltip) {
      tooltip = nextTooltip;
      tray.setToolTip(tooltip);
    }
    const nextKey = JSON.stringify([lang, list.map((job) => [job.id, job.name, job.status])]);
    if (nextKey !== menuKey) {
      menuKey = nextKey;
      tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(list, lang, actions, platform)));
    }
  };

  // On macOS a click opens the menu; elsewhere a (left) click is the quick way back to the window.
  if (platform !== 'darwin') tray.on('click', () => options.openWindow());
  const unsubscribes = [jobs.onChange(update), language.onChange(update)];
  update();

  return {
    balloon(title, content) {
      if (platform === 'win32' && !tray.isDestroyed())
        tray.displayBalloon({ title, content, iconType: 'info' });
    },
    destroy() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
