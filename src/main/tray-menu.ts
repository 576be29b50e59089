import type { MenuItemConstructorOptions } from 'electron';
import type { JobSummary } from '../shared/contract.ts';
import { textsFor, type Language } from './texts.ts';

/** What the tray menu's items do; tray.ts binds them to the Service and the window. */
export interface TrayActions {
  open(): void;
  /** Every enabled job, now. */
  backUpAll(): void;
  backUp(jobId: string): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
}

type MenuJob = Pick<JobSummary, 'id' | 'name' | 'status'>;

/**
 * A job's name as a menu label: Windows and Linux menus read "&" as a mnemonic marker, so it is
 * doubled there, and a long name is cut so the menu stays narrow.
 */
export function jobLabel(name: string, platform: NodeJS.Platform): string {
  const short = name.length > 60 ? `${name.slice(0, 59)}…` : name;
  return platform === 'darwin' ? short : short.replaceAll('&', '&&');
}

/** The tray's context menu as a template: pure, so the tests read it without Electron. */
export function trayMenuTemplate(
  jobs: readonly MenuJob[],
  language: Language,
  actions: TrayActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const t = textsFor(language);
  // A paused job is still listed by name ("Run now" works on it), but "all" means the scheduled ones.
  const startable = jobs.some((job) => job.status !== 'paused' && job.status !== 'running');
  const backUp: MenuItemConstructorOptions =
    jobs.length > 1
      ? {
          label: t.menuBackUpNow,
          submenu: [
            { label: t.menuBackUpAll, enabled: startable, click: () => actions.backUpAll() },
            { type: 'separator' },
            ...jobs.map((job): MenuItemConstructorOptions => ({
              label: jobLabel(job.name, platform),
              enabled: job.status !== 'running',
              click: () => actions.backUp(job.id),
            })),
          ],
        }
      : { label: t.menuBackUpNow, enabled: startable, click: () => actions.backUpAll() };
  const allPaused = jobs.length > 0 && jobs.every((job) => job.status === 'paused');
  const schedules: MenuItemConstructorOptions = allPaused
    ? { label: t.menuResume, click: () => actions.resumeAll() }
    : { label: t.menuPause, enabled: jobs.length > 0, click: () => actions.pauseAll() };
  return [
    { label: t.menuOpen, click: () => actions.open() },
    { type: 'separator' },
    backUp,
    schedules,
    { type: 'separator' },
    { label: t.menuQuit, click: () => actions.quit() },
  ];
}
