import type { Language } from './index.ts';

const key = 'lifeboat-language';

/**
 * The last language applied, so the next start paints in it straight away instead of flashing the
 * browser's language until the Service answers. The Service's setting stays the source of truth.
 */
export function rememberedLanguage(): Language | null {
  try {
    const value = window.localStorage.getItem(key);
    return value === 'en' || value === 'ru' ? value : null;
  } catch {
    return null; // storage can be disabled in a browser
  }
}

export function rememberLanguage(language: Language): void {
  try {
    window.localStorage.setItem(key, language);
  } catch {
    // not fatal: only the first paint of the next start is affected
  }
}
