import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../src/engine/paths.ts';
import { FileSettingsStore, systemLanguage } from '../../src/engine/settings/settings-store.ts';

describe('resolveDataDir', () => {
  it('prefers LIFEBOAT_HOME, then Electron userData, then the platform folder Electron would use', () => {
    expect(resolveDataDir({ env: { LIFEBOAT_HOME: '/srv/lb' }, electronUserData: '/u' })).toBe('/srv/lb');
    expect(resolveDataDir({ env: {}, electronUserData: '/u' })).toBe('/u');
    expect(resolveDataDir({ env: {}, platform: 'linux', homeDir: '/home/a' })).toBe('/home/a/.config/Lifeboat');
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/x' }, platform: 'linux', homeDir: '/home/a' })).toBe('/x/Lifeboat');
    expect(resolveDataDir({ env: {}, platform: 'darwin', homeDir: '/Users/a' })).toBe('/Users/a/Library/Application Support/Lifeboat');
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, platform: 'win32', homeDir: 'C:\\Users\\a' })).toBe(
      'C:\\Users\\a\\AppData\\Roaming\\Lifeboat',
    );
  });
});

describe('FileSettingsStore', () => {
  it('starts in the computer language', () => {
    expect(systemLanguage({ LANG: 'ru_RU.UTF-8' })).toBe('ru');
    expect(systemLanguage({ LC_ALL: 'ru' })).toBe('ru');
    expect(systemLanguage({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(systemLanguage({ LANG: 'run_XX' })).toBe('en');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-settings-'));
    expect(new FileSettingsStore(dir, { language: 'ru', theme: 'auto' }).get().language).toBe('ru');
  });

  it('persists across instances and survives a hand-broken file field by field', () => {
    const defaults = { language: 'en', theme: 'auto' } as const;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-settings-'));
    expect(new FileSettingsStore(dir, defaults).get()).toEqual({ language: 'en', theme: 'auto' });
    new FileSettingsStore(dir, defaults).update({ language: 'ru', theme: 'dark' });
    expect(new FileSettingsStore(dir, defaults).get()).toEqual({ language: 'ru', theme: 'dark' });
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), language: 'klingon' }));
    expect(new FileSettingsStore(dir, defaults).get()).toEqual({ language: 'en', theme: 'dark' });
  });
});
