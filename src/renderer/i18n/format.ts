import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Locale-aware formatting for numbers, sizes and dates; pure so it is tested without a DOM. */
export function createFormatter(locale: string) {
  const number = new Intl.NumberFormat(locale);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

  return {
    number: (value: number) => number.format(value),
    dateTime: (iso: string | Date) => dateTime.format(new Date(iso)),
    date: (iso: string | Date) => date.format(new Date(iso)),
    /** Binary multiples (1024), shown with the familiar KB/MB/GB unit names of the locale. */
    bytes: (value: number) => {
      let unit = 0;
      let scaled = value;
      while (scaled >= 1024 && unit < units.length - 1) {
        scaled /= 1024;
        unit += 1;
      }
      return new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: units[unit],
        unitDisplay: unit === 0 ? 'long' : 'short', // the short byte unit reads "12 byte" in English
        maximumFractionDigits: unit === 0 || scaled >= 100 ? 0 : 1,
      }).format(scaled);
    },
  };
}

export type Formatter = ReturnType<typeof createFormatter>;

export function useFormat(): Formatter {
  const { i18n } = useTranslation();
  return useMemo(() => createFormatter(i18n.language), [i18n.language]);
}
