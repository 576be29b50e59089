/**
 * The translations, one file per screen so each screen's strings live next to each other:
 * `en.json` holds what every screen shares (navigation, errors), `en/<screen>.json` a screen's own
 * strings under the key `<screen>` (so `t('wizard.title')` comes from `en/wizard.json`).
 */
import enCommon from './en.json';
import enBackups from './en/backups.json';
import enDashboard from './en/dashboard.json';
import enRestore from './en/restore.json';
import enSettings from './en/settings.json';
import enWizard from './en/wizard.json';
import ruCommon from './ru.json';
import ruBackups from './ru/backups.json';
import ruDashboard from './ru/dashboard.json';
import ruRestore from './ru/restore.json';
import ruSettings from './ru/settings.json';
import ruWizard from './ru/wizard.json';

export const en = {
  ...enCommon,
  dashboard: enDashboard,
  backups: enBackups,
  restore: enRestore,
  settings: enSettings,
  wizard: enWizard,
};

export const ru: typeof en = {
  ...ruCommon,
  dashboard: ruDashboard,
  backups: ruBackups,
  restore: ruRestore,
  settings: ruSettings,
  wizard: ruWizard,
};
