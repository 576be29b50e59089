import type { TFunction } from 'i18next';
import type { Schedule } from '../../shared/jobs.ts';

/** Monday-first weekday names of the locale (ISO 1 = Monday), for the schedule editor and summaries. */
export function weekdayNames(locale: string, width: 'short' | 'long' = 'short'): string[] {
  const monday = new Date(Date.UTC(2024, 0, 1)); // a Monday
  const format = new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, i) => format.format(new Date(monday.getTime() + i * 86_400_000)));
}

/** "Every day at 19:00", in the user's language. */
export function scheduleText(t: TFunction, locale: string, schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return t('settings.jobs.scheduleText.manual');
    case 'daily':
      return t('settings.jobs.scheduleText.daily', { at: schedule.at });
    case 'hourly':
      return t('settings.jobs.scheduleText.hourly', { n: schedule.every });
    case 'weekly': {
      const names = weekdayNames(locale);
      return t('settings.jobs.scheduleText.weekly', {
        days: schedule.days.map((d) => names[d - 1]).join(', '),
        at: schedule.at,
      });
    }
    case 'cron':
      return t('settings.jobs.scheduleText.cron', { expression: schedule.expression });
  }
}
