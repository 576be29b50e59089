import { useMantineColorScheme } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSettings, useSettingsEvents } from '../api/queries.ts';
import { rememberLanguage } from '../i18n/language-memory.ts';

/**
 * Applies the saved language and theme at start and whenever they change (from the Settings page, or a
 * `settingsChanged` event from another window). "auto" is Mantine's own scheme that follows the OS.
 */
export function SettingsSync() {
  useSettingsEvents();
  const { data } = useSettings();
  const { i18n } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const language = data?.language;
  const theme = data?.theme;

  useEffect(() => {
    if (!language) return;
    rememberLanguage(language);
    if (i18n.language !== language) void i18n.changeLanguage(language);
  }, [language, i18n]);

  useEffect(() => {
    if (theme) setColorScheme(theme);
  }, [theme, setColorScheme]);

  return null;
}
