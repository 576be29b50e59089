/**
 * Numbers, sizes, durations, dates and counted nouns for the texts people read (emails, chat
 * messages, drill reports), in English and Russian. Built on Intl so "1,234" / "1 234" and
 * "35 MB" / "35 МБ" come out the way each language writes them; Russian nouns need three plural
 * forms ("1 файл", "2 файла", "5 файлов"), which PluralRules picks.
 */
export type Language = 'en' | 'ru';

export const languages: readonly Language[] = ['en', 'ru'];

const locales: Record<Language, string> = { en: 'en-US', ru: 'ru-RU' };

/** A noun in every plural category the language uses: en one/other, ru one/few/many. */
export interface Noun {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

export interface Formatter {
  readonly language: Language;
  number(n: number): string;
  /** Binary multiples with the familiar unit names: "35 MB", "1.2 GB" / "35 МБ". */
  bytes(n: number): string;
  /** "45 s", "2 min", "1 h 5 min" / "45 с", "2 мин", "1 ч 5 мин". */
  duration(ms: number): string;
  dateTime(d: Date): string;
  date(d: Date): string;
  /** "1,234 files" / "1 234 файла". */
  count(n: number, noun: Noun): string;
  /** Just the right form of the noun for n. */
  noun(n: number, noun: Noun): string;
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

const durationUnits: Record<Language, { h: string; min: string; s: string; ms: string }> = {
  en: { h: 'h', min: 'min', s: 's', ms: 'ms' },
  ru: { h: 'ч', min: 'мин', s: 'с', ms: 'мс' },
};

/**
 * `timeZone` defaults to the computer's zone; tests pass 'UTC' so dates are stable.
 */
export function createFormatter(language: Language, timeZone?: string): Formatter {
  const locale = locales[language];
  const numberFormat = new Intl.NumberFormat(locale);
  const zone = timeZone ? { timeZone } : {};
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', ...zone });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', ...zone });
  const plural = new Intl.PluralRules(locale);
  const u = durationUnits[language];

  const noun = (n: number, forms: Noun): string => {
    // Fractions and big numbers alike: PluralRules knows that ru "1,5 файла" is 'other'.
    const category = plural.select(n);
    if (category === 'one') return forms.one;
    if (category === 'few') return forms.few ?? forms.other;
    if (category === 'many') return forms.many ?? forms.other;
    return forms.other;
  };

  return {
    language,
    number: (n) => numberFormat.format(n),
    bytes: (n) => {
      let unit = 0;
      let scaled = Math.max(0, n);
      while (scaled >= 1024 && unit < byteUnits.length - 1) {
        scaled /= 1024;
        unit += 1;
      }
      return new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: byteUnits[unit],
        // "12 byte" reads wrong in English, so bytes use the long name ("12 bytes", "12 байт").
        unitDisplay: unit === 0 ? 'long' : 'short',
        maximumFractionDigits: unit === 0 || scaled >= 100 ? 0 : 1,
      }).format(scaled);
    },
    duration: (ms) => {
      const safe = Math.max(0, ms);
      if (safe < 1000) return `${numberFormat.format(Math.round(safe))} ${u.ms}`;
      const totalSeconds = Math.round(safe / 1000);
      if (totalSeconds < 60) return `${totalSeconds} ${u.s}`;
      const totalMinutes = Math.round(totalSeconds / 60);
      if (totalSeconds < 3600) {
        // Under 10 minutes the seconds still matter ("2 min 30 s"); after that they are noise.
        const s = totalSeconds % 60;
        const m = Math.floor(totalSeconds / 60);
        return m < 10 && s > 0 ? `${m} ${u.min} ${s} ${u.s}` : `${totalMinutes} ${u.min}`;
      }
      const h = Math.floor(totalMinutes / 60);
      const m = totalMinutes % 60;
      return m > 0 ? `${h} ${u.h} ${m} ${u.min}` : `${h} ${u.h}`;
    },
    dateTime: (d) => dateTimeFormat.format(d),
    date: (d) => dateFormat.format(d),
    noun,
    count: (n, forms) => `${numberFormat.format(n)} ${noun(n, forms)}`,
  };
}

/** Quotes a name the way the language does: “CRM” / «CRM». */
export function quoteName(language: Language, name: string): string {
  return language === 'ru' ? `«${name}»` : `“${name}”`;
}

/** For HTML built by hand: the five characters that matter in text and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
