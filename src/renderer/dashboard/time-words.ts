/**
 * "3 hours ago", "in 2 days", "3 days": times said the way people say them, in the user's language
 * (Intl does the plurals, so Russian gets "3 дня", "5 дней"). Pure, so it is tested without a DOM.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** The largest unit that still reads naturally for a span of `ms` (rounded, like "about"). */
export function unitFor(ms: number): { value: number; unit: Unit } {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? -1 : 1;
  const pick = (size: number, unit: Unit) => ({ value: sign * Math.round(abs / size), unit });
  if (abs < 45 * second) return pick(second, 'second');
  if (abs < 45 * minute) return pick(minute, 'minute');
  if (abs < 22 * hour) return pick(hour, 'hour');
  if (abs < 26 * day) return pick(day, 'day');
  if (abs < 320 * day) return pick(30.44 * day, 'month');
  return pick(365.25 * day, 'year');
}

/** `justNow`: what to say for the last few seconds (Intl's "now" reads oddly for the past). */
export function createTimeWords(locale: string, justNow?: string) {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const durations = new Map<Unit, Intl.NumberFormat>();
  const durationFormat = (unit: Unit) => {
    let format = durations.get(unit);
    if (!format) {
      format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' });
      durations.set(unit, format);
    }
    return format;
  };
  return {
    /** "3 hours ago" / "in 2 days" / "now". */
    relative(iso: string | number | Date, now: Date = new Date()): string {
      const ms = new Date(iso).getTime() - now.getTime();
      const { value, unit } = unitFor(ms);
      // Future times this close are shown as due by the callers, so seconds are always "just now".
      if (unit === 'second') return justNow ?? relative.format(0, 'second');
      return relative.format(value, unit);
    },
    /** "3 days", "5 hours" (a span, no direction). */
    duration(ms: number): string {
      const { value, unit } = unitFor(Math.abs(ms));
      return durationFormat(unit).format(Math.max(value, unit === 'second' ? value : 1));
    },
  };
}

export type TimeWords = ReturnType<typeof createTimeWords>;

export function useTimeWords(): TimeWords {
  const { t, i18n } = useTranslation();
  const justNow = t('dashboard.justNow');
  return useMemo(() => createTimeWords(i18n.language, justNow), [i18n.language, justNow]);
}
