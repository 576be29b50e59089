/**
 * Odoo: odoo.conf ([options] db_host, db_port, db_user, db_password, db_name, data_dir; unset values
 * are `False`). Attachments live in the filestore, <data_dir>/filestore/<database>; without data_dir
 * Odoo uses ~/.local/share/Odoo of the user it runs as (Debian package: /var/lib/odoo/.local/share/Odoo;
 * official Docker image: /var/lib/odoo). Each filestore sub-folder is named after a database, which
 * tells us the database when db_name is not set.
 */
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { iniOption, parseIniFile } from './text-config.ts';
import { existingDirs, isFile, postgresConfig, readText, splitHostPort } from './preset.ts';
import { warning } from './preset.ts';
import type { CrmDetection, CrmPreset, CrmWarning } from './preset.ts';

export const odooConfigNames = [
  'odoo.conf',
  'etc/odoo.conf',
  'config/odoo.conf',
  'odoo-server.conf',
  'etc/odoo-server.conf',
  'debian/odoo.conf',
  '.odoorc',
];

/** libpq's default socket folder when db_host is unset (Debian, Ubuntu, RHEL); elsewhere TCP to localhost. */
const defaultSocketHost = process.platform === 'linux' ? '/var/run/postgresql' : 'localhost';

async function filestoreDatabases(dataDir: string): Promise<string[]> {
  return readdir(join(dataDir, 'filestore'), { withFileTypes: true }).then(
    (list) =>
      list
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort(),
    () => [],
  );
}

export const odooPreset: CrmPreset = {
  id: 'odoo',
  name: 'Odoo',
  async detect(installDir: string): Promise<CrmDetection | undefined> {
    let confPath: string | undefined;
    for (const name of odooConfigNames) {
      const p = join(installDir, name);
      if (await isFile(p)) {
        confPath = p;
        break;
      }
    }
    if (!confPath) return undefined;
    const ini = parseIniFile((await readText(confPath)) ?? '');
    const o = ini.options;
    if (!o) return undefined;
    const warnings: CrmWarning[] = [];
    const dataDirs = [
      iniOption(o.data_dir),
      '/var/lib/odoo/.local/share/Odoo',
      '/var/lib/odoo',
      join(homedir(), '.local/share/Odoo'),
    ].filter((d): d is string => Boolean(d));
    let dataDir: string | undefined;
    for (const d of dataDirs) {
      if ((await existingDirs([join(d, 'filestore')])).length) {
        dataDir = d;
        break;
      }
    }
    const candidates = dataDir ? await filestoreDatabases(dataDir) : [];
    const names = (iniOption(o.db_name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    let database = names.length === 1 ? names[0] : undefined;
    if (!database && candidates.length === 1) database = candidates[0];
    const result: CrmDetection = {
      crm: 'odoo',
      name: 'Odoo',
      installDir,
      folders: [],
      files: [confPath],
      warnings,
    };
    if (!database) {
      warnings.push(
        warning('db-name-missing', 'odoo.conf does not name one database: choose the database to back up.'),
      );
      const all = [...new Set([...names, ...candidates])];
      if (all.length) result.databaseCandidates = all;
    }
    const dbHost = iniOption(o.db_host);
    const { host, port } = splitHostPort(dbHost ?? defaultSocketHost, iniOption(o.db_port), 5432);
    const user = iniOption(o.db_user) ?? 'odoo';
    if (database) result.database = postgresConfig({ user, host, port, database });
    else
      result.databaseChoices = result.databaseCandidates?.map((d) =>
        postgresConfig({ user, host, port, database: d }),
      );
    const password = iniOption(o.db_password);
    if (password) result.password = password;
    if (!dbHost && !password) {
      warnings.push(
        warning(
          'db-socket-login',
          'Odoo connects through the local socket as its system user; give Lifeboat a database password, or run it as that user.',
        ),
      );
    }
    if (!dataDir) {
      warnings.push(
        warning(
          'filestore-missing',
          'The Odoo filestore (attachments) was not found: choose its folder (data_dir/filestore).',
        ),
      );
    } else if (database) {
      const store = join(dataDir, 'filestore', database);
      result.folders = await existingDirs([store]);
      if (!result.folders.length) {
        warnings.push(
          warning('files-missing', `The filestore folder ${store} does not exist yet.`, { path: store }),
        );
      }
    }
    return result;
  },
};
