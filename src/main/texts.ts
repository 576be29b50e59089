/**
 * Every word the main process shows by itself (tray, menus, OS notifications, the autostart entry), in
 * English and Russian. The renderer's i18n files are not used here: they belong to the page bundle,
 * and the tray must speak even when no window was ever opened (started hidden at login).
 */
import type { Settings } from '../shared/contract.ts';

export type Language = Settings['language'];

export interface Texts {
  trayAllOk: string;
  trayNoJobs: string;
  trayPaused: string;
  /** One backup running; the percentage when its progress says how far it is. */
  trayRunning: (percent: number | null) => string;
  trayRunningMany: (count: number) => string;
  trayFailed: (count: number) => string;
  trayWarning: (count: number) => string;
  menuBackUpNow: string;
  menuBackUpAll: string;
  menuOpen: string;
  menuPause: string;
  menuResume: string;
  menuQuit: string;
  keepsRunningTitle: string;
  keepsRunningBody: string;
  runFailedTitle: (job: string) => string;
  runWarningTitle: (job: string) => string;
  /** When the failed run left no error message. */
  runFailedBody: string;
  runWarningBody: string;
  runInterruptedBody: string;
  autostartComment: string;
}

/** Russian plural forms: 1 копия, 2 копии, 5 копий (11–14 take the "many" form). */
export function ruPlural(count: number, one: string, few: string, many: string): string {
  const mod10 = count % 10;
  const mod100 = count % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

const withPercent = (percent: number | null): string => (percent === null ? '' : ` ${percent}%`);

const en: Texts = {
  trayAllOk: 'Lifeboat — all backups OK',
  trayNoJobs: 'Lifeboat — no backups set up yet',
  trayPaused: 'Lifeboat — schedules paused',
  trayRunning: (percent) => `Lifeboat — backup running…${withPercent(percent)}`,
  trayRunningMany: (count) => `Lifeboat — ${count} backups running…`,
  trayFailed: (count) => `Lifeboat — ${count} ${count === 1 ? 'backup' : 'backups'} failed`,
  trayWarning: (count) => `Lifeboat — ${count} ${count === 1 ? 'backup' : 'backups'} finished with warnings`,
  menuBackUpNow: 'Back up now',
  menuBackUpAll: 'All backups',
  menuOpen: 'Open Lifeboat',
  menuPause: 'Pause schedules',
  menuResume: 'Resume schedules',
  menuQuit: 'Quit Lifeboat',
  keepsRunningTitle: 'Lifeboat',
  keepsRunningBody: 'Lifeboat keeps running in the tray to make your backups on time',
  runFailedTitle: (job) => `Backup failed: ${job}`,
  runWarningTitle: (job) => `Backup finished with warnings: ${job}`,
  runFailedBody: 'Open Lifeboat to see what went wrong.',
  runWarningBody: 'Some data could not be saved. Open Lifeboat for details.',
  runInterruptedBody: 'The backup was interrupted. Lifeboat will make it again soon.',
  autostartComment: 'Encrypted backups of your CRM, on schedule',
};

const ru: Texts = {
  trayAllOk: 'Lifeboat — все резервные копии в порядке',
  trayNoJobs: 'Lifeboat — резервное копирование ещё не настроено',
  trayPaused: 'Lifeboat — расписания приостановлены',
  trayRunning: (percent) => `Lifeboat — идёт резервное копирование…${withPercent(percent)}`,
  trayRunningMany: (count) =>
    `Lifeboat — ${count} ${ruPlural(count, 'копия создаётся', 'копии создаются', 'копий создаются')}…`,
  trayFailed: (count) =>
    `Lifeboat — ${count} ${ruPlural(
      count,
      'резервная копия не создана',
      'резервные копии не созданы',
      'резервных копий не создано',
    )}`,
  trayWarning: (count) =>
    `Lifeboat — ${count} ${ruPlural(
      count,
      'резервная копия создана',
      'резервные копии созданы',
      'резервных копий создано',
    )} с предупреждениями`,
  menuBackUpNow: 'Создать копию сейчас',
  menuBackUpAll: 'Все задания',
  menuOpen: 'Открыть Lifeboat',
  menuPause: 'Приостановить расписания',
  menuResume: 'Возобновить расписания',
  menuQuit: 'Выйти из Lifeboat',
  keepsRunningTitle: 'Lifeboat',
  keepsRunningBody:
    'Lifeboat продолжает работать в области уведомлений, чтобы вовремя делать резервные копии',
  runFailedTitle: (job) => `Резервная копия не создана: ${job}`,
  runWarningTitle: (job) => `Резервная копия создана с предупреждениями: ${job}`,
  runFailedBody: 'Откройте Lifeboat, чтобы узнать, что пошло не так.',
  runWarningBody: 'Часть данных не удалось сохранить. Подробности — в Lifeboat.',
  runInterruptedBody: 'Резервное копирование прервалось. Lifeboat скоро повторит его.',
  autostartComment: 'Зашифрованные резервные копии вашей CRM по расписанию',
};

export const texts: Readonly<Record<Language, Texts>> = { en, ru };

export function textsFor(language: Language): Texts {
  return texts[language] ?? en;
}
