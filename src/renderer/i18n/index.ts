import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Settings } from '../../shared/contract.ts';
import { en, ru } from './resources.ts';

export type Language = Settings['language'];

/** Each language is named in itself, so a user who landed in the wrong one still finds theirs. */
export const languageNames: Record<Language, string> = { en: 'English', ru: 'Русский' };

export const resources = {
  en: { translation: en },
  ru: { translation: ru },
} as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    // Makes t() keys checked by tsc against the English file.
    resources: { translation: typeof en };
  }
}

/** Until the saved setting arrives, the browser's own language is the best guess. */
export function guessLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ru') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function initI18n(language: Language): typeof i18n {
  i18n.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  void i18n.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: ['en', 'ru'],
    interpolation: { escapeValue: false }, // React escapes already
    initAsync: false, // resources are bundled, so the first render already has its strings
  });
  return i18n;
}
