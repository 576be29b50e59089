import type { EventName, EventPayload, Settings } from '../shared/contract.ts';
import type { Language } from './texts.ts';

/** What the main process needs from the Service to know the user's language. */
export interface SettingsSource {
  getSettings(): Promise<Settings>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface LanguageWatch {
  current(): Language;
  /** Called after the user switched languages, so the tray can relabel itself. */
  onChange(listener: (language: Language) => void): () => void;
  dispose(): void;
}

/**
 * The language the user chose in Lifeboat's settings (not the OS locale: the tray and notifications
 * must match the window). Read once at start, then followed through `settingsChanged`.
 */
export async function watchLanguage(service: SettingsSource): Promise<LanguageWatch> {
  const listeners = new Set<(language: Language) => void>();
  // Subscribed before reading, so a change made meanwhile is not lost.
  let language: Language | undefined;
  const unsubscribe = service.on('settingsChanged', (settings) => {
    if (settings.language === language) return;
    language = settings.language;
    for (const listener of listeners) listener(settings.language);
  });
  const settings = await service.getSettings();
  language ??= settings.language;
  return {
    current: () => language ?? 'en',
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      unsubscribe();
      listeners.clear();
    },
  };
}
