import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createFormatter } from '../i18n/format.ts';

/** The app's formatter plus a date-time with seconds, for versions made within the same minute. */
export function createTimelineFormat(locale: string) {
  const seconds = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  return {
    ...createFormatter(locale),
    dateTimeSeconds: (iso: string | Date) => seconds.format(new Date(iso)),
  };
}

export function useTimelineFormat() {
  const { i18n } = useTranslation();
  return useMemo(() => createTimelineFormat(i18n.language), [i18n.language]);
}
