import Conf from 'conf';
import { settingsSchema, type Settings, type SettingsPatch } from '../../shared/contract.ts';

export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
}

export const defaultSettings: Settings = { language: 'en', theme: 'auto' };

/**
 * Settings in `settings.json` under the data folder, through `conf` (the same format electron-store
 * writes, atomic writes). Values that fail validation (hand-edited file, older version) fall back to the
 * defaults field by field instead of breaking the app.
 */
export class FileSettingsStore implements SettingsStore {
  readonly #conf: Conf<Record<string, unknown>>;

  constructor(dataDir: string) {
    this.#conf = new Conf({ cwd: dataDir, configName: 'settings', projectName: 'lifeboat' });
  }

  get(): Settings {
    const raw = this.#conf.store;
    const merged: Record<string, unknown> = { ...defaultSettings };
    for (const key of Object.keys(defaultSettings) as (keyof Settings)[]) {
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
