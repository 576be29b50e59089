/**
 * Schedules and retention rules in plain words ("Every day at 19:00, keep 7 daily … versions"), so a
 * shop owner reads what will happen instead of settings. Pure: takes the translate function.
 */
import type { TFunction } from 'i18next';
import type { Retention, Schedule } from '../../shared/jobs.ts';

type Counts = Partial<Record<'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly', number>>;

/** What the engine's presets keep (src/shared/jobs.ts retentionSchema); -1 = all of them. */
export const retentionPresetCounts: Record<'standard' | 'compact' | 'long', Counts> = {
  standard: { hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 3 },
  compact: { daily: 7, weekly: 4 },
  long: { hourly: 48, daily: 30, weekly: 12, monthly: 24, yearly: -1 },
};

/** The choices offered without opening the advanced settings. */
export const schedulePresets: { id: string; schedule: Schedule }[] = [
  { id: 'evening', schedule: { kind: 'daily', at: '19:00' } },
  { id: 'night', schedule: { kind: 'daily', at: '02:00' } },
  { id: 'workdays', schedule: { kind: 'weekly', days: [1, 2, 3, 4, 5], at: '19:00' } },
  { id: 'every4h', schedule: { kind: 'hourly', every: 4 } },
];

/** ISO weekday (1 = Monday) → its name in the locale. 2024-01-01 was a Monday. */
export function weekdayName(day: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, day)),
  );
}

function list(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

export function describeSchedule(schedule: Schedule, t: TFunction, locale: string): string {
  switch (schedule.kind) {
    case 'manual':
      return t('wizard.words.manual');
    case 'daily':
      return t('wizard.words.daily', { time: schedule.at });
    case 'hourly':
      return schedule.every === 1
        ? t('wizard.words.everyHour')
        : t('wizard.words.hourly', { hours: schedule.every });
    case 'weekly': {
      const days = [...new Set(schedule.days)].sort((a, b) => a - b);
      if (days.length === 7) return t('wizard.words.daily', { time: schedule.at });
      if (days.join() === '1,2,3,4,5') return t('wizard.words.workdays', { time: schedule.at });
      return t('wizard.words.weekly', {
        days: list(
          days.map((d) => weekdayName(d, locale)),
          locale,
        ),
        time: schedule.at,
      });
    }
    case 'cron':
      return t('wizard.words.cron', { expression: schedule.expression });
  }
}

export function describeRetention(retention: Retention, t: TFunction, locale: string): string {
  if (retention.kind === 'keep-all') return t('wizard.words.keepAll');
  const counts: Counts =
    retention.kind === 'preset'
      ? retentionPresetCounts[retention.preset]
      : {
          last: retention.keepLast,
          hourly: retention.keepHourly,
          daily: retention.keepDaily,
          weekly: retention.keepWeekly,
          monthly: retention.keepMonthly,
          yearly: retention.keepYearly,
        };
  const parts = (['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const)
    .filter((unit) => counts[unit] !== undefined && counts[unit] !== 0)
    .map((unit) =>
      counts[unit] === -1
        ? t(`wizard.words.keepAllOf.${unit}`)
        : t(`wizard.words.keepCount.${unit}`, { n: counts[unit] }),
    );
  if (retention.kind === 'custom' && retention.keepWithin) {
    parts.push(t('wizard.words.keepWithin', { within: retention.keepWithin }));
  }
  if (parts.length === 0) return t('wizard.words.keepAll');
  return t('wizard.words.keep', { list: list(parts, locale) });
}

/** "Every day at 19:00, keep 24 hourly, … versions": the sentence the schedule step and the review show. */
export function describePlan(schedule: Schedule, retention: Retention, t: TFunction, locale: string): string {
  return t('wizard.words.plan', {
    schedule: describeSchedule(schedule, t, locale),
    retention: describeRetention(retention, t, locale),
  });
}
