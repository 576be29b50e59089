import Conf from 'conf';
import { settingsSchema, type Settings, type SettingsPatch } from '../../shared/contract.ts';

export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
}

export const defaultSettings: Settings = { language: 'en', theme: 'auto' };

/** A first start speaks the computer's language when we have it (Russian), English otherwise. */
export function systemLanguage(env: NodeJS.ProcessEnv = process.env): Settings['language'] {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || Intl.DateTimeFormat().resolvedOptions().locale;
  return /^ru([_.-]|$)/i.test(locale) ? 'ru' : 'en';
}

/**
 * Settings in `settings.json` under the data folder, through `conf` (the same format electron-store
 * writes, atomic writes). Values that fail validation (hand-edited file, older version) fall back to the
 * defaults field by field instead of breaking the app.
 */
export class FileSettingsStore implements SettingsStore {
  readonly #conf: Conf<Record<string, unknown>>;
  readonly #defaults: Settings;

  constructor(dataDir: string, defaults: Settings = { ...defaultSettings, language: systemLanguage() }) {
    this.#conf = new Conf({ cwd: dataDir, configName: 'settings', projectName: 'lifeboat' });
    this.#defaults = defaults;
  }

  get(): Settings {
    const raw = this.#conf.store;
    const merged: Record<string, unknown> = { ...this.#defaults };
    for (const key of Object.keys(this.#defaults) as (keyof Settings)[]) {
      const field = settingsSchema.shape[key].safeParse(raw[key]);
      if (field.success) merged[key] = field.data;
    }
    return settingsSchema.parse(merged);
  }

  update(patch: SettingsPatch): Settings {
    const next = settingsSchema.parse({ ...this.get(), ...patch });
    this.#conf.set(next);
    return next;
  }
}

export class MemorySettingsStore implements SettingsStore {
  #value: Settings = { ...defaultSettings };
  get(): Settings {
    return { ...this.#value };
  }
  update(patch: SettingsPatch): Settings {
    this.#value = settingsSchema.parse({ ...this.#value, ...patch });
    return this.get();
  }
}
